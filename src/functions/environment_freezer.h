// EnvironmentFreezer: stops an idle execution environment and starts it again, as Lambda freezes
// an environment between invocations (background threads and processes make no progress, and
// use no CPU, until the next invocation thaws it).
//
// The control file is opened once; freezing and thawing are one write each, and neither waits
// for the kernel to finish (a freeze completes in the background; a thawed task runs at once).
// A frozen process does not act on SIGKILL until thawed: whoever kills the environment thaws it
// after the kill (thaw() is cheap when not frozen).
#pragma once
#include "functions/cgroup_set.h"

namespace portico::functions {

class EnvironmentFreezer {
 public:
  EnvironmentFreezer() = default;
  explicit EnvironmentFreezer(const FreezeControl& control);
  ~EnvironmentFreezer();
  EnvironmentFreezer(const EnvironmentFreezer&) = delete;
  EnvironmentFreezer& operator=(const EnvironmentFreezer&) = delete;
  EnvironmentFreezer(EnvironmentFreezer&& other) noexcept;
  EnvironmentFreezer& operator=(EnvironmentFreezer&& other) noexcept;

  /// Whether this environment can be frozen at all.
  bool available() const { return fd_ >= 0; }
  bool frozen() const { return frozen_; }
  /// Freezes the environment's processes (no-op when unavailable or frozen already).
  void freeze();
  /// Thaws them (no-op unless frozen).
  void thaw();

 private:
  void write(const std::string& value);

  int fd_ = -1;
  bool frozen_ = false;
  std::string frozenValue_, thawedValue_;
};

}  // namespace portico::functions
