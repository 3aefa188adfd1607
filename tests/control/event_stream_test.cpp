// The event stream encoding InvokeWithResponseStream answers in: prelude, headers, payload and
// both CRC32s exactly as AWS's decoders check them.
#include "control/lambda/event_stream.h"

#include <gtest/gtest.h>

#include <boost/crc.hpp>
#include <cstdint>

namespace portico::control::lambda {
namespace {

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

std::uint32_t crc(std::string_view data) {
  boost::crc_32_type c;
  c.process_bytes(data.data(), data.size());
  return c.checksum();
}

TEST(EventStreamTest, PreludeHeadersPayloadAndChecksums) {
  const std::string m = eventStreamEvent("PayloadChunk", "application/octet-stream", "hello");
  ASSERT_GE(m.size(), 16u);
  EXPECT_EQ(be32(m, 0), m.size());
  const std::uint32_t headers = be32(m, 4);
  EXPECT_EQ(be32(m, 8), crc(std::string_view(m).substr(0, 8)));
  EXPECT_EQ(be32(m, m.size() - 4), crc(std::string_view(m).substr(0, m.size() - 4)));
  EXPECT_EQ(m.substr(12 + headers, 5), "hello");
  // The first header: ":event-type" (length 11), string (7), "PayloadChunk" (length 12).
  EXPECT_EQ(static_cast<unsigned char>(m[12]), 11u);
  EXPECT_EQ(m.substr(13, 11), ":event-type");
  EXPECT_EQ(m[24], 7);
  EXPECT_EQ(m.substr(27, 12), "PayloadChunk");
  // Well-known CRC-32 (the one AWS's decoders use): "123456789" → 0xCBF43926.
  EXPECT_EQ(crc("123456789"), 0xCBF43926u);
  // An empty payload is a message too.
  const std::string empty = eventStreamMessage({}, "");
  EXPECT_EQ(empty.size(), 16u);
  EXPECT_EQ(be32(empty, 4), 0u);
}

}  // namespace
}  // namespace portico::control::lambda
