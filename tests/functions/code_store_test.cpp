#include "functions/code_store.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace portico::functions {
namespace {
namespace fs = std::filesystem;

struct Entry {
  std::string name;
  std::string data;
  unsigned type = AE_IFREG;
  std::string linkTarget;
};

/// Builds a zip in memory with libarchive.
std::string makeZip(const std::vector<Entry>& entries) {
  std::vector<char> buf(1 << 20);
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open_memory(a, buf.data(), buf.size(), &used);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, 0755);
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.linkTarget.c_str());
    archive_entry_set_size(entry, e.type == AE_IFREG ? static_cast<la_int64_t>(e.data.size()) : 0);
    archive_write_header(a, entry);
    if (e.type == AE_IFREG) archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

class CodeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("portico-code-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  /// Entries in the store's root other than finished zips and their directories.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(root_)) {
      auto name = e.path().filename().string();
      if (name.find(".tmp") != std::string::npos) out.push_back(name);
    }
    return out;
  }
  fs::path root_;
};

TEST_F(CodeStoreTest, StoresAndUnpacksContentAddressed) {
  CodeStore store(root_);
  std::string zip = makeZip({{"app.py", "print(1)\n"}, {"lib/util.py", "x = 2\n"}, {"bootstrap", "#!/bin/sh\n"}});
  auto code = store.put(zip);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code->size, static_cast<std::int64_t>(zip.size()));
  EXPECT_TRUE(isSha256Hex(code->sha256Hex));
  EXPECT_EQ(code->sha256Base64.size(), 44u);
  auto dir = store.unpacked(code->sha256Hex);
  ASSERT_TRUE(dir);
  std::ifstream in(*dir / "lib/util.py");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "x = 2\n");
  EXPECT_TRUE((fs::status(*dir / "bootstrap").permissions() & fs::perms::owner_exec) != fs::perms::none);
  EXPECT_FALSE(store.zipPath(code->sha256Hex).empty());
  // The same bytes again: the same key.
  auto again = store.put(zip);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sha256Hex, code->sha256Hex);
}

TEST_F(CodeStoreTest, RefusesPathsEscapingTheRoot) {
  CodeStore store(root_);
  for (std::string bad : {"../evil.py", "a/../../evil.py", "/etc/evil.py"}) {
    auto code = store.put(makeZip({{"ok.py", "1"}, {bad, "x"}}));
    ASSERT_FALSE(code) << bad;
    EXPECT_EQ(code.error().type, "InvalidParameterValueException");
    EXPECT_EQ(code.error().status, 400);
  }
  EXPECT_TRUE(leftovers().empty());
  EXPECT_FALSE(fs::exists(root_.parent_path() / "evil.py"));
}

TEST_F(CodeStoreTest, RefusesLinksPointingOutside) {
  CodeStore store(root_);
  auto out = store.put(makeZip({{"passwd", "", AE_IFLNK, "/etc/passwd"}}));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("points outside"), std::string::npos);
  out = store.put(makeZip({{"up", "", AE_IFLNK, "../../x"}}));
  ASSERT_FALSE(out);
  // A link that stays inside is fine.
  auto ok = store.put(makeZip({{"a/real.py", "1"}, {"a/alias.py", "", AE_IFLNK, "real.py"}}));
  EXPECT_TRUE(ok) << ok.error().message;
  // Writing through a link planted by an earlier entry is refused.
  auto through = store.put(makeZip({{"d", "", AE_IFLNK, "."}, {"d/x.py", "1"}}));
  EXPECT_FALSE(through);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(CodeStoreTest, RefusesArchivesThatUnpackTooLarge) {
  CodeStore store(root_, UnpackLimits{1000, 100});
  auto out = store.put(makeZip({{"big.bin", std::string(5000, 'z')}}));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("smaller than 1000 bytes"), std::string::npos);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(CodeStoreTest, RefusesGarbage) {
  CodeStore store(root_);
  auto out = store.put("this is not a zip file at all");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().type, "InvalidParameterValueException");
  EXPECT_TRUE(leftovers().empty());
}

}  // namespace
}  // namespace portico::functions

namespace portico::functions {
namespace {

// The chain from the hardening issue: each link passes a lexical check on its own (a -> .,
// b -> a/.., c -> b/.., e -> c/..), but followed together they climb out of the root, and a
// directory entry written through them used to be created two levels above the data dir.
TEST_F(CodeStoreTest, RefusesDirectoriesMadeThroughChainedLinks) {
  fs::create_directories(root_);
  const fs::path sandboxRoot = root_ / "store";
  CodeStore store(sandboxRoot);
  const std::string marker = "portico-escape-" + std::to_string(::getpid());
  auto out = store.put(makeZip({{"a", "", AE_IFLNK, "."},
                                {"b", "", AE_IFLNK, "a/.."},
                                {"c", "", AE_IFLNK, "b/.."},
                                {"e", "", AE_IFLNK, "c/.."},
                                {"e/" + marker + "/", "", AE_IFDIR},
                                {"e/" + marker + "/f.py", "x"}}));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().status, 400);
  for (fs::path p = sandboxRoot; p.has_relative_path(); p = p.parent_path()) {
    EXPECT_FALSE(fs::exists(p.parent_path() / marker)) << p.parent_path();
  }
  for (auto& e : fs::directory_iterator(sandboxRoot)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  // The links alone (no entry written through them) still climb out when followed: refused too.
  auto links = store.put(makeZip({{"a", "", AE_IFLNK, "."}, {"b", "", AE_IFLNK, "a/.."}}));
  ASSERT_FALSE(links);
  EXPECT_NE(links.error().message.find("points outside"), std::string::npos) << links.error().message;
  // Links that stay inside, through directories, still work (node_modules/.bin style).
  auto fine =
      store.put(makeZip({{"pkg/bin/tool.js", "1"}, {"node_modules/.bin/tool", "", AE_IFLNK, "../../pkg/bin/tool.js"}}));
  EXPECT_TRUE(fine) << fine.error().message;
}

}  // namespace
}  // namespace portico::functions

