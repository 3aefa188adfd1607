// Sandbox: starts an execution environment's process, isolated as far as the host allows.
//
// With bubblewrap: new PID/IPC/UTS namespaces and a network namespace of its own (see
// environment_network.h: the Runtime API listens inside it, outbound traffic goes through
// slirp4netns, the host is unreachable), only system directories mounted read-only, the function
// code read-only at /var/task, Portico's runtime scripts at /var/runtime, a private /tmp (the
// environment's own, environment_tmp.h, kept for the next sandbox of that environment), no view
// of Portico's data dir or other functions, a seccomp filter (seccomp_filter.h), and the process
// dies with Portico. Memory is capped at MemorySize and processes at 1,024 with cgroups
// (cgroup_set.h), open files at 1,024 (RLIMIT_NOFILE), as on Lambda; the cgroup freezer stops an
// idle environment (environment_freezer.h). What could not be had is
// reported by describe() so Portico can say it loudly at start.
//
// Entering a cgroup costs an RCU grace period (5-15 ms here) unless another move happened just
// before, so a sandboxed launch normally takes a launcher started ahead of need that has already
// entered its cgroup and waits for its command (spare_launcher.h).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "functions/cgroup_set.h"
#include "functions/environment_network.h"

namespace portico::functions {

class EnvironmentTmp;

struct LaunchSpec {
  std::string id;                        // environment id (names the cgroup)
  std::filesystem::path codeDir;         // the unpacked zip → /var/task
  std::filesystem::path runtimeDir;      // Portico's runtime scripts → /var/runtime
  std::vector<std::string> command;      // argv, with /var/task and /var/runtime paths
  std::vector<std::string> environment;  // "K=V"; /var/task and /var/runtime are rewritten when unsandboxed
  int memoryMb = 128;
  /// The environment's /tmp (an EnvironmentTmp's dir) bound at /tmp; empty: a fresh private tmpfs.
  std::filesystem::path tmpDir;
  /// The function's layers (CodeStore::layered) → /opt, read-only; empty: no layers. Unsandboxed,
  /// "/opt" paths in the command and environment are rewritten to it too.
  std::filesystem::path optDir;
};

/// Unsandboxed, the sandbox's paths in an argument or "K=V" rewritten to the host's: /var/task,
/// /var/runtime and (with layers) /opt, each only as a whole path component ("/opt/bin",
/// "PATH=/bin:/opt/bin", never "/optional").
std::string rewriteSandboxPaths(std::string s, const LaunchSpec& spec);

struct LaunchedProcess {
  pid_t pid = -1;  // also the process group id
  int stdoutFd = -1;
  int stderrFd = -1;
  std::string cgroup;          // the environment's memory cgroup directory, empty without one
  EnvironmentCgroups cgroups;  // every cgroup directory it is in
  /// The Runtime API's listening socket, made inside the environment's network namespace (the
  /// caller takes it), or -1 when the Runtime API must be opened on the host's loopback.
  int runtimeApiFd = -1;
  EnvironmentNetwork network;  // what release() ends
  /// The read end of bwrap's --info-fd, kept open until release(): bwrap writes the sandboxed
  /// pid first and the rest later, and a closed pipe would kill it with SIGPIPE mid-setup.
  int infoFd = -1;
  /// The copies of code and runtime scripts it mounts (SandboxViews), released by release().
  std::vector<std::filesystem::path> views;
};

/// Thread-safe: environments are launched from every loop that starts one. Launch only from
/// threads that outlive what they launch (server workers do): a sandboxed process dies with the
/// thread that started it (bwrap's --die-with-parent), and so does the spare a launch leaves.
class Sandbox {
 public:
  virtual ~Sandbox() = default;
  /// Starts the process; the caller owns the pipe fds and must reap the pid.
  virtual Result<LaunchedProcess> launch(const LaunchSpec& spec) = 0;
  /// Removes what launch() created around a process that has been reaped.
  virtual void release(const LaunchedProcess& process) = 0;
  /// A /tmp for the environment `id` that outlives its sandboxes: each launch with its dir as
  /// LaunchSpec::tmpDir sees the files the last one left (Lambda keeps /tmp when it resets an
  /// environment), of `bytes` (environmentTmpBytes). Null when this sandbox cannot keep one: each
  /// launch then has a fresh /tmp.
  virtual std::shared_ptr<EnvironmentTmp> makeTmp(const std::string& id, std::uint64_t bytes) = 0;
  /// The file that holds the process's peak memory in bytes (read from offset 0 again for the
  /// current value), or empty when the host cannot tell.
  virtual std::filesystem::path peakMemoryFile(const LaunchedProcess& process) const = 0;
  /// How to freeze and thaw the process and everything it started (empty when the host cannot).
  virtual FreezeControl freezeControl(const LaunchedProcess& process) const = 0;
  /// One line on the isolation in force, e.g. "bubblewrap, memory capped by cgroup v1".
  virtual std::string describe() const = 0;
  /// False when functions run without namespaces (said loudly at start and in function state).
  virtual bool isolated() const = 0;
  /// True when launch() makes the Runtime API inside the environment's own network namespace
  /// (LaunchedProcess::runtimeApiFd, at kRuntimeApiHost:kRuntimeApiPort).
  virtual bool runtimeApiInside() const = 0;
};

struct SandboxOptions {
  bool allowBubblewrap = true;
  std::string bwrapPath = "/usr/bin/bwrap";
  CgroupRoots cgroupRoots;
  /// Functions' network: their own namespace with outbound traffic (default) or none at all.
  FunctionNetwork network = FunctionNetwork::kOutbound;
  std::string slirpPath = "/usr/bin/slirp4netns";
  /// Ports each environment's namespace also listens on (function_grants.h's forwards), handed
  /// over as LaunchedProcess::network.forwardFds.
  std::vector<unsigned short> forwardPorts;
  /// Where Portico keeps the sandbox's /etc (filled with copies of what functions need from the
  /// host's at start, and bound as one directory). Empty: the host's files are bound one by one.
  std::filesystem::path etcDir;
  /// Where Portico mounts the tmpfs that holds what sandboxes mount (sandbox_views.h), so their
  /// mount tables name no host path; etcDir then lives there too. Empty: host paths are bound.
  std::filesystem::path viewsDir;
  /// Freeze idle environments between invocations (Lambda's behaviour) where the host can.
  bool freezeIdle = true;
};

/// Probes the host (bubblewrap usable? which cgroup?) and returns the best sandbox it can make.
std::unique_ptr<Sandbox> makeSandbox(const SandboxOptions& options);

}  // namespace portico::functions
