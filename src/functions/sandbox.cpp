// HostSandbox: the Sandbox this host allows, composed of its parts: the probes (bwrap_probe.h),
// bwrap's options (bwrap_command.h), the staged /etc (etc_staging.h), the copies sandboxes mount
// (sandbox_views.h), the cgroups (cgroup_set.h) and the limits a launch enters
// (launch_limits.h), the bwrap handshake (bwrap_handshake.h), the spare launcher
// (spare_launcher.h) and the environments' /tmp (environment_tmp.h, beside the views).
#include "functions/sandbox.h"

#include <memory>
#include <utility>

#include "functions/bwrap_command.h"
#include "functions/bwrap_handshake.h"
#include "functions/bwrap_probe.h"
#include "functions/child_process.h"
#include "functions/environment_tmp.h"
#include "functions/etc_staging.h"
#include "functions/launch_limits.h"
#include "functions/sandbox_description.h"
#include "functions/sandbox_views.h"
#include "functions/spare_launcher.h"

namespace portico::functions {
namespace fs = std::filesystem;

namespace {

class HostSandbox final : public Sandbox {
 public:
  explicit HostSandbox(const SandboxOptions& o) : options_(o), cgroups_(o.cgroupRoots), bwrap_(probeBubblewrap(o)) {
    settings_.identity = bwrap_.identity;
    settings_.seccomp = !bwrap_.seccompProgram.empty();
    settings_.ownNetwork = bwrap_.ownNetwork;
    if (bwrap_.usable && !o.viewsDir.empty()) {
      views_ = std::make_unique<SandboxViews>(o.viewsDir);
      if (!views_->ready()) {
        views_.reset();
      } else if (!o.etcDir.empty()) {
        options_.etcDir = views_->dir() / "etc";
      }
    }
    if (views_) {
      // The environments' /tmp mounts, in a directory only Portico can enter: bound from a tmpfs
      // of Portico's, a sandbox's mount table names no host path for them either.
      std::error_code ec;
      fs::path root = views_->dir() / "tmp";
      fs::create_directory(root, ec);
      if (!ec) fs::permissions(root, fs::perms::owner_all, ec);
      if (!ec) tmpRoot_ = root;
    }
    if (bwrap_.usable && !options_.etcDir.empty() && stageEtc(options_.etcDir)) settings_.stagedEtc = options_.etcDir;
    if (bwrap_.usable && cgroups_.kind() != CgroupSet::Kind::kNone) {
      spare_ = std::make_unique<SpareLauncher>(cgroups_, SpareLauncherOptions{.bwrapPath = options_.bwrapPath,
                                                                              .seccompProgram = bwrap_.seccompProgram,
                                                                              .ownNetwork = bwrap_.ownNetwork,
                                                                              .network = bwrap_.network});
    }
  }

