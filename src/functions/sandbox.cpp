#include "functions/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>

#include "functions/child_attributes.h"
#include "functions/sandbox_views.h"
#include "functions/seccomp_filter.h"

namespace portico::functions {
namespace fs = std::filesystem;

namespace {

/// An fd the child gets at a given number.
struct ChildFd {
  int fd;
  int target;
};

/// posix_spawn with pipes for stdout/stderr, /dev/null stdin, a fresh process group,
/// default signal dispositions and an empty signal mask (Portico blocks SIGTERM for sigwait
/// and ignores SIGPIPE: neither must leak into functions). `extra` fds are given to the child at
/// their target numbers.
Result<LaunchedProcess> spawnWithPipes(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                       const fs::path* chdirTo, const std::vector<ChildFd>& extra = {}) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return ApiError::lambda("ServiceException", 500, "pipe failed");
  if (pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return ApiError::lambda("ServiceException", 500, "pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  // Sources are first copied above every target number, so that no dup2 overwrites a source a
  // later one still needs (a pipe may well have got fd 4 while fd 3's source is fd 5).
  std::vector<int> high;
  for (const ChildFd& c : extra) {
    high.push_back(::fcntl(c.fd, F_DUPFD_CLOEXEC, 64));
    posix_spawn_file_actions_adddup2(&fa, high.back(), c.target);
  }
  // Nothing else of Portico's reaches the child: Asio makes its sockets without FD_CLOEXEC, and a
  // function that inherited a listener could accept Portico's own connections.
  posix_spawn_file_actions_addclosefrom_np(&fa, 7);
  if (chdirTo) posix_spawn_file_actions_addchdir_np(&fa, chdirTo->c_str());
  posix_spawnattr_t attr;
  initChildAttributes(attr);

  std::vector<char*> args, envp;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  ::close(err[1]);
  for (int fd : high) {
    if (fd >= 0) ::close(fd);
  }
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    return ApiError::lambda("ServiceException", 500, std::string("cannot start ") + argv[0] + ": " + strerror(rc));
  }
  LaunchedProcess p;
  p.pid = pid;
  p.stdoutFd = out[0];
  p.stderrFd = err[0];
  return p;
}

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

/// The pipes between Portico and a bwrap it starts: bwrap's --info-fd (4: it writes the sandboxed
/// process's pid), --block-fd (5: it waits for a byte before running the command) and --seccomp
/// (6: it reads the filter), and the spare's command pipe (3).
struct LaunchPipes {
  int commandWrite = -1, infoRead = -1, blockWrite = -1;  // Portico's ends
  std::vector<ChildFd> child;                             // the child's ends, at their numbers

  ~LaunchPipes() {
    closeChildEnds();
    closeFd(commandWrite);
    closeFd(infoRead);
    closeFd(blockWrite);
  }
  void closeChildEnds() {
    for (ChildFd& c : child) closeFd(c.fd);
    child.clear();
  }
  bool open(bool withCommand, const std::string& seccompProgram) {
    int fds[2];
    if (withCommand) {
      if (pipe2(fds, O_CLOEXEC) != 0) return false;
      child.push_back({fds[0], 3});
      commandWrite = fds[1];
    }
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    infoRead = fds[0];
    child.push_back({fds[1], 4});
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    child.push_back({fds[0], 5});
    blockWrite = fds[1];
    if (!seccompProgram.empty()) {
      // The filter is small (well under a pipe's 64 KiB): written whole now, read by bwrap later.
      if (pipe2(fds, O_CLOEXEC) != 0) return false;
      bool written =
          ::write(fds[1], seccompProgram.data(), seccompProgram.size()) == static_cast<ssize_t>(seccompProgram.size());
      ::close(fds[1]);
      child.push_back({fds[0], 6});
      if (!written) return false;
    }
    return true;
  }
};

/// Reads bwrap's info JSON up to the sandboxed process's pid ("child-pid": N).
Result<pid_t> readChildPid(int infoFd) {
  std::string text;
  constexpr std::string_view kKey = "\"child-pid\":";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    if (auto at = text.find(kKey); at != std::string::npos) {
      std::size_t i = at + kKey.size();
      while (i < text.size() && text[i] == ' ') ++i;
      std::size_t digits = i;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      if (i < text.size() && i > digits) return static_cast<pid_t>(std::stol(text.substr(digits, i - digits)));
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{infoFd, POLLIN, 0};
    int n = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (n < 0 && errno == EINTR) continue;
    char buf[512];
    ssize_t got = n > 0 ? ::read(infoFd, buf, sizeof buf) : -1;
    if (got <= 0) {
      return ApiError::lambda("ServiceException", 500,
                              n == 0 ? "the sandbox did not start in time" : "the sandbox failed to start");
    }
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > 4096) return ApiError::lambda("ServiceException", 500, "the sandbox said too much");
  }
}

std::string joined(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(1, sep)) + p;
  return out;
}

