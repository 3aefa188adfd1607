// SpareLauncher: one launcher started ahead of need, already in fresh cgroups, that becomes bwrap
// when a cold start writes it the command.
//
// Moving a process into a cgroup waits for an RCU grace period whenever no move happened
// moments before: 5-15 ms on these machines, most of a cold start. So one launcher is started
// ahead of need: a shell that enters fresh cgroups, then waits for its command line on fd 3 and
// becomes bwrap, which reads its options (NUL-separated, the environment as --setenv) from the
// same pipe. Where environments have their own network namespace, the spare waits in one already
// set up (slirp4netns takes ~10 ms). A launch takes the spare (setting its memory limit, writing
// the command) and starts the next one.
//
// Thread-safe: the spare is taken under a lock; everything that takes time (starting a process,
// writing the command) is done outside it.
#pragma once
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "functions/cgroup_set.h"
#include "functions/environment_network.h"
#include "functions/sandbox.h"

namespace portico::functions {

struct SpareLauncherOptions {
  std::string bwrapPath;
  std::string seccompProgram;  // written to each spare's seccomp pipe; empty: none
  bool ownNetwork = false;     // spares wait in a network namespace of their own
  EnvironmentNetworkOptions network;
  std::string unsharePath = "/usr/bin/unshare";
};

class SpareLauncher {
 public:
  /// Borrows `cgroups` (it must outlive this) and makes the first spare.
  SpareLauncher(const CgroupSet& cgroups, SpareLauncherOptions options);
  /// Ends the spare still waiting, if any.
  ~SpareLauncher();
  SpareLauncher(const SpareLauncher&) = delete;
  SpareLauncher& operator=(const SpareLauncher&) = delete;

  /// The environment started from the spare with bwrap's `options` (bwrap_command.h, without
  /// --unshare-net: the spare sits in its namespace already), or nullopt when the caller must
  /// launch directly (no spare could be made, the command does not suit one, or it failed; the
  /// failure is logged). Leaves a new spare for the next cold start.
  std::optional<LaunchedProcess> launch(const LaunchSpec& spec, const std::vector<std::string>& options);

 private:
  struct Spare {
    LaunchedProcess process;
    int commandFd = -1;  // the write end of the spare's fd 3
    int infoFd = -1;     // the read end of bwrap's --info-fd
    int blockFd = -1;    // the write end of bwrap's --block-fd
  };

  /// A new spare launcher, waiting in fresh cgroups; nullopt when one cannot be made.
  std::optional<Spare> make();
  /// The network of a spare just started, not awaited.
  Result<EnvironmentNetwork> startSpareNetwork(pid_t pid) const;
  /// Makes the next spare (outside the lock: it starts a process) unless another thread did.
  void replenish();
  /// Takes the spare, if there is one still waiting.
  std::optional<Spare> take();
  /// Ends a spare that will not be used: kills and reaps it (unless `reaped` already), closes its
  /// pipes and removes its cgroups.
  void dispose(Spare& spare, bool reaped) const;

  const CgroupSet& cgroups_;
  const SpareLauncherOptions options_;
  std::mutex mu_;  // guards spare_
  std::optional<Spare> spare_;
  std::atomic<unsigned long> made_ = 0;  // names the spares' cgroups
};

}  // namespace portico::functions
