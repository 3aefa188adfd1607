// Sandbox: starts an execution environment's process, isolated as far as the host allows.
//
// With bubblewrap: new PID/IPC/UTS namespaces, only system directories mounted
// read-only, the function code read-only at /var/task, Portico's runtime scripts at
// /var/runtime, a private /tmp, no view of Portico's data dir or other functions, and
// the process dies with Portico. Memory is capped at MemorySize with a cgroup (v2 when
// the host delegates the memory controller, else v1), else with RLIMIT_DATA. What could
// not be had is reported by describe() so Portico can say it loudly at start.
//
// Entering a cgroup costs an RCU grace period (5-15 ms here) unless another move happened just
// before, so a sandboxed launch normally takes a launcher started ahead of need that has already
// entered its cgroup and waits for its command (see HostSandbox's spare in sandbox.cpp).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace portico::functions {

struct LaunchSpec {
  std::string id;                        // environment id (names the cgroup)
  std::filesystem::path codeDir;         // the unpacked zip → /var/task
  std::filesystem::path runtimeDir;      // Portico's runtime scripts → /var/runtime
  std::vector<std::string> command;      // argv, with /var/task and /var/runtime paths
  std::vector<std::string> environment;  // "K=V"; /var/task and /var/runtime are rewritten when unsandboxed
  int memoryMb = 128;
};

struct LaunchedProcess {
  pid_t pid = -1;  // also the process group id
  int stdoutFd = -1;
  int stderrFd = -1;
  std::string cgroup;  // the environment's cgroup directory, empty without one
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
  /// The file that holds the process's peak memory in bytes (read from offset 0 again for the
  /// current value), or empty when the host cannot tell.
  virtual std::filesystem::path peakMemoryFile(const LaunchedProcess& process) const = 0;
  /// One line on the isolation in force, e.g. "bubblewrap, memory capped by cgroup v1".
  virtual std::string describe() const = 0;
  /// False when functions run without namespaces (said loudly at start and in function state).
  virtual bool isolated() const = 0;
};

struct SandboxOptions {
  bool allowBubblewrap = true;
  std::string bwrapPath = "/usr/bin/bwrap";
  std::filesystem::path cgroupV1Root = "/sys/fs/cgroup/memory";
  std::filesystem::path cgroupV2Root = "/sys/fs/cgroup";
  /// Where Portico keeps the sandbox's /etc (filled with copies of what functions need from the
  /// host's at start, and bound as one directory). Empty: the host's files are bound one by one.
  std::filesystem::path etcDir;
};

/// Probes the host (bubblewrap usable? which cgroup?) and returns the best sandbox it can make.
std::unique_ptr<Sandbox> makeSandbox(const SandboxOptions& options);

}  // namespace portico::functions
