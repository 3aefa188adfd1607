// ConsoleAssets: serves the built web console (web/, built by Vite) from a directory.
// /console redirects to /console/; paths whose last segment has no '.' are the single-page
// app's routes and get index.html; anything else is a file under the directory. Hashed
// files under assets/ are cached for a year; index.html is revalidated each time.
#pragma once
#include <filesystem>
#include <string_view>

#include "http/handler.h"

namespace portico::control::console {

class ConsoleAssets {
 public:
  /// `dir` holds index.html and assets/; it may not exist (a console that was not built).
  explicit ConsoleAssets(std::filesystem::path dir) : dir_(std::move(dir)) {}

  /// Answers a GET/HEAD for `path` (starting with "/console").
  http::Response serve(const http::Request& req, std::string_view path) const;
  bool available() const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

/// The Content-Type for a file name, by extension ("application/octet-stream" when unknown).
std::string_view contentTypeFor(std::string_view fileName);

}  // namespace portico::control::console
