// Installing the built-in runtimes: the scripts land in the runtime dir, unchanged ones are left
// alone, and the Python runtime's bytecode is cached so a cold start does not compile it.
#include "functions/builtin_runtimes.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace portico::functions {
namespace {

namespace fs = std::filesystem;

TEST(BuiltinRuntimesTest, InstallsScriptsAndCachesPythonBytecode) {
  fs::path dir = fs::temp_directory_path() / ("portico-runtimes-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  installBuiltinRuntimes(dir);
  for (auto name : {"node_runtime.mjs", "python_runtime.py", "python_bootstrap.py"}) {
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  }
  auto command = runtimeCommand("python3.12");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->back(), "/var/runtime/python_bootstrap.py");
  // python3 is a dependency (scripts/deps.sh): without it this fails rather than skipping.
  ASSERT_EQ(::access("/usr/bin/python3", X_OK), 0) << "/usr/bin/python3 is missing";
  bool cached = false;
  std::error_code ec;
  for (fs::directory_iterator it(dir / "__pycache__", ec), end; !ec && it != end; it.increment(ec)) {
    cached |= it->path().filename().string().starts_with("python_runtime.") && it->path().extension() == ".pyc";
  }
  EXPECT_TRUE(cached) << "python_runtime's bytecode is cached";
  // A second start leaves identical scripts (and so their cached bytecode) alone.
  auto before = fs::last_write_time(dir / "python_runtime.py");
  installBuiltinRuntimes(dir);
  EXPECT_EQ(fs::last_write_time(dir / "python_runtime.py"), before);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace portico::functions