/// The shell prologue of every launch: Lambda's open-file limit (soft and hard), then the
/// environment's cgroups ($0: directories separated by ':') entered before anything runs.
constexpr const char* kEnterLimits =
    "ulimit -n 1024 || exit 1; IFS=:; for d in $0; do echo $$ > \"$d/cgroup.procs\" || exit 1; done; unset IFS; ";

class HostSandbox final : public Sandbox {
 public:
  explicit HostSandbox(const SandboxOptions& o) : options_(o), cgroups_(o.cgroupRoots) {
    bwrap_ = o.allowBubblewrap && probeBubblewrap({});
    // As Lambda's sbx_user1051 (uid 993, gid 990) in a user namespace, with no capabilities, when
    // the kernel allows it; else (as root) at least without capabilities.
    if (bwrap_) {
      if (probeBubblewrap(kUserNamespace)) {
        identity_ = kUserNamespace;
      } else if (::geteuid() == 0 && probeBubblewrap(kNoCapabilities)) {
        identity_ = kNoCapabilities;
      }
      seccompProgram_ = sandboxSeccompProgram();
      if (!seccompProgram_.empty() && !probeSeccomp()) seccompProgram_.clear();
      // A network namespace of its own needs Portico to enter it (the Runtime API is made inside).
      netIsolated_ = canEnterNetworkNamespaces() && probeBubblewrap({"--unshare-net"});
      network_.mode = o.network;
      network_.slirpPath = o.slirpPath;
      if (netIsolated_ && o.network == FunctionNetwork::kOutbound && access(o.slirpPath.c_str(), X_OK) != 0) {
        network_.mode = FunctionNetwork::kNone;
        slirpMissing_ = true;
      }
    }
    if (bwrap_ && !o.viewsDir.empty()) {
      views_ = std::make_unique<SandboxViews>(o.viewsDir);
      if (!views_->ready()) {
        views_.reset();
      } else if (!o.etcDir.empty()) {
        options_.etcDir = views_->dir() / "etc";
      }
    }
    if (bwrap_ && !options_.etcDir.empty()) etcReady_ = prepareEtc();
    if (bwrap_ && cgroups_.kind() != CgroupSet::Kind::kNone) replenishSpare();
  }
  ~HostSandbox() override { discardSpare(); }

  Result<LaunchedProcess> launch(const LaunchSpec& original) override {
    // Sandboxed, the code and runtime scripts are mounted from their copies on Portico's tmpfs.
    LaunchSpec spec = original;
    std::vector<fs::path> views;
    if (bwrap_ && views_) {
      for (fs::path* dir : {&spec.codeDir, &spec.runtimeDir}) {
        auto view = views_->acquire(*dir);
        if (!view) {
          for (const auto& v : views) views_->release(v);
          return view.takeError();
        }
        views.push_back(*view);
        *dir = *view;
      }
    }
    auto launched = launchWith(spec);
    if (!launched) {
      for (const auto& v : views) views_->release(v);
      return launched;
    }
    launched->views = std::move(views);
    return launched;
  }

