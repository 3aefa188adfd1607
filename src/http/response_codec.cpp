#include "http/response_codec.h"

#include <charconv>
#include <string_view>

#include "http/asio_names.h"

namespace portico::http {

std::unique_ptr<ResponseParser> makeResponseParser(bool headRequest, RelayMode relay, std::size_t maxBody) {
  auto parser = std::make_unique<ResponseParser>();
  if (relay == RelayMode::kAny) {
    parser->body_limit(boost::none);
  } else {
    parser->body_limit(maxBody);
  }
  parser->header_limit(64 * 1024);
  if (headRequest) parser->skip(true);
  return parser;
}

beast::error_code parseBuffered(beast::flat_buffer& buf, ResponseParser& parser) {
  beast::error_code ec;
  while (buf.size() > 0 && !parser.is_done()) {
    std::size_t used = parser.put(buf.data(), ec);
    buf.consume(used);
    if (ec == bhttp::error::need_more) return {};
    if (ec) return ec;
    if (used == 0) break;
  }
  return ec;
}

// Read from the field rather than through the parser's boost::optional accessors, which GCC 12
// warns about.
std::optional<std::uint64_t> announcedLength(const ResponseParser& parser) {
  const auto& head = parser.get();
  auto it = head.find(bhttp::field::content_length);
  if (it == head.end() || parser.chunked()) return std::nullopt;
  std::uint64_t value = 0;
  std::string_view text = it->value();
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) return std::nullopt;
  return value;
}

bool relayNow(const ResponseParser& parser, RelayMode relay) {
  constexpr std::uint64_t kSmall = 64 * 1024;
  if (relay == RelayMode::kNone || !parser.is_header_done() || parser.is_done()) return false;
  if (relay == RelayMode::kAny) return true;
  auto length = announcedLength(parser);  // kSized: only a declared length
  return length && *length > parser.get().body().size() + kSmall;
}

}  // namespace portico::http
