#include "functions/bwrap_command.h"

#include <algorithm>

#include "functions/bwrap_handshake.h"
#include "functions/etc_staging.h"

namespace portico::functions {
namespace fs = std::filesystem;

std::vector<std::string> identityOptions(BwrapIdentity identity) {
  switch (identity) {
    case BwrapIdentity::kUserNamespace:
      return {"--unshare-user", "--uid", "993", "--gid", "990", "--cap-drop", "ALL"};
    case BwrapIdentity::kNoCapabilities:
      return {"--cap-drop", "ALL"};
    case BwrapIdentity::kAsInvoked:
      break;
  }
  return {};
}

std::vector<std::string> bwrapOptions(const BwrapSettings& settings, const LaunchSpec& spec, bool newNetwork) {
  std::vector<std::string> opts = {"--die-with-parent",
                                   "--unshare-pid",
                                   "--unshare-ipc",
                                   "--unshare-uts",
                                   "--unshare-cgroup-try",
                                   "--info-fd",
                                   std::to_string(kInfoChildFd),
                                   "--block-fd",
                                   std::to_string(kBlockChildFd)};
  if (settings.ownNetwork && newNetwork) opts.push_back("--unshare-net");
  if (settings.seccomp) opts.insert(opts.end(), {"--seccomp", std::to_string(kSeccompChildFd)});
  std::vector<std::string> identity = identityOptions(settings.identity);
  opts.insert(opts.end(), identity.begin(), identity.end());
  opts.insert(opts.end(), {"--ro-bind", "/usr", "/usr"});
  for (const char* d : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    if (fs::is_symlink(d)) {
      opts.insert(opts.end(), {"--symlink", fs::read_symlink(d).string(), d});
    } else if (fs::exists(d)) {
      opts.insert(opts.end(), {"--ro-bind", d, d});
    }
  }
  auto bindHostEtc = [&opts](std::string_view name) {
    std::string f = "/etc/" + std::string(name);
    opts.insert(opts.end(), {"--ro-bind-try", f, f});
  };
  if (!settings.stagedEtc.empty()) {
    opts.insert(opts.end(), {"--ro-bind", settings.stagedEtc.string(), "/etc"});
  } else {
    std::ranges::for_each(kEtcCopied, bindHostEtc);
  }
  std::ranges::for_each(kEtcLive, bindHostEtc);
  // /dev as Lambda has it: the usual character devices and the fd links (no /dev/shm, no ttys).
  // Cheaper than bwrap's --dev, which also mounts devpts and /dev/shm.
  opts.insert(opts.end(), {"--tmpfs", "/dev"});
  for (const char* d : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}) {
    opts.insert(opts.end(), {"--dev-bind", d, d});
  }
  opts.insert(opts.end(),
              {"--symlink", "/proc/self/fd", "/dev/fd", "--symlink", "/proc/self/fd/0", "/dev/stdin", "--symlink",
               "/proc/self/fd/1", "/dev/stdout", "--symlink", "/proc/self/fd/2", "/dev/stderr"});
  opts.insert(opts.end(), {"--proc", "/proc"});
  // /tmp: the environment's own when it has one (kept across its sandboxes), else a fresh tmpfs.
  if (spec.tmpDir.empty()) {
    opts.insert(opts.end(), {"--tmpfs", "/tmp"});
  } else {
    opts.insert(opts.end(), {"--bind", spec.tmpDir.string(), "/tmp"});
  }
  opts.insert(opts.end(),
              {"--ro-bind", spec.codeDir.string(), "/var/task", "--ro-bind", spec.runtimeDir.string(), "/var/runtime"});
  if (!spec.optDir.empty()) opts.insert(opts.end(), {"--ro-bind", spec.optDir.string(), "/opt"});
  opts.insert(opts.end(), {"--chdir", "/var/task"});
  return opts;
}

}  // namespace portico::functions
