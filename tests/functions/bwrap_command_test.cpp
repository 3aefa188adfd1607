// bwrap's options for an environment: its /tmp is a fresh tmpfs, or the environment's own
// directory (kept across the sandboxes it runs in) bound read-write.
#include "functions/bwrap_command.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace portico::functions {
namespace {

/// Whether `options` hold `a b c` one after the other.
bool holds(const std::vector<std::string>& options, std::vector<std::string> run) {
  return std::search(options.begin(), options.end(), run.begin(), run.end()) != options.end();
}

TEST(BwrapCommandTest, TmpIsAFreshTmpfsOrTheEnvironmentsOwn) {
  LaunchSpec spec{"env", "/code", "/runtime", {"/var/task/bootstrap"}, {}, 128};
  auto fresh = bwrapOptions(BwrapSettings{}, spec, true);
  EXPECT_TRUE(holds(fresh, {"--tmpfs", "/tmp"}));
  EXPECT_TRUE(holds(fresh, {"--ro-bind", "/code", "/var/task"}));

  spec.tmpDir = "/views/tmp/env";
  auto kept = bwrapOptions(BwrapSettings{}, spec, true);
  EXPECT_TRUE(holds(kept, {"--bind", "/views/tmp/env", "/tmp"}));
  EXPECT_FALSE(holds(kept, {"--tmpfs", "/tmp"}));
  EXPECT_TRUE(holds(kept, {"--ro-bind", "/runtime", "/var/runtime"}));
}

}  // namespace
}  // namespace portico::functions
