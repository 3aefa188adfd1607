#include "functions/bwrap_probe.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "functions/bwrap_handshake.h"
#include "functions/child_process.h"
#include "functions/seccomp_filter.h"

namespace portico::functions {
namespace {

/// Whether bwrap runs /bin/true with these extra arguments.
bool runsTrue(const std::string& bwrapPath, const std::vector<std::string>& extra,
              const std::vector<ChildFd>& fds = {}) {
  if (access(bwrapPath.c_str(), X_OK) != 0) return false;
  std::vector<std::string> argv = {bwrapPath,       "--ro-bind",         "/",      "/",
                                   "--unshare-pid", "--die-with-parent", "--proc", "/proc"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("/bin/true");
  auto p = spawnWithPipes(argv, {}, nullptr, fds);
  if (!p) return false;
  ::close(p->stdoutFd);
  ::close(p->stderrFd);
  int status = 0;
  while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// Whether bwrap accepts the seccomp filter (and /bin/true runs under it).
bool acceptsSeccomp(const std::string& bwrapPath, const std::string& seccompProgram) {
  LaunchPipes pipes;
  if (!pipes.open(false, seccompProgram)) return false;
  std::vector<ChildFd> fds;
  for (const ChildFd& c : pipes.child) {
    if (c.target == kSeccompChildFd) fds.push_back(c);
  }
  return runsTrue(bwrapPath, {"--seccomp", std::to_string(kSeccompChildFd)}, fds);
}

}  // namespace

BwrapSupport probeBubblewrap(const SandboxOptions& o) {
  BwrapSupport s;
  s.usable = o.allowBubblewrap && runsTrue(o.bwrapPath, {});
  if (!s.usable) return s;
  // As Lambda's sbx_user1051 (uid 993, gid 990) in a user namespace, with no capabilities, when
  // the kernel allows it; else (as root) at least without capabilities.
  if (runsTrue(o.bwrapPath, identityOptions(BwrapIdentity::kUserNamespace))) {
    s.identity = BwrapIdentity::kUserNamespace;
  } else if (::geteuid() == 0 && runsTrue(o.bwrapPath, identityOptions(BwrapIdentity::kNoCapabilities))) {
    s.identity = BwrapIdentity::kNoCapabilities;
  }
  s.seccompProgram = sandboxSeccompProgram();
  if (!s.seccompProgram.empty() && !acceptsSeccomp(o.bwrapPath, s.seccompProgram)) s.seccompProgram.clear();
  // A network namespace of its own needs Portico to enter it (the Runtime API is made inside).
  s.ownNetwork = canEnterNetworkNamespaces() && runsTrue(o.bwrapPath, {"--unshare-net"});
  s.network.mode = o.network;
  s.network.slirpPath = o.slirpPath;
  s.network.forwardPorts = o.forwardPorts;
  if (s.ownNetwork && o.network == FunctionNetwork::kOutbound && access(o.slirpPath.c_str(), X_OK) != 0) {
    s.network.mode = FunctionNetwork::kNone;
    s.slirpMissing = true;
  }
  return s;
}

}  // namespace portico::functions
