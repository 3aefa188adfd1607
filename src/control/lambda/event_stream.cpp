#include "control/lambda/event_stream.h"

#include <boost/crc.hpp>
#include <cstdint>

namespace portico::control::lambda {
namespace {

void putU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::uint32_t crc32(std::string_view data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

}  // namespace

std::string eventStreamMessage(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                               std::string_view payload) {
  std::string encoded;
  for (const auto& [name, value] : headers) {
    encoded += static_cast<char>(name.size());
    encoded += name;
    encoded += static_cast<char>(7);  // a string value
    encoded += static_cast<char>((value.size() >> 8) & 0xff);
    encoded += static_cast<char>(value.size() & 0xff);
    encoded += value;
  }
  const std::uint32_t total = static_cast<std::uint32_t>(12 + encoded.size() + payload.size() + 4);
  std::string out;
  out.reserve(total);
  putU32(out, total);
  putU32(out, static_cast<std::uint32_t>(encoded.size()));
  putU32(out, crc32(out));
  out += encoded;
  out += payload;
  putU32(out, crc32(out));
  return out;
}

std::string eventStreamEvent(std::string_view eventType, std::string_view contentType, std::string_view payload) {
  return eventStreamMessage({{":event-type", eventType}, {":content-type", contentType}, {":message-type", "event"}},
                            payload);
}

}  // namespace portico::control::lambda
