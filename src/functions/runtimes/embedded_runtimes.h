// The runtime scripts compiled into the binary (generated from node_runtime.mjs and
// python_runtime.py by CMake into embedded_runtimes.cpp in the build tree).
#pragma once
#include <string_view>

namespace portico::functions::runtimes {
extern const std::string_view kNodeRuntime;
extern const std::string_view kPythonRuntime;
}  // namespace portico::functions::runtimes
