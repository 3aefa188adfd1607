// EnvironmentTmp: one execution environment's /tmp, a tmpfs of its own that Portico mounts (beside
// the sandbox views, sandbox_views.h) and binds at /tmp in each sandbox the environment runs in.
//
// It outlives a sandbox: after a timeout Lambda resets the environment (the runtime is started
// again, its globals gone) but /tmp keeps its files, so the runtime Portico restarts in a new
// sandbox is bound the same one (execution_environment.h). It is unmounted and removed once the
// last runtime of the environment lets it go. Its size is Lambda's default ephemeral storage;
// what is written is charged to the writer's memory cgroup, as a sandbox's own tmpfs was. Needs
// root (mounting), as the views do: without it sandboxes get a fresh private /tmp each.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
#pragma once
#include <cstdint>
#include <filesystem>

namespace portico::functions {

/// Lambda's default ephemeral storage (EphemeralStorage.Size 512 MB).
inline constexpr std::uint64_t kEnvironmentTmpBytes = std::uint64_t{512} << 20;

class EnvironmentTmp {
 public:
  /// Makes `dir` (its parent must exist) and mounts a fresh tmpfs there; ready() says whether it did.
  explicit EnvironmentTmp(std::filesystem::path dir);
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
