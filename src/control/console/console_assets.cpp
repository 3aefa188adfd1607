#include "control/console/console_assets.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "http/error_responses.h"

namespace portico::control::console {
namespace bhttp = boost::beast::http;
namespace {

// The console's pages: only its own files, no framing, no inline scripts.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'";

http::Response page(bhttp::status status, std::string_view type, std::string body, const http::Request& req) {
  http::Response res{status, 11};
  res.set(bhttp::field::content_type, type);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "same-origin");
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == bhttp::verb::head) res.body().clear();
  return res;
}

std::optional<std::string> readFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::string_view contentTypeFor(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (name.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

bool ConsoleAssets::available() const {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir_ / "index.html", ec);
}

http::Response ConsoleAssets::serve(const http::Request& req, std::string_view path) const {
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    return http::errorResponse(405, "MethodNotAllowedException", "The console's pages are read with GET");
  }
  if (path == "/console") {
    http::Response res{bhttp::status::moved_permanently, 11};
    res.set(bhttp::field::location, "/console/");
    res.prepare_payload();
    return res;
  }
  std::string_view rest = path.substr(std::string_view("/console/").size());
  std::string_view last = rest.substr(rest.rfind('/') == std::string_view::npos ? 0 : rest.rfind('/') + 1);
  bool isRoute = last.find('.') == std::string_view::npos;
  // Only plain relative names: no "..", no hidden files, no empty segments (a trailing '/' aside).
  std::size_t start = 0;
  while (start < rest.size()) {
    std::size_t slash = std::min(rest.find('/', start), rest.size());
    std::string_view seg = rest.substr(start, slash - start);
    if (seg.empty() || seg.front() == '.' || seg.find('\\') != std::string_view::npos) {
      return page(bhttp::status::not_found, "text/plain", "Not found\n", req);
    }
    start = slash + 1;
  }
  std::filesystem::path file = isRoute ? dir_ / "index.html" : dir_ / std::filesystem::path(std::string(rest));
  auto body = readFile(file);
  if (!body) {
    if (isRoute) {
      return page(bhttp::status::service_unavailable, "text/html; charset=utf-8",
                  "<!doctype html><title>Portico console</title><h1>The console is not built</h1>"
                  "<p>Portico looked for it in <code>" +
                      dir_.string() +
                      "</code>. Build it with <code>cmake --build --preset release</code> (needs npm), "
                      "or pass <code>--console-dir</code>.</p>\n",
                  req);
    }
    return page(bhttp::status::not_found, "text/plain", "Not found\n", req);
  }
  http::Response res = page(bhttp::status::ok, isRoute ? "text/html; charset=utf-8" : contentTypeFor(file.string()),
                            std::move(*body), req);
  res.set(bhttp::field::cache_control,
          rest.starts_with("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  return res;
}

}  // namespace portico::control::console
