#include "control/console/console_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace portico::control::console {
namespace {

namespace bhttp = boost::beast::http;

class ConsoleAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("portico-console-assets-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "site" / "assets");
    write(dir_ / "site" / "index.html", "<html>app</html>");
    write(dir_ / "site" / "assets" / "app-abc.js", "js");
    write(dir_ / "site" / ".secret.txt", "hidden");
    write(dir_ / "outside.txt", "outside");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  static void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }
  http::Response get(std::string_view path, bhttp::verb verb = bhttp::verb::get) {
    http::Request req{verb, std::string(path), 11};
    return ConsoleAssets(dir_ / "site").serve(req, path);
  }
  std::filesystem::path dir_;
};

TEST_F(ConsoleAssetsTest, RoutesGetTheAppAndFilesTheirTypes) {
  EXPECT_EQ(get("/console").result(), bhttp::status::moved_permanently);
  for (auto path : {"/console/", "/console/apis", "/console/apis/x/resources/"}) {
    auto res = get(path);
    EXPECT_EQ(res.result(), bhttp::status::ok) << path;
    EXPECT_EQ(res.body(), "<html>app</html>");
    EXPECT_EQ(res[bhttp::field::content_type], "text/html; charset=utf-8");
  }
  auto js = get("/console/assets/app-abc.js");
  EXPECT_EQ(js.body(), "js");
  EXPECT_EQ(js[bhttp::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(js[bhttp::field::cache_control], "public, max-age=31536000, immutable");
  auto head = get("/console/assets/app-abc.js", bhttp::verb::head);
  EXPECT_EQ(head.result(), bhttp::status::ok);
  EXPECT_TRUE(head.body().empty());
  EXPECT_EQ(get("/console/", bhttp::verb::post).result(), bhttp::status::method_not_allowed);
}

TEST_F(ConsoleAssetsTest, NothingOutsideTheDirectoryNorHidden) {
  for (auto path : {"/console/../outside.txt", "/console/assets/../../outside.txt", "/console/.secret.txt",
                    "/console//assets/app-abc.js", "/console/assets/missing.js", "/console/a\\..\\x.txt"}) {
    EXPECT_EQ(get(path).result(), bhttp::status::not_found) << path;
  }
}

TEST_F(ConsoleAssetsTest, UnbuiltConsoleSaysSo) {
  http::Request req{bhttp::verb::get, "/console/", 11};
  ConsoleAssets missing(dir_ / "nowhere");
  EXPECT_FALSE(missing.available());
  auto res = missing.serve(req, "/console/");
  EXPECT_EQ(res.result(), bhttp::status::service_unavailable);
  EXPECT_NE(res.body().find("not built"), std::string::npos);
}

TEST(ContentTypeTest, ByExtension) {
  EXPECT_EQ(contentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(contentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("a.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace portico::control::console