  Result<LaunchedProcess> launchWith(const LaunchSpec& spec) {
    std::vector<std::string> argv;
    std::vector<std::string> env = spec.environment;
    const fs::path* chdirTo = nullptr;
    if (bwrap_) {
      static const fs::path root = "/";
      chdirTo = &root;  // bwrap is the sandbox's PID 1: its environment names no host directory
      argv = {options_.bwrapPath};
      if (cgroups_.kind() != CgroupSet::Kind::kNone) {
        if (auto launched = launchFromSpare(spec, sandboxOptions(spec, false))) return std::move(*launched);
      }
      std::vector<std::string> opts = sandboxOptions(spec, true);
      argv.insert(argv.end(), opts.begin(), opts.end());
      argv.push_back("--");
      argv.insert(argv.end(), spec.command.begin(), spec.command.end());
    } else {
      // Unsandboxed: the same layout, but at the real paths.
      auto rewrite = [&](std::string s) {
        for (auto [from, to] : {std::pair{std::string("/var/task"), spec.codeDir.string()},
                                std::pair{std::string("/var/runtime"), spec.runtimeDir.string()}}) {
          for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
            s.replace(pos, from.size(), to);
          }
        }
        return s;
      };
      for (auto& a : spec.command) argv.push_back(rewrite(a));
      for (auto& e : env) e = rewrite(e);
      chdirTo = &spec.codeDir;
    }