  Result<LaunchedProcess> launch(const LaunchSpec& original) override {
    // Sandboxed, the code and runtime scripts are mounted from their copies on Portico's tmpfs.
    LaunchSpec spec = original;
    std::vector<fs::path> views;
    if (bwrap_.usable && views_) {
      for (fs::path* dir : {&spec.codeDir, &spec.runtimeDir, &spec.optDir}) {
        if (dir->empty()) continue;
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

  void release(const LaunchedProcess& p) override {
    releaseLaunch(cgroups_, p);
    if (views_) {
      for (const auto& v : p.views) views_->release(v);
    }
  }

  std::shared_ptr<EnvironmentTmp> makeTmp(const std::string& id, std::uint64_t bytes) override {
    if (tmpRoot_.empty()) return nullptr;  // unsandboxed (the host's /tmp), or no tmpfs of Portico's
    auto tmp = std::make_shared<EnvironmentTmp>(tmpRoot_ / id, bytes);
    if (!tmp->ready()) return nullptr;
    return tmp;
  }

  fs::path peakMemoryFile(const LaunchedProcess& p) const override { return cgroups_.peakMemoryFile(p.cgroups); }
  FreezeControl freezeControl(const LaunchedProcess& p) const override {
    return options_.freezeIdle ? cgroups_.freezeControl(p.cgroups) : FreezeControl{};
  }

  std::string describe() const override {
    return describeSandbox(bwrap_, views_ != nullptr, cgroups_, options_.freezeIdle);
  }

  bool isolated() const override { return bwrap_.usable; }
  bool runtimeApiInside() const override { return bwrap_.ownNetwork; }

 private:
  /// Sandboxed, from the spare launcher when it can take the launch, else bwrap started directly;
  /// unsandboxed, the command itself at the real paths. Either way under the limits.
  Result<LaunchedProcess> launchWith(const LaunchSpec& spec) {
    std::vector<std::string> argv;
    std::vector<std::string> env = spec.environment;
    const fs::path* chdirTo = nullptr;
    if (bwrap_.usable) {
      static const fs::path root = "/";
      chdirTo = &root;  // bwrap is the sandbox's PID 1: its environment names no host directory
      argv = {options_.bwrapPath};
      if (spare_) {
        if (auto launched = spare_->launch(spec, bwrapOptions(settings_, spec, false))) return std::move(*launched);
      }
      std::vector<std::string> opts = bwrapOptions(settings_, spec, true);
      argv.insert(argv.end(), opts.begin(), opts.end());
      argv.push_back("--");
      argv.insert(argv.end(), spec.command.begin(), spec.command.end());
    } else {
      // Unsandboxed: the same layout, but at the real paths.
      for (auto& a : spec.command) argv.push_back(rewriteSandboxPaths(a, spec));
      for (auto& e : env) e = rewriteSandboxPaths(e, spec);
      chdirTo = &spec.codeDir;
    }

    EnvironmentCgroups cgroups;
    if (cgroups_.kind() != CgroupSet::Kind::kNone) cgroups = cgroups_.make(spec.id, spec.memoryMb);
    // Enter the limits before exec, so every descendant is accounted and capped.
    std::vector<std::string> wrapped = underLimits(cgroups, argv);
    LaunchPipes pipes;
    if (bwrap_.usable && !pipes.open(false, bwrap_.seccompProgram)) {
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
    if (bwrap_.usable) {
      if (Status done = completeLaunch(*launched, pipes, bwrap_.ownNetwork, bwrap_.network); !done) {
        abandon(*launched);
        return done.takeError();
      }
    }
    return launched;
  }

  /// Ends a process whose launch failed half-way, and everything around it.
  void abandon(LaunchedProcess& p) {
    killAndReap(p.pid);
    closeFd(p.stdoutFd);
    closeFd(p.stderrFd);
    closeListeners(p.network, p.runtimeApiFd);
    release(p);
  }

  SandboxOptions options_;  // etcDir moved onto the views' tmpfs when there is one
  CgroupSet cgroups_;
  const BwrapSupport bwrap_;             // what the host allows, probed once
  BwrapSettings settings_;               // what every environment's bwrap options depend on
  std::unique_ptr<SandboxViews> views_;  // null: host directories are bound as they are
  fs::path tmpRoot_;                     // where environments' /tmp are mounted; empty: none kept
  // Null without bubblewrap or cgroups. Declared last: it borrows cgroups_ and is destroyed first,
  // ending the spare still waiting.
  std::unique_ptr<SpareLauncher> spare_;
};

}  // namespace

std::string rewriteSandboxPaths(std::string s, const LaunchSpec& spec) {
  // One scan from left to right: text already substituted (a host path that itself starts with
  // "/opt") is never looked at again.
  const std::pair<std::string_view, const fs::path*> paths[] = {
      {"/var/task", &spec.codeDir}, {"/var/runtime", &spec.runtimeDir}, {"/opt", &spec.optDir}};
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const bool boundaryBefore = i == 0 || s[i - 1] == ':' || s[i - 1] == '=';
    bool replaced = false;
    if (boundaryBefore) {
      for (const auto& [from, to] : paths) {
        if (to->empty() || s.compare(i, from.size(), from) != 0) continue;
        const std::size_t end = i + from.size();
        if (end != s.size() && s[end] != '/' && s[end] != ':') continue;
        out += to->string();
        i = end;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += s[i++];
  }
  return out;
}

std::unique_ptr<Sandbox> makeSandbox(const SandboxOptions& options) {
  return std::make_unique<HostSandbox>(options);
}

}  // namespace portico::functions
