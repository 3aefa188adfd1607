// EnvironmentTmp: one execution environment's /tmp, a tmpfs of its own that Portico mounts (beside
// the sandbox views, sandbox_views.h) and binds at /tmp in each sandbox the environment runs in.
//
// It outlives a sandbox: after a timeout Lambda resets the environment (the runtime is started
// again, its globals gone) but /tmp keeps its files, so the runtime Portico restarts in a new
// sandbox is bound the same one (execution_environment.h). It is unmounted and removed once the
// last runtime of the environment lets it go. Its size is Lambda's default ephemeral storage, or
// the function's memory when that is less: it lives in memory, and what a killed runtime wrote
// is no longer charged to the memory cgroup of the runtime that follows it, so an environment
// holds at most twice its memory. Needs root (mounting), as the views do: without it sandboxes get
// a fresh private /tmp each.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
#pragma once
#include <cstdint>
#include <filesystem>

namespace portico::functions {

/// Lambda's default ephemeral storage (EphemeralStorage.Size 512 MB).
inline constexpr std::uint64_t kEnvironmentTmpBytes = std::uint64_t{512} << 20;
/// Files an environment's /tmp may hold.
inline constexpr std::uint64_t kEnvironmentTmpInodes = 16384;

/// The size of the /tmp of a function with `memoryMb`: kEnvironmentTmpBytes, at most its memory.
inline std::uint64_t environmentTmpBytes(std::uint64_t memoryMb) {
  return memoryMb > 0 && (memoryMb << 20) < kEnvironmentTmpBytes ? memoryMb << 20 : kEnvironmentTmpBytes;
}

class EnvironmentTmp {
 public:
  /// Makes `dir` (its parent must exist) and mounts a fresh tmpfs of `bytes` there; ready() says
  /// whether it did.
  EnvironmentTmp(std::filesystem::path dir, std::uint64_t bytes = kEnvironmentTmpBytes);
  /// Unmounts it (lazily: a sandbox still being torn down may have it bound) and removes `dir`.
  ~EnvironmentTmp();
  EnvironmentTmp(const EnvironmentTmp&) = delete;
  EnvironmentTmp& operator=(const EnvironmentTmp&) = delete;

  bool ready() const { return mounted_; }
  /// The host directory to bind at /tmp.
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};

}  // namespace portico::functions
