// CgroupSet: the cgroups Portico puts each execution environment in, and their limits.
//
// cgroup v2 when the host delegates the memory controller (one directory per environment, with
// memory and pids), else cgroup v1 (a directory in the memory hierarchy and, where the host has
// them, one in the pids and one in the freezer hierarchy). Each environment gets Lambda's limits:
// memory = MemorySize, 1,024 processes and threads; and it can be frozen between invocations
// (v2's cgroup.freeze, v1's freezer.state), as Lambda freezes an idle environment. Portico's own
// parent cgroups are named portico-<pid>; those of earlier runs that died without removing theirs
// (kill -9) are removed when a set is made.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace portico::functions {

/// Lambda's cap on processes and threads in one execution environment.
inline constexpr int kMaxEnvironmentProcesses = 1024;

struct CgroupRoots {
  std::filesystem::path v1Memory = "/sys/fs/cgroup/memory";
  std::filesystem::path v1Pids = "/sys/fs/cgroup/pids";
  std::filesystem::path v1Freezer = "/sys/fs/cgroup/freezer";
  std::filesystem::path v2 = "/sys/fs/cgroup";
};

/// How to freeze and thaw an environment: what to write to which file. Empty when the host cannot.
struct FreezeControl {
  std::filesystem::path file;
  std::string frozen;
  std::string thawed;
  bool empty() const { return file.empty(); }
};

/// One environment's cgroups: `memory` holds the memory controller (and, on v2, all of them);
/// `all` lists every directory the process must enter (memory first).
struct EnvironmentCgroups {
  std::string memory;
  std::string freezer;  // the directory whose freeze file stops them all; empty when none
  std::vector<std::string> all;
  bool empty() const { return all.empty(); }
};

class CgroupSet {
 public:
  enum class Kind { kNone, kV1, kV2 };

  explicit CgroupSet(const CgroupRoots& roots);
  ~CgroupSet();
  CgroupSet(const CgroupSet&) = delete;
  CgroupSet& operator=(const CgroupSet&) = delete;

  Kind kind() const { return kind_; }
  /// Whether environments get the pids limit.
  bool limitsProcesses() const { return pidsLimited_; }
  /// Whether environments can be frozen.
  bool freezes() const { return kind_ == Kind::kV2 || !freezerParent_.empty(); }

  /// Fresh cgroups for an environment with the given memory limit; empty on failure.
  EnvironmentCgroups make(const std::string& name, int memoryMb) const;
  bool setMemoryLimit(const EnvironmentCgroups& cgroups, int memoryMb) const;
  /// Removes the directories (the processes in them must be gone).
  void remove(const EnvironmentCgroups& cgroups) const;
  /// The file holding peak memory in bytes.
  std::filesystem::path peakMemoryFile(const EnvironmentCgroups& cgroups) const;
  /// The file and values that freeze and thaw the environment (empty when it has no freezer).
  FreezeControl freezeControl(const EnvironmentCgroups& cgroups) const;

  /// Removes portico-<pid> cgroups under `root` whose process is gone (killing what is left in
  /// them, thawed first if they were frozen); returns how many were removed. Public for tests.
  static int removeStale(const std::filesystem::path& root);

 private:
  Kind kind_ = Kind::kNone;
  bool pidsLimited_ = false;
  std::filesystem::path memoryParent_;
  std::filesystem::path pidsParent_;     // v1 only
  std::filesystem::path freezerParent_;  // v1 only
};

}  // namespace portico::functions
