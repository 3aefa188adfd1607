#include "gateway/execution_log.h"

#include <gtest/gtest.h>

namespace portico::gateway {
namespace {

using namespace std::chrono_literals;

TEST(ExecutionLogTest, DatesLinesLikeAws) {
  auto t = std::chrono::system_clock::time_point(1795694400s);  // Thu Nov 26 2026 12:00:00 UTC
  EXPECT_EQ(executionLogDate(t), "Thu Nov 26 12:00:00 UTC 2026");
  ExecutionLog log(t);
  log.add("Starting execution for request: r1");
  log.add("Method completed with status: 200");
  EXPECT_EQ(log.text("r1"),
            "Execution log for request r1\n"
            "Thu Nov 26 12:00:00 UTC 2026 : Starting execution for request: r1\n"
            "Thu Nov 26 12:00:00 UTC 2026 : Method completed with status: 200\n");
}

TEST(ExecutionLogTest, MapsRenderAsAwsDoesAndTruncate) {
  EXPECT_EQ(ExecutionLog::formatMap(std::map<std::string, std::string>{}), "{}");
  EXPECT_EQ(ExecutionLog::formatMap(std::map<std::string, std::string>{{"a", "1"}, {"b", "x y"}}), "{a=1, b=x y}");
  std::vector<std::pair<std::string, std::string>> big{{"k", std::string(50, 'v')}, {"l", "w"}};
  EXPECT_EQ(ExecutionLog::formatMap(big, 20), "{k=" + std::string(17, 'v') + " [TRUNCATED]");
}

}  // namespace
}  // namespace portico::gateway
