// EnvironmentTmp: an environment's /tmp is a tmpfs of its own, Lambda's 512 MB, unmounted and
// removed with the environment (needs root, as the CI has).
#include "functions/environment_tmp.h"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>

namespace portico::functions {
namespace {
namespace fs = std::filesystem;

TEST(EnvironmentTmpTest, ATmpfsOfItsOwnRemovedWithIt) {
  ASSERT_EQ(::geteuid(), 0u) << "mounting a tmpfs needs root (CI runs as root; tests/security needs it too)";
  fs::path root = fs::temp_directory_path() / ("portico-env-tmp-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  fs::path dir = root / "env";
  {
    EnvironmentTmp tmp(dir);
    ASSERT_TRUE(tmp.ready());
    EXPECT_EQ(tmp.dir(), dir);
    struct statfs fsInfo {};
    ASSERT_EQ(::statfs(dir.c_str(), &fsInfo), 0);
    EXPECT_EQ(fsInfo.f_type, static_cast<decltype(fsInfo.f_type)>(TMPFS_MAGIC));
    struct statvfs size {};
    ASSERT_EQ(::statvfs(dir.c_str(), &size), 0);
    EXPECT_EQ(static_cast<std::uint64_t>(size.f_blocks) * size.f_frsize, kEnvironmentTmpBytes);
    std::ofstream(dir / "file") << "kept while the environment lives\n";
    EXPECT_TRUE(fs::exists(dir / "file"));
    EnvironmentTmp again(dir);  // a directory that exists is not taken (nor removed)
    EXPECT_FALSE(again.ready());
  }
  EXPECT_FALSE(fs::exists(dir)) << "unmounted and removed";
  fs::remove_all(root);
}

}  // namespace
}  // namespace portico::functions
