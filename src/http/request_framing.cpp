#include "http/request_framing.h"

#include <boost/beast/core/string.hpp>
#include <vector>

namespace portico::http {
namespace bhttp = boost::beast::http;

namespace {

bool isTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

/// The codings of every Transfer-Encoding field, in order; nullopt when one is not a token.
std::optional<std::vector<std::string_view>> codings(const bhttp::request_header<>& head) {
  std::vector<std::string_view> out;
  for (const auto& field : head) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    std::string_view value = field.value();
    std::size_t pos = 0;
    while (pos <= value.size()) {
      std::size_t comma = value.find(',', pos);
      std::string_view item = value.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (auto semi = item.find(';'); semi != std::string_view::npos) return std::nullopt;  // no parameters
      if (item.empty()) return std::nullopt;
      for (char c : item) {
        if (!isTokenChar(c)) return std::nullopt;
      }
      out.push_back(item);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }
  return out;
}

}  // namespace

std::optional<FramingRefusal> checkRequestHead(const bhttp::request_header<>& head, std::string_view rawHead) {
  // obs-fold: a header line that begins with whitespace continues the previous one.
  if (rawHead.find("\n ") != std::string_view::npos || rawHead.find("\n\t") != std::string_view::npos) {
    return FramingRefusal{400, "Bad Request: obsolete line folding"};
  }
  int hosts = 0;
  bool transferEncoding = false, contentLength = false;
  for (const auto& field : head) {
    if (field.name() == bhttp::field::host) ++hosts;
    if (field.name() == bhttp::field::transfer_encoding) transferEncoding = true;
    if (field.name() == bhttp::field::content_length) contentLength = true;
  }
  if (hosts > 1) return FramingRefusal{400, "Bad Request: more than one Host header"};
  if (hosts == 0 && head.version() >= 11) return FramingRefusal{400, "Bad Request: no Host header"};
  if (!transferEncoding) return std::nullopt;
  if (contentLength) return FramingRefusal{400, "Bad Request: both Transfer-Encoding and Content-Length"};
  auto list = codings(head);
  if (!list || list->empty()) return FramingRefusal{400, "Bad Request: malformed Transfer-Encoding"};
  if (!boost::beast::iequals(list->back(), "chunked")) {
    return FramingRefusal{400, "Bad Request: the final transfer coding is not chunked"};
  }
  for (std::size_t i = 0; i + 1 < list->size(); ++i) {
    if (boost::beast::iequals((*list)[i], "chunked")) return FramingRefusal{400, "Bad Request: chunked applied twice"};
  }
  if (list->size() > 1) return FramingRefusal{501, "Not Implemented: transfer coding"};
  return std::nullopt;
}

bool hasBareLineFeed(std::string_view pending) {
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (pending[i] == '\n' && (i == 0 || pending[i - 1] != '\r')) return true;
  }
  return false;
}

}  // namespace portico::http
