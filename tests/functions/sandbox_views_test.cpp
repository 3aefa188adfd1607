// SandboxViews: copies of what sandboxes mount, on a tmpfs of Portico's own (needs root, as the
// CI has), shared while in use and removed once idle.
#include "functions/sandbox_views.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace portico::functions {
namespace {
namespace fs = std::filesystem;

class SandboxViewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("portico-views-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "code" / "abc123" / "lib");
    std::ofstream(root_ / "code" / "abc123" / "lib" / "app.py") << "print('hi')\n";
    fs::create_symlink("lib/app.py", root_ / "code" / "abc123" / "link.py");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path root_;
};

TEST_F(SandboxViewsTest, CopiesOntoItsOwnTmpfsSharedWhileInUse) {
  ASSERT_EQ(::geteuid(), 0u) << "mounting a tmpfs needs root (CI runs as root; tests/security needs it too)";
  fs::path source = root_ / "code" / "abc123";
  {
    SandboxViews views(root_ / "views", std::chrono::seconds(0));
    ASSERT_TRUE(views.ready());
    struct stat dir {};
    struct stat parent {};
    ASSERT_EQ(::stat((root_ / "views").c_str(), &dir), 0);
    ASSERT_EQ(::stat(root_.c_str(), &parent), 0);
    EXPECT_NE(dir.st_dev, parent.st_dev) << "the views are a file system of their own";

    auto a = views.acquire(source);
    auto b = views.acquire(source);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b) << "one copy per source";
    EXPECT_EQ(a->filename().string().find(root_.string()), std::string::npos);
    EXPECT_TRUE(a->filename().string().ends_with("-abc123")) << *a;
    EXPECT_TRUE(fs::exists(*a / "lib" / "app.py"));
    EXPECT_TRUE(fs::is_symlink(*a / "link.py"));
    EXPECT_EQ(fs::read_symlink(*a / "link.py"), "lib/app.py");

    views.release(*a);
    EXPECT_EQ(views.size(), 1u) << "still used once";
    views.release(*b);
    EXPECT_EQ(views.size(), 0u) << "idle (keepIdle 0): removed";
    EXPECT_FALSE(fs::exists(*a));
    auto missing = views.acquire(root_ / "nope");
    EXPECT_FALSE(missing);
  }
  // Unmounted when destroyed; a new one mounts again over whatever is left.
  struct stat dir {};
  struct stat parent {};
  ASSERT_EQ(::stat((root_ / "views").c_str(), &dir), 0);
  ASSERT_EQ(::stat(root_.c_str(), &parent), 0);
  EXPECT_EQ(dir.st_dev, parent.st_dev);
}

}  // namespace
}  // namespace portico::functions
