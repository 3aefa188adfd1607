// SandboxViews: what environments mount (function code, Portico's runtime scripts, the sandbox's
// /etc), copied onto a tmpfs of Portico's own, so that an environment's mount table
// (/proc/self/mountinfo) names only paths inside that tmpfs ("/3f9a.../" for a code version) and
// never a host path: a bind mount shows its source's path within the source's file system.
//
// Copies are shared: one per source directory while an environment uses it, kept for a minute
// after the last one ends (a burst of cold starts copies once), then removed. Sources must not
// change while mounted (code directories are content-addressed, runtime scripts are Portico's).
// Needs root (mounting the tmpfs); without it ready() is false and the sandbox binds the host
// directories themselves. A tmpfs left mounted by a run that was killed is unmounted at start.
// The copies live in memory: the unpacked size of each code version in use (at most 250 MB
// each), charged to Portico.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "common/result.h"

namespace portico::functions {

class SandboxViews {
 public:
  /// Mounts a fresh tmpfs at `dir` (creating it); idle copies go after `keepIdle`.
  explicit SandboxViews(std::filesystem::path dir, std::chrono::seconds keepIdle = std::chrono::seconds(60));
  ~SandboxViews();
  SandboxViews(const SandboxViews&) = delete;
  SandboxViews& operator=(const SandboxViews&) = delete;

  bool ready() const { return mounted_; }
  const std::filesystem::path& dir() const { return dir_; }

  /// The copy of `source` (a directory), made on first use; every acquire() needs a release().
  Result<std::filesystem::path> acquire(const std::filesystem::path& source);
  void release(const std::filesystem::path& view);
  /// How many copies exist now, counting those being made (for tests).
  std::size_t size() const;

 private:
  struct Entry {
    std::filesystem::path view;
    int users = 0;  // while `copying`, the one caller making the copy
    std::chrono::steady_clock::time_point idleSince;
    bool copying = false;  // the copy is being made, outside mu_; `view` does not exist yet
  };
  void sweep(std::chrono::steady_clock::time_point now);  // under mu_
  /// Copies `source` to `view` (through `<view>.partial`, renamed when whole); without mu_.
  static Result<std::filesystem::path> copy(const std::filesystem::path& source, const std::filesystem::path& view);

  std::filesystem::path dir_;
  std::chrono::seconds keepIdle_;
  bool mounted_ = false;
  mutable std::mutex mu_;
  /// Notified when an entry stops `copying` (made, or erased when the copy failed).
  std::condition_variable copied_;
  std::map<std::filesystem::path, Entry> entries_;  // by source
  std::uint64_t made_ = 0;
};

}  // namespace portico::functions