    EnvironmentCgroups cgroups;
    if (cgroups_.kind() != CgroupSet::Kind::kNone) cgroups = cgroups_.make(spec.id, spec.memoryMb);
    // Enter the limits before exec, so every descendant is accounted and capped.
    std::vector<std::string> wrapped = {"/bin/sh", "-c", std::string(kEnterLimits) + "exec \"$@\"",
                                        joined(cgroups.all, ':')};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    LaunchPipes pipes;
    if (bwrap_ && !pipes.open(false, seccompProgram_)) {
      cgroups_.remove(cgroups);
      return ApiError::lambda("ServiceException", 500, "pipe failed");
    }
    auto launched = spawnWithPipes(wrapped, env, chdirTo, pipes.child);
    pipes.closeChildEnds();
    if (!launched) {
      cgroups_.remove(cgroups);
      return launched;
    }
    launched->cgroups = cgroups;
    launched->cgroup = cgroups.memory;
    if (bwrap_) {
      if (Status done = completeLaunch(*launched, pipes); !done) {
        abandon(*launched);
        return done.takeError();
      }
    }
    return launched;
  }

  void release(const LaunchedProcess& p) override {
    if (p.infoFd >= 0) ::close(p.infoFd);
    EnvironmentNetwork network = p.network;
    tearDownNetwork(network);
    cgroups_.remove(p.cgroups);
    if (views_) {
      for (const auto& v : p.views) views_->release(v);
    }
  }

  fs::path peakMemoryFile(const LaunchedProcess& p) const override { return cgroups_.peakMemoryFile(p.cgroups); }
  FreezeControl freezeControl(const LaunchedProcess& p) const override {
    return options_.freezeIdle ? cgroups_.freezeControl(p.cgroups) : FreezeControl{};
  }

  std::string describe() const override {
    if (!bwrap_) return "NO SANDBOX: bubblewrap is unavailable, functions run as plain processes" + limitsText();
    std::string s = "bubblewrap sandbox (private /tmp, read-only /var/task, own PID namespace";
    s += identity_ == kUserNamespace    ? ", uid 993 in a user namespace, no capabilities"
         : identity_ == kNoCapabilities ? ", no capabilities"
                                        : "";
    if (!netIsolated_) {
      s += ", NO network namespace: functions share the host's network (Portico needs CAP_SYS_ADMIN to isolate it)";
    } else if (network_.mode == FunctionNetwork::kOutbound) {
      s += ", own network namespace with outbound traffic through slirp4netns (the host unreachable)";
    } else {
      s += slirpMissing_ ? ", own network namespace with NO outbound network (slirp4netns not found)"
                         : ", own network namespace without outbound network";
    }
    s += seccompProgram_.empty() ? ", NO seccomp filter" : ", seccomp filter";
    s += views_ ? "" : ", mount table shows host paths (no tmpfs of Portico's: needs root)";
    return s + ")" + limitsText();
  }

  bool isolated() const override { return bwrap_; }
  bool runtimeApiInside() const override { return netIsolated_; }

 private:
  std::string limitsText() const {
    const char* frozen = !options_.freezeIdle     ? ", NOT frozen between invocations (--function-freeze off)"
                         : cgroups_.freezes() ? ", frozen between invocations"
                                              : ", NOT frozen between invocations";
    switch (cgroups_.kind()) {
      case CgroupSet::Kind::kV1:
        return std::string("; memory capped by cgroup v1") +
               (cgroups_.limitsProcesses() ? ", 1,024 processes" : ", processes NOT capped (no pids cgroup)") +
               (cgroups_.freezes() || !options_.freezeIdle ? frozen
                                                           : ", NOT frozen between invocations (no freezer cgroup)");
      case CgroupSet::Kind::kV2:
        return std::string("; memory capped by cgroup v2") +
               (cgroups_.limitsProcesses() ? ", 1,024 processes" : ", processes NOT capped (no pids controller)") +
               frozen;
      case CgroupSet::Kind::kNone:
        break;
    }
    return "; memory and processes NOT capped, NOT frozen between invocations (no writable cgroup memory "
           "controller)";
  }

  /// After bwrap has made the namespaces and waits on its block fd: the network, then go.
  Status completeLaunch(LaunchedProcess& p, LaunchPipes& pipes) {
    closeFd(pipes.commandWrite);
    auto child = readChildPid(pipes.infoRead);
    if (!child) return child.takeError();
    if (p.runtimeApiFd >= 0) {
      // A spare's namespace, set up when the spare was made: at most wait for slirp4netns.
      if (Status ready = awaitNetwork(p.network); !ready) return ready.takeError();
    } else if (netIsolated_) {
      auto network = setUpNetwork(*child, network_);
      if (!network) return network.takeError();
      p.network = *network;
      p.runtimeApiFd = network->runtimeApiFd;
    }
    char go = 1;
    if (::write(pipes.blockWrite, &go, 1) != 1) {
      return ApiError::lambda("ServiceException", 500, "the sandbox ended while starting");
    }
    closeFd(pipes.blockWrite);
    p.infoFd = std::exchange(pipes.infoRead, -1);  // closed by release()
    return Ok{};
  }

  /// Ends a process whose launch failed half-way, and everything around it.
  void abandon(LaunchedProcess& p) {
    ::kill(-p.pid, SIGKILL);
    ::kill(p.pid, SIGKILL);
    int status = 0;
    while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
    }
    closeFd(p.stdoutFd);
    closeFd(p.stderrFd);
    closeFd(p.runtimeApiFd);
    release(p);
  }

  /// bwrap's options for an environment (everything before "--" and the command).
  /// `newNetwork`: bwrap makes the network namespace (a direct launch); a spare already sits in one.
  std::vector<std::string> sandboxOptions(const LaunchSpec& spec, bool newNetwork) const {
    std::vector<std::string> opts = {"--die-with-parent",
                                     "--unshare-pid",
                                     "--unshare-ipc",
                                     "--unshare-uts",
                                     "--unshare-cgroup-try",
                                     "--info-fd",
                                     "4",
                                     "--block-fd",
                                     "5"};
    if (netIsolated_ && newNetwork) opts.push_back("--unshare-net");
    if (!seccompProgram_.empty()) opts.insert(opts.end(), {"--seccomp", "6"});
    opts.insert(opts.end(), identity_.begin(), identity_.end());
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
    if (etcReady_) {
      opts.insert(opts.end(), {"--ro-bind", options_.etcDir.string(), "/etc"});
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
    opts.insert(opts.end(), {"--proc", "/proc", "--tmpfs", "/tmp", "--ro-bind", spec.codeDir.string(), "/var/task",
                             "--ro-bind", spec.runtimeDir.string(), "/var/runtime", "--chdir", "/var/task"});
    return opts;
  }

  // ---- The sandbox's /etc.
  // Each read-only bind costs bwrap a remount and a pass over the mount table (~0.1 ms apiece
  // here): a bind per host file was 1.2 ms of every cold start. So Portico copies what functions
  // need into one directory at start and binds that; the files the host may change while Portico
  // runs (name resolution) stay bound live on top of placeholders.
  static constexpr std::array<std::string_view, 9> kEtcCopied = {"ssl",         "ca-certificates", "nsswitch.conf",
                                                                 "passwd",      "group",           "localtime",
                                                                 "ld.so.cache", "alternatives",    "mime.types"};
  static constexpr std::array<std::string_view, 2> kEtcLive = {"resolv.conf", "hosts"};

  /// Fills options_.etcDir afresh (built beside it, then renamed into place). False on failure.
  bool prepareEtc() const {
    const fs::path dir = options_.etcDir;
    const fs::path fresh = dir.string() + ".new";
    std::error_code ec;
    fs::remove_all(fresh, ec);
    fs::create_directories(fresh, ec);
    // Top-level entries are copied as what they resolve to on the host (a link into a place the
    // sandbox cannot see would dangle inside it); links within directories stay links.
    auto copyEntry = [&ec](const fs::path& from, const fs::path& to) {
      std::error_code statEc;
      auto status = fs::status(from, statEc);
      if (statEc || !fs::exists(status)) return;  // absent or dangling on the host too
      if (fs::is_directory(status)) {
        fs::copy(fs::canonical(from, ec), to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
      } else {
        fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
      }
    };
    for (std::string_view name : kEtcCopied) {
      if (ec) break;
      fs::path from = fs::path("/etc") / name;
      if (name == "ssl" && fs::is_directory(from, ec)) {
        // Certificates and configuration; never the host's private keys.
        fs::create_directory(fresh / name, ec);
        for (fs::directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) {
          if (it->path().filename() != "private") copyEntry(it->path(), fresh / name / it->path().filename());
        }
      } else {
        ec.clear();
        copyEntry(from, fresh / name);
      }
    }
    for (std::string_view name : kEtcLive) {  // the mount points
      if (!ec && !std::ofstream(fresh / name)) ec = std::make_error_code(std::errc::io_error);
    }
    if (!ec) fs::remove_all(dir, ec);
    if (!ec) fs::rename(fresh, dir, ec);
    if (ec) {
      spdlog::warn("cannot prepare the sandbox's /etc in {} ({}); binding the host's files one by one", dir.string(),
                   ec.message());
      fs::remove_all(fresh, ec);
      return false;
    }
    return true;
  }

  // ---- The spare launcher.
  // Moving a process into a cgroup waits for an RCU grace period whenever no move happened
  // moments before: 5-15 ms on these machines, most of a cold start. So one launcher is started
  // ahead of need: a shell that enters fresh cgroups, then waits for its command line on fd 3 and
  // becomes bwrap, which reads its options (NUL-separated, the environment as --setenv) from the
  // same pipe. A launch takes the spare (setting its memory limit, writing the command) and starts
  // the next one.

  struct Spare {
    LaunchedProcess process;
    int commandFd = -1;  // the write end of the spare's fd 3
    int infoFd = -1;     // the read end of bwrap's --info-fd
    int blockFd = -1;    // the write end of bwrap's --block-fd
  };

  /// A new spare launcher, waiting in fresh cgroups; nullopt when one cannot be made.
  std::optional<Spare> makeSpare() {
    EnvironmentCgroups cgroups = cgroups_.make("env-" + std::to_string(++spareCount_), 128);
    if (cgroups.empty()) return std::nullopt;
    LaunchPipes pipes;
    if (!pipes.open(true, seccompProgram_)) {
      cgroups_.remove(cgroups);
      return std::nullopt;
    }
    // set -f: the command's words are split but never globbed. The environment is empty: bwrap
    // gives the function exactly the --setenv variables.
    std::vector<std::string> argv = {
        "/bin/sh", "-c", std::string("set -f; ") + kEnterLimits + "read -r cmd <&3 && exec \"$1\" --args 3 $cmd",
        joined(cgroups.all, ':'), options_.bwrapPath};
    // The spare waits in a network namespace of its own (made by unshare, which execs the shell
    // in place), set up now: a cold start then pays for none of it (slirp4netns takes ~10 ms).
    if (netIsolated_) argv.insert(argv.begin(), {unsharePath_, "--net", "--"});
    static const fs::path root = "/";
    auto launched = spawnWithPipes(argv, {}, &root, pipes.child);
    pipes.closeChildEnds();
    if (!launched) {
      cgroups_.remove(cgroups);
      return std::nullopt;
    }
    launched->cgroups = cgroups;
    launched->cgroup = cgroups.memory;
    if (netIsolated_) {
      auto network = startSpareNetwork(launched->pid);
      if (!network) {
        spdlog::warn("cannot set up a spare environment's network: {}", network.error().message);
        Spare failed{*launched, std::exchange(pipes.commandWrite, -1), std::exchange(pipes.infoRead, -1),
                     std::exchange(pipes.blockWrite, -1)};
        dispose(failed, false);
        return std::nullopt;
      }
      launched->network = *network;
      launched->runtimeApiFd = network->runtimeApiFd;
    }
    Spare spare{*launched, std::exchange(pipes.commandWrite, -1), std::exchange(pipes.infoRead, -1),
                std::exchange(pipes.blockWrite, -1)};
    return spare;
  }

  /// The network of a spare just started: once `unshare` has made its namespace (the process's
  /// namespace differs from Portico's), the listener, routes and slirp4netns, not awaited.
  Result<EnvironmentNetwork> startSpareNetwork(pid_t pid) {
    struct stat mine {};
    struct stat theirs {};
    if (::stat("/proc/self/ns/net", &mine) != 0) return ApiError::lambda("ServiceException", 500, "no netns");
    const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
    for (int i = 0; i < 50000; ++i) {  // up to ~5 s; unshare takes well under a millisecond
      if (::stat(path.c_str(), &theirs) != 0) return ApiError::lambda("ServiceException", 500, "the spare died");
      if (theirs.st_ino != mine.st_ino) return startNetwork(pid, network_, true);
      ::usleep(100);
    }
    return ApiError::lambda("ServiceException", 500, "the spare did not enter its namespace");
  }

  /// Makes the next spare (outside the lock: it starts a process) unless another thread did.
  void replenishSpare() {
    auto made = makeSpare();
    if (!made) return;
    {
      std::lock_guard lock(spareMu_);
      if (!spare_) {
        spare_ = *made;
        return;
      }
    }
    dispose(*made, false);
  }

  /// Takes the spare, if there is one still waiting.
  std::optional<Spare> takeSpare() {
    std::optional<Spare> taken;
    {
      std::lock_guard lock(spareMu_);
      taken.swap(spare_);
    }
    int status = 0;
    if (taken && waitpid(taken->process.pid, &status, WNOHANG) != 0) {  // it died waiting (killed?)
      dispose(*taken, true);
      taken.reset();
    }
    return taken;
  }

  /// Ends a spare that will not be used: kills and reaps it (unless `reaped` already), closes its
  /// pipes and removes its cgroups.
  void dispose(Spare& spare, bool reaped) {
    if (!reaped) {
      ::kill(-spare.process.pid, SIGKILL);
      ::kill(spare.process.pid, SIGKILL);
      int status = 0;
      while (waitpid(spare.process.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    for (int* fd : {&spare.commandFd, &spare.infoFd, &spare.blockFd, &spare.process.stdoutFd, &spare.process.stderrFd,
                    &spare.process.runtimeApiFd}) {
      closeFd(*fd);
    }
    release(spare.process);
  }

  void discardSpare() {
    std::lock_guard lock(spareMu_);
    if (!spare_) return;
    dispose(*spare_, false);
    spare_.reset();
  }

  /// The environment started from the spare launcher, or nullopt when the direct way must be
  /// taken (no spare could be made, or the command does not suit it).
  std::optional<LaunchedProcess> launchFromSpare(const LaunchSpec& spec, const std::vector<std::string>& opts) {
    // The command line travels as words split by the shell: Portico's own commands only.
    std::string command;
    for (const auto& word : spec.command) {
      if (word.empty() || word.find_first_of(" \t\n\\'\"$`*?[]{}~;&|<>()#=") != std::string::npos) {
        return std::nullopt;
      }
      command += (command.empty() ? "" : " ") + word;
    }
    std::string payload = command + "\n";
    auto add = [&](const std::string& arg) {
      payload += arg;
      payload.push_back('\0');
    };
    for (const auto& o : opts) add(o);
    for (const auto& e : spec.environment) {
      auto eq = e.find('=');
      if (eq == std::string::npos) continue;
      add("--setenv");
      add(e.substr(0, eq));
      add(e.substr(eq + 1));
    }
    add("--");
    // Written in one go into the pipe (64 KiB): a bigger payload could block until the spare reads.
    if (payload.size() > 60000) return std::nullopt;
    // Launches come from every loop that starts environments: the spare is taken under the lock,
    // everything that takes time (writing the command, starting the next spare) is done outside.
    std::optional<Spare> spare = takeSpare();
    if (!spare) spare = makeSpare();  // none waiting (a burst of cold starts): one made now
    if (!spare) return std::nullopt;
    Spare taken = *spare;
    bool sent = cgroups_.setMemoryLimit(taken.process.cgroups, spec.memoryMb) &&
                ::write(taken.commandFd, payload.data(), payload.size()) == static_cast<ssize_t>(payload.size());
    closeFd(taken.commandFd);
    replenishSpare();  // for the next cold start, while this one runs
    if (!sent) {
      dispose(taken, false);
      return std::nullopt;
    }
    LaunchPipes handshake;
    handshake.infoRead = std::exchange(taken.infoFd, -1);
    handshake.blockWrite = std::exchange(taken.blockFd, -1);
    if (Status done = completeLaunch(taken.process, handshake); !done) {
      spdlog::warn("function environment {} failed to start: {}", spec.id, done.error().message);
      dispose(taken, false);
      return std::nullopt;
    }
    return taken.process;
  }

  /// Whether bwrap runs /bin/true with these extra arguments.
  bool probeBubblewrap(const std::vector<std::string>& extra, const std::vector<ChildFd>& fds = {}) const {
    if (access(options_.bwrapPath.c_str(), X_OK) != 0) return false;
    std::vector<std::string> argv = {options_.bwrapPath, "--ro-bind",         "/",      "/",
                                     "--unshare-pid",    "--die-with-parent", "--proc", "/proc"};
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
  bool probeSeccomp() const {
    LaunchPipes pipes;
    if (!pipes.open(false, seccompProgram_)) return false;
    std::vector<ChildFd> fds;
    for (const ChildFd& c : pipes.child) {
      if (c.target == 6) fds.push_back(c);
    }
    return probeBubblewrap({"--seccomp", "6"}, fds);
  }

  SandboxOptions options_;
  CgroupSet cgroups_;
  bool bwrap_ = false;
  inline static const std::vector<std::string> kUserNamespace = {"--unshare-user", "--uid", "993", "--gid", "990",
                                                                 "--cap-drop",     "ALL"};
  inline static const std::vector<std::string> kNoCapabilities = {"--cap-drop", "ALL"};
  std::vector<std::string> identity_;  // one of the above, or none
  std::string seccompProgram_;         // compiled BPF, empty when none could be had
  bool netIsolated_ = false;           // each environment has its own network namespace
  bool slirpMissing_ = false;          // outbound was asked for, but slirp4netns is not there
  EnvironmentNetworkOptions network_;
  std::string unsharePath_ = "/usr/bin/unshare";
  bool etcReady_ = false;  // options_.etcDir holds the sandbox's /etc
  std::unique_ptr<SandboxViews> views_;  // null: host directories are bound as they are
  std::mutex spareMu_;     // guards spare_
  std::optional<Spare> spare_;
  std::atomic<unsigned long> spareCount_ = 0;
};

}  // namespace

std::unique_ptr<Sandbox> makeSandbox(const SandboxOptions& options) {
  return std::make_unique<HostSandbox>(options);
}

}  // namespace portico::functions
