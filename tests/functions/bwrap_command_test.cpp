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

// Layers are bound read-only at /opt; without layers nothing is (the host's /opt never is).
TEST(BwrapCommandTest, LayersAreBoundReadOnlyAtOpt) {
  LaunchSpec spec{"env", "/code", "/runtime", {"/var/task/bootstrap"}, {}, 128};
  auto none = bwrapOptions(BwrapSettings{}, spec, true);
  EXPECT_EQ(std::find(none.begin(), none.end(), "/opt"), none.end());
  spec.optDir = "/store/opt-abc";
  auto with = bwrapOptions(BwrapSettings{}, spec, true);
  EXPECT_TRUE(holds(with, {"--ro-bind", "/store/opt-abc", "/opt"}));
  EXPECT_TRUE(holds(with, {"--chdir", "/var/task"}));
}

// Unsandboxed, the sandbox's paths are rewritten only as whole path components.
TEST(BwrapCommandTest, UnsandboxedPathsRewrittenAsWholeComponents) {
  LaunchSpec spec{"env", "/code", "/runtime", {}, {}, 128};
  EXPECT_EQ(rewriteSandboxPaths("/var/task/bootstrap", spec), "/code/bootstrap");
  EXPECT_EQ(rewriteSandboxPaths("LAMBDA_TASK_ROOT=/var/task", spec), "LAMBDA_TASK_ROOT=/code");
  // Without layers, /opt stays as it is.
  EXPECT_EQ(rewriteSandboxPaths("PATH=/bin:/opt/bin", spec), "PATH=/bin:/opt/bin");
  spec.optDir = "/layers";
  EXPECT_EQ(rewriteSandboxPaths("PATH=/usr/bin:/opt/bin:/var/task/bin", spec), "PATH=/usr/bin:/layers/bin:/code/bin");
  EXPECT_EQ(rewriteSandboxPaths("/opt/bootstrap", spec), "/layers/bootstrap");
  EXPECT_EQ(rewriteSandboxPaths("X=/opt", spec), "X=/layers");
  EXPECT_EQ(rewriteSandboxPaths("X=/optional:/usr/opt/bin:/var/tasks", spec), "X=/optional:/usr/opt/bin:/var/tasks");
  // A data dir under /opt: what was substituted is never rewritten again.
  spec.runtimeDir = "/opt/portico/data/runtimes";
  EXPECT_EQ(rewriteSandboxPaths("/var/runtime/node_runtime.mjs", spec), "/opt/portico/data/runtimes/node_runtime.mjs");
  EXPECT_EQ(rewriteSandboxPaths("NODE_PATH=/opt/nodejs:/var/runtime/node_modules", spec),
            "NODE_PATH=/layers/nodejs:/opt/portico/data/runtimes/node_modules");
}

}  // namespace
}  // namespace portico::functions
