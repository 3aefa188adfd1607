#include "functions/sandbox.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>

namespace portico::functions {
namespace fs = std::filesystem;

namespace {

/// posix_spawn with pipes for stdout/stderr, /dev/null stdin, a fresh process group,
/// default signal dispositions and an empty signal mask (Portico blocks SIGTERM for sigwait
/// and ignores SIGPIPE: neither must leak into functions). `fd3`, when given, becomes the
/// child's fd 3.
Result<LaunchedProcess> spawnWithPipes(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                       const fs::path* chdirTo, int fd3 = -1) {
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
  if (fd3 >= 0) posix_spawn_file_actions_adddup2(&fa, fd3, 3);
  if (chdirTo) posix_spawn_file_actions_addchdir_np(&fa, chdirTo->c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

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

bool writeFile(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
  f.flush();
  return static_cast<bool>(f);
}

enum class CgroupKind { kNone, kV1, kV2 };

class HostSandbox final : public Sandbox {
 public:
  explicit HostSandbox(const SandboxOptions& o) : options_(o) {
    bwrap_ = o.allowBubblewrap && probeBubblewrap({});
    // As Lambda's sbx_user1051 (uid 993, gid 990) in a user namespace, with no capabilities, when
    // the kernel allows it; else (as root) at least without capabilities.
    if (bwrap_) {
      if (probeBubblewrap(kUserNamespace)) {
        identity_ = kUserNamespace;
      } else if (::geteuid() == 0 && probeBubblewrap(kNoCapabilities)) {
        identity_ = kNoCapabilities;
      }
    }
    probeCgroups();
    if (bwrap_ && !o.etcDir.empty()) etcReady_ = prepareEtc();
    if (bwrap_ && cgroupKind_ != CgroupKind::kNone) replenishSpare();
  }
  ~HostSandbox() override {
    discardSpare();
    std::error_code ec;
    if (!cgroupParent_.empty()) fs::remove(cgroupParent_, ec);
  }

  Result<LaunchedProcess> launch(const LaunchSpec& spec) override {
    std::vector<std::string> argv;
    std::vector<std::string> env = spec.environment;
    const fs::path* chdirTo = nullptr;
    if (bwrap_) {
      argv = {options_.bwrapPath};
      std::vector<std::string> opts = sandboxOptions(spec);
      if (cgroupKind_ != CgroupKind::kNone) {
        if (auto launched = launchFromSpare(spec, opts)) return std::move(*launched);
      }
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

    std::string cgroup;
    if (cgroupKind_ != CgroupKind::kNone) {
      cgroup = makeCgroup(spec.id, spec.memoryMb);
      if (!cgroup.empty()) {
        // Enter the cgroup before exec, so every descendant is accounted and capped.
        std::vector<std::string> wrapped = {"/bin/sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cgroup};
        wrapped.insert(wrapped.end(), argv.begin(), argv.end());
        argv = std::move(wrapped);
      }
    }
    auto launched = spawnWithPipes(argv, env, chdirTo);
    if (!launched) {
      std::error_code ec;
      if (!cgroup.empty()) fs::remove(cgroup, ec);
      return launched;
    }
    launched->cgroup = cgroup;
    return launched;
  }

  void release(const LaunchedProcess& p) override {
    if (p.cgroup.empty()) return;
    std::error_code ec;
    fs::remove(p.cgroup, ec);
  }

  fs::path peakMemoryFile(const LaunchedProcess& p) const override {
    if (p.cgroup.empty()) return {};
    return fs::path(p.cgroup) / (cgroupKind_ == CgroupKind::kV1 ? "memory.max_usage_in_bytes" : "memory.peak");
  }

  std::string describe() const override {
    std::string s = bwrap_
                        ? "bubblewrap sandbox (private /tmp, read-only /var/task, own PID namespace" +
                              std::string(identity_ == kUserNamespace ? ", uid 993 in a user namespace, no capabilities"
                                          : identity_ == kNoCapabilities ? ", no capabilities"
                                                                         : "") +
                              ")"
                        : "NO SANDBOX: bubblewrap is unavailable, functions run as plain processes";
    switch (cgroupKind_) {
      case CgroupKind::kV1:
        return s + "; memory capped by cgroup v1";
      case CgroupKind::kV2:
        return s + "; memory capped by cgroup v2";
      case CgroupKind::kNone:
        return s + "; memory NOT capped (no writable cgroup memory controller)";
    }
    return s;
  }

  bool isolated() const override { return bwrap_; }

 private:
  /// bwrap's options for an environment (everything before "--" and the command).
  std::vector<std::string> sandboxOptions(const LaunchSpec& spec) const {
    std::vector<std::string> opts = {"--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                                     "--unshare-cgroup-try"};
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

  /// A new cgroup under Portico's with the memory limit set, or "" when that failed.
  std::string makeCgroup(const std::string& name, int memoryMb) const {
    std::string cgroup = (cgroupParent_ / name).string();
    std::error_code ec;
    fs::create_directory(cgroup, ec);
    if (!ec && setMemoryLimit(cgroup, memoryMb)) return cgroup;
    fs::remove(cgroup, ec);
    return "";
  }

  bool setMemoryLimit(const std::string& cgroup, int memoryMb) const {
    std::uint64_t bytes = static_cast<std::uint64_t>(memoryMb) * 1024 * 1024;
    return cgroupKind_ == CgroupKind::kV1 ? writeFile(fs::path(cgroup) / "memory.limit_in_bytes", std::to_string(bytes))
                                          : writeFile(fs::path(cgroup) / "memory.max", std::to_string(bytes));
  }

  // ---- The spare launcher.
  // Moving a process into a cgroup waits for an RCU grace period whenever no move happened
  // moments before: 5-15 ms on these machines, most of a cold start. So one launcher is started
  // ahead of need: a shell that enters a fresh cgroup, then waits for its command line on fd 3 and
  // becomes bwrap, which reads its options (NUL-separated, the environment as --setenv) from the
  // same pipe. A launch takes the spare (setting its memory limit, writing the command) and starts
  // the next one.

  struct Spare {
    LaunchedProcess process;
    int commandFd = -1;  // the write end of the spare's fd 3
  };

  /// A new spare launcher, waiting in a fresh cgroup; nullopt when one cannot be made.
  std::optional<Spare> makeSpare() {
    std::string cgroup = makeCgroup("env-" + std::to_string(++spareCount_), 128);
    if (cgroup.empty()) return std::nullopt;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      std::error_code ec;
      fs::remove(cgroup, ec);
      return std::nullopt;
    }
    // set -f: the command's words are split but never globbed. The environment is empty: bwrap
    // gives the function exactly the --setenv variables.
    std::vector<std::string> argv = {
        "/bin/sh", "-c", "set -f; echo $$ > \"$0/cgroup.procs\" && read -r cmd <&3 && exec \"$1\" --args 3 $cmd",
        cgroup, options_.bwrapPath};
    auto launched = spawnWithPipes(argv, {}, nullptr, fds[0]);
    ::close(fds[0]);
    if (!launched) {
      ::close(fds[1]);
      std::error_code ec;
      fs::remove(cgroup, ec);
      return std::nullopt;
    }
    launched->cgroup = cgroup;
    return Spare{*launched, fds[1]};
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
  /// pipes and removes its cgroup.
  void dispose(Spare& spare, bool reaped) {
    if (!reaped) {
      ::kill(-spare.process.pid, SIGKILL);
      ::kill(spare.process.pid, SIGKILL);
      int status = 0;
      while (waitpid(spare.process.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    for (int fd : {spare.commandFd, spare.process.stdoutFd, spare.process.stderrFd}) {
      if (fd >= 0) ::close(fd);
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
    bool sent = setMemoryLimit(taken.process.cgroup, spec.memoryMb) &&
                ::write(taken.commandFd, payload.data(), payload.size()) == static_cast<ssize_t>(payload.size());
    ::close(taken.commandFd);
    taken.commandFd = -1;
    replenishSpare();  // for the next cold start, while this one runs
    if (!sent) {
      dispose(taken, false);
      return std::nullopt;
    }
    return taken.process;
  }

  /// Whether bwrap runs /bin/true with these extra arguments.
  bool probeBubblewrap(const std::vector<std::string>& extra) const {
    if (access(options_.bwrapPath.c_str(), X_OK) != 0) return false;
    std::vector<std::string> argv = {options_.bwrapPath, "--ro-bind",         "/",      "/",
                                     "--unshare-pid",    "--die-with-parent", "--proc", "/proc"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("/bin/true");
    auto p = spawnWithPipes(argv, {}, nullptr);
    if (!p) return false;
    ::close(p->stdoutFd);
    ::close(p->stderrFd);
    int status = 0;
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  void probeCgroups() {
    std::error_code ec;
    std::string name = "portico-" + std::to_string(::getpid());
    if (fs::exists(options_.cgroupV2Root / "cgroup.controllers")) {
      std::ifstream f(options_.cgroupV2Root / "cgroup.subtree_control");
      std::string controllers((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      if (controllers.find("memory") != std::string::npos) {
        fs::path parent = options_.cgroupV2Root / name;
        if (fs::create_directory(parent, ec) && writeFile(parent / "cgroup.subtree_control", "+memory")) {
          cgroupParent_ = parent;
          cgroupKind_ = CgroupKind::kV2;
          return;
        }
        fs::remove(parent, ec);
      }
    }
    if (fs::exists(options_.cgroupV1Root / "memory.limit_in_bytes")) {
      fs::path parent = options_.cgroupV1Root / name;
      if (fs::create_directory(parent, ec) || fs::exists(parent)) {
        if (access(parent.c_str(), W_OK) == 0) {
          cgroupParent_ = parent;
          cgroupKind_ = CgroupKind::kV1;
          return;
        }
        fs::remove(parent, ec);
      }
    }
  }

  SandboxOptions options_;
  bool bwrap_ = false;
  inline static const std::vector<std::string> kUserNamespace = {"--unshare-user", "--uid", "993", "--gid", "990",
                                                                 "--cap-drop",     "ALL"};
  inline static const std::vector<std::string> kNoCapabilities = {"--cap-drop", "ALL"};
  std::vector<std::string> identity_;  // one of the above, or none
  bool etcReady_ = false;              // options_.etcDir holds the sandbox's /etc
  CgroupKind cgroupKind_ = CgroupKind::kNone;
  fs::path cgroupParent_;
  std::mutex spareMu_;  // guards spare_
  std::optional<Spare> spare_;
  std::atomic<unsigned long> spareCount_ = 0;
};

}  // namespace

std::unique_ptr<Sandbox> makeSandbox(const SandboxOptions& options) {
  return std::make_unique<HostSandbox>(options);
}

}  // namespace portico::functions