namespace portico::functions {
namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Layers: one is mounted from its own directory; several are extracted in order into one
// directory, a later layer's file replacing an earlier one's, directories merged.
TEST_F(CodeStoreTest, LayersExtractedInOrderOverEachOther) {
  CodeStore store(root_);
  auto first = store.put(makeZip({{"python/shared.py", "first"}, {"python/only_first.py", "1"}, {"bin/tool", "a"}}));
  auto second = store.put(makeZip({{"python/shared.py", "second"}, {"python/only_second.py", "2"}}));
  ASSERT_TRUE(first && second);
  auto one = store.layered({first->sha256Hex});
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(*one, *store.unpacked(first->sha256Hex));

  auto both = store.layered({first->sha256Hex, second->sha256Hex});
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(readFile(*both / "python/shared.py"), "second");
  EXPECT_EQ(readFile(*both / "python/only_first.py"), "1");
  EXPECT_EQ(readFile(*both / "python/only_second.py"), "2");
  EXPECT_EQ(readFile(*both / "bin/tool"), "a");
  // The other order is another directory, where the first layer's file wins.
  auto reversed = store.layered({second->sha256Hex, first->sha256Hex});
  ASSERT_TRUE(reversed);
  EXPECT_NE(*reversed, *both);
  EXPECT_EQ(readFile(*reversed / "python/shared.py"), "first");
  // Made once: asking again gives the same directory, and the layers' own stay as they were.
  EXPECT_EQ(*store.layered({first->sha256Hex, second->sha256Hex}), *both);
  EXPECT_EQ(readFile(*store.unpacked(first->sha256Hex) / "python/shared.py"), "first");
  EXPECT_TRUE(leftovers().empty());

  auto bytes = store.unpackedBytes(first->sha256Hex);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, 5u + 1u + 1u);
}

// Links each safe within its own layer can climb out once layers are merged (a link "l ->
// s/../x" under a later layer's "s -> ."): the merged tree is checked again and refused whole.
TEST_F(CodeStoreTest, LayersWhoseLinksEscapeOnceMergedAreRefused) {
  fs::create_directories(root_);
  CodeStore store(root_ / "store");
  auto first = store.put(makeZip({{"s/", "", AE_IFDIR}, {"x", "1"}, {"l", "", AE_IFLNK, "s/../x"}}));
  ASSERT_TRUE(first) << first.error().message;
  auto second = store.put(makeZip({{"t", "1"}}));
  ASSERT_TRUE(second);
  // A file over a directory of an earlier layer is refused; so is a later link where a directory was.
  auto overDir = store.put(makeZip({{"s", "file over a directory"}}));
  ASSERT_TRUE(overDir);
  auto clash = store.layered({first->sha256Hex, overDir->sha256Hex});
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().status, 400);
  EXPECT_NE(clash.error().message.find("replace a directory"), std::string::npos) << clash.error().message;
  // A link replacing a file of an earlier layer is fine where it stays inside...
  auto fine = store.put(makeZip({{"x", "", AE_IFLNK, "t"}}));
  ASSERT_TRUE(fine);
  auto merged = store.layered({first->sha256Hex, second->sha256Hex, fine->sha256Hex});
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(readFile(*merged / "x"), "1");
  // ... and refused where, merged, a chain climbs out: "up -> d/../x" dangles harmlessly in its
  // own layer (no "d"), but a later layer's "d -> ." makes it the root's parent's "x".
  auto up = store.put(makeZip({{"up", "", AE_IFLNK, "d/../x"}}));
  ASSERT_TRUE(up) << up.error().message;
  auto dot = store.put(makeZip({{"d", "", AE_IFLNK, "."}}));
  ASSERT_TRUE(dot) << dot.error().message;
  auto escaping = store.layered({up->sha256Hex, dot->sha256Hex});
  ASSERT_FALSE(escaping);
  EXPECT_NE(escaping.error().message.find("points outside"), std::string::npos) << escaping.error().message;
  for (auto& e : fs::directory_iterator(root_ / "store")) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

// Together, layers may not unpack to more than the bound either.
TEST_F(CodeStoreTest, LayersTogetherAreBounded) {
  CodeStore store(root_, UnpackLimits{1000, 100});
  auto a = store.put(makeZip({{"a.bin", std::string(600, 'a')}}));
  auto b = store.put(makeZip({{"b.bin", std::string(600, 'b')}}));
  ASSERT_TRUE(a && b);
  auto both = store.layered({a->sha256Hex, b->sha256Hex});
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("smaller than 1000 bytes"), std::string::npos) << both.error().message;
  EXPECT_TRUE(leftovers().empty());
}

}  // namespace
}  // namespace portico::functions
