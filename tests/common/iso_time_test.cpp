// parseIsoTime: the timestamps AWS's query protocol sends (StartTime / EndTime of CloudWatch's
// calls), with fractions and zones, and what it refuses; isoMillis round-trips through it.
#include "common/iso_time.h"

#include <gtest/gtest.h>

namespace portico {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

system_clock::time_point at(std::int64_t epochSeconds) {
  return system_clock::time_point(seconds(epochSeconds));
}

TEST(ParseIsoTime, ReadsWhatBotocoreSends) {
  EXPECT_EQ(parseIsoTime("2026-12-04T18:00:00Z"), at(1796407200));
  EXPECT_EQ(parseIsoTime("2026-12-04T18:00:00"), at(1796407200)) << "no zone: UTC";
  EXPECT_EQ(parseIsoTime("2026-12-04T18:00:00.250000Z"), at(1796407200) + std::chrono::milliseconds(250));
  EXPECT_EQ(parseIsoTime("2026-12-04T19:30:00+01:30"), at(1796407200));
  EXPECT_EQ(parseIsoTime("2026-12-04T16:00:00-0200"), at(1796407200));
  const auto t = at(1796407200) + std::chrono::milliseconds(123);
  EXPECT_EQ(parseIsoTime(isoMillis(t, "Z")), t);
}

TEST(ParseIsoTime, RefusesOtherShapes) {
  for (const char* bad : {"", "2026-12-04", "2026-13-04T18:00:00Z", "2026-12-04T25:00:00Z", "2026-12-04T18:00:00ZZ",
                          "2026-12-04T18:00:00.Z", "yesterday", "1796407200", "2026-12-04T18:00:00+1"}) {
    EXPECT_FALSE(parseIsoTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace portico
