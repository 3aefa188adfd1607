// Built-in runtimes: which Lambda runtimes Portico runs and how each starts.
//   provided, provided.al2, provided.al2023  → the zip's /var/task/bootstrap
//   nodejs18.x … nodejs24.x                   → node with Portico's runtime (node_runtime.mjs)
//   python3.9 … python3.14                    → python3 with Portico's runtime (python_runtime.py,
//                                               imported by python_bootstrap.py so its bytecode is cached)
// Portico's runtime scripts are compiled into the binary and written to the data dir at start.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::functions {

/// The runtimes CreateFunction accepts, comma separated, for error messages.
std::string supportedRuntimeList();
bool supportedRuntime(std::string_view runtime);
/// For an identifier Lambda deprecated (python3.8, nodejs16.x, go1.x...), the runtime it recommends.
std::optional<std::string> deprecatedRuntimeReplacement(std::string_view runtime);

/// The host's interpreters every runtime of a family runs on (python3.9 … python3.14 all run the
/// host's python3), probed once at start; "" when one is missing.
struct HostInterpreters {
  std::string python;  // "3.11.2"
  std::string node;    // "20.19.2"
  /// "Python 3.11.2" / "Node.js 20.19.2" for a runtime of that family; "" for provided.*.
  std::string describe(std::string_view runtime) const;
};
HostInterpreters probeInterpreters();

/// argv inside the sandbox (/var/task, /var/runtime), or nullopt for an unsupported runtime.
std::optional<std::vector<std::string>> runtimeCommand(std::string_view runtime);
/// Writes the runtime scripts into dir (replacing copies that differ) and caches the Python
/// runtime's bytecode. Throws on I/O failure.
void installBuiltinRuntimes(const std::filesystem::path& dir);

}  // namespace portico::functions
