// libFuzzer target: the HTTP/1.1 request parsing the server does (Beast's parser with the
// server's limits, then Portico's framing checks), over arbitrary bytes split at an arbitrary
// point, as they may arrive in two reads. Seeds: the smuggling cases of tests/security/.
#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/request_framing.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = input.empty() ? 0 : data[0] % (input.size() + 1);
  boost::beast::flat_buffer buf;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(1 << 20);
  bool checked = false;
  for (std::string_view part : {input.substr(0, split), input.substr(split)}) {
    if (!part.empty()) {
      auto into = buf.prepare(part.size());
      std::memcpy(into.data(), part.data(), part.size());
      buf.commit(part.size());
    }
    for (;;) {
      boost::beast::error_code ec;
      std::size_t used = buf.size() ? parser.put(buf.data(), ec) : 0;
      std::string_view parsed(static_cast<const char*>(buf.data().data()), used);
      if (!checked && parser.is_header_done()) {
        checked = true;
        auto refusal = portico::http::checkRequestHead(
            parser.get().base(), parsed.substr(0, std::min(parsed.find("\r\n\r\n"), parsed.find("\n\n"))));
        if (refusal && refusal->status != 400 && refusal->status != 501) __builtin_trap();
        if (refusal) return 0;
      }
      buf.consume(used);
      if (ec == bhttp::error::need_more) {
        if (parser.is_header_done() && parser.chunked()) {
          (void)portico::http::hasBareLineFeed(
              std::string_view(static_cast<const char*>(buf.data().data()), buf.size()));
        }
        break;
      }
      if (ec || parser.is_done() || used == 0) return 0;
    }
  }
  return 0;
}
