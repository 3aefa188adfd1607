#include "functions/builtin_runtimes.h"

#include <array>
#include <fstream>

#include "functions/runtimes/embedded_runtimes.h"

namespace portico::functions {
namespace {
constexpr std::array<std::string_view, 11> kRuntimes = {"provided",   "provided.al2", "provided.al2023", "nodejs18.x",
                                                        "nodejs20.x", "nodejs22.x",   "python3.9",       "python3.10",
                                                        "python3.11", "python3.12",   "python3.13"};
}

std::string supportedRuntimeList() {
  std::string out;
  for (auto r : kRuntimes) {
    if (!out.empty()) out += ", ";
    out += r;
  }
  return out;
}

bool supportedRuntime(std::string_view runtime) {
  for (auto r : kRuntimes) {
    if (r == runtime) return true;
  }
  return false;
}

std::optional<std::vector<std::string>> runtimeCommand(std::string_view runtime) {
  if (!supportedRuntime(runtime)) return std::nullopt;
  if (runtime.starts_with("provided")) return std::vector<std::string>{"/var/task/bootstrap"};
  if (runtime.starts_with("nodejs")) return std::vector<std::string>{"/usr/bin/node", "/var/runtime/node_runtime.mjs"};
  return std::vector<std::string>{"/usr/bin/python3", "/var/runtime/python_runtime.py"};
}

void installBuiltinRuntimes(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (auto [name, text] : {std::pair{"node_runtime.mjs", runtimes::kNodeRuntime},
                            std::pair{"python_runtime.py", runtimes::kPythonRuntime}}) {
    auto tmp = dir / (std::string(name) + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    std::filesystem::rename(tmp, dir / name);
  }
}

}  // namespace portico::functions
