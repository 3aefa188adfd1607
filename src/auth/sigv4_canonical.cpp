#include "auth/sigv4_canonical.h"

#include <algorithm>
#include <cstdio>

#include "common/digest.h"
#include "common/uri_encoding.h"

namespace portico::auth::sigv4 {

std::string_view trim(std::string_view s) {
  s.remove_prefix(std::min(s.find_first_not_of(kSpaces), s.size()));
  s.remove_suffix(s.size() - (s.find_last_not_of(kSpaces) + 1));  // npos + 1 == 0 when nothing is left
  return s;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string canonicalUri(std::string_view path, bool s3) {
  if (s3) return path.empty() ? std::string("/") : std::string(path);
  std::vector<std::string_view> kept;
  for (std::string_view seg : split(path, '/')) {
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!seg.empty() && seg != ".") {
      kept.push_back(seg);
    }
  }
  std::string out = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += percentEncode(kept[i]);
  }
  if (!kept.empty() && path.back() == '/') out += '/';
  return out;
}

std::string canonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::string_view item : split(query, '&')) {
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    pairs.emplace_back(percentEncode(percentDecode(item.substr(0, eq))), percentEncode(percentDecode(value)));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name + '=' + value;
  }
  return out;
}

std::string canonicalHeaders(const HeaderPairs& headers, std::string_view signedHeaders) {
  std::string out;
  for (std::string_view name : split(signedHeaders, ';')) {
    if (name.empty()) continue;
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [k, v] : headers) {
      if (!equalsIgnoreCase(k, name)) continue;
      if (!first) out += ',';
      first = false;
      bool pendingSpace = false;
      for (char c : trim(v)) {
        if (kSpaces.find(c) != std::string_view::npos) {
          pendingSpace = true;
          continue;
        }
        if (pendingSpace) out += ' ';
        pendingSpace = false;
        out += c;
      }
    }
    out += '\n';
  }
  return out;
}

std::string formatIsoBasic(std::chrono::sys_seconds t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string deriveSigningKey(std::string_view secret, std::string_view date, std::string_view region,
                             std::string_view service) {
  std::string key = hmacSha256("AWS4" + std::string(secret), date);
  key = hmacSha256(key, region);
  key = hmacSha256(key, service);
  return hmacSha256(key, kTerminator);
}

}  // namespace portico::auth::sigv4
