// The gateway's log groups: LogGroups (the byte bound per group, retention, CloudWatch's
// retention values, destinationArn parsing), and through the loopback stage a stage's access log
// lines in its destinationArn's group and its execution logs in
// API-Gateway-Execution-Logs_{api}/{stage} at each logging/loglevel, with and without dataTrace,
// a canary's in ".../Canary".
#include "gateway/log_groups.h"

#include <gtest/gtest.h>

#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using gateway::LogGroupEvent;
using gateway::LogGroups;

std::vector<LogGroupEvent> one(std::int64_t ts, std::string message) {
  return {{ts, "", std::move(message)}};
}

TEST(LogGroups, EachGroupIsBoundedByBytesOldestFirst) {
  LogGroups groups(1000);
  for (int i = 0; i < 40; ++i) groups.append("g", "s", one(i, std::string(50, 'a' + i % 26)));
  auto events = groups.read("g");
  ASSERT_TRUE(events);
  EXPECT_LT(events->size(), 40u);
  EXPECT_EQ(events->back().timestampMs, 39) << "the newest stay";
  EXPECT_EQ(events->front().stream, "s");
  EXPECT_LE(groups.groups("g")[0].storedBytes, 1000u);
  EXPECT_FALSE(groups.read("other"));
}

TEST(LogGroups, RetentionDropsWhatIsOlder) {
  LogGroups groups;
  const std::int64_t day = 24LL * 3600 * 1000;
  groups.append("g", "s", one(0, "old"));
  groups.append("g", "s", one(10 * day, "new"));
  groups.setRetention("g", 7, 10 * day);
  auto events = groups.read("g");
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().message, "new");
  EXPECT_EQ(groups.retention("g"), 7);
  groups.expire(20 * day);
  EXPECT_TRUE(groups.read("g")->empty());
  groups.setRetention("g", std::nullopt, 20 * day);
  EXPECT_FALSE(groups.retention("g"));
  EXPECT_TRUE(LogGroups::validRetention(14));
  EXPECT_FALSE(LogGroups::validRetention(2));
  EXPECT_TRUE(groups.create("fresh", 5));
  EXPECT_FALSE(groups.create("fresh", 6));
  EXPECT_TRUE(groups.remove("fresh"));
  EXPECT_FALSE(groups.remove("fresh"));
}

TEST(LogGroups, DestinationArns) {
  EXPECT_EQ(gateway::logGroupOfArn("arn:aws:logs:us-east-1:123456789012:log-group:access"), "access");
  EXPECT_EQ(gateway::logGroupOfArn("arn:aws:logs:us-east-1:123456789012:log-group:/api/gw:*"), "/api/gw");
  EXPECT_EQ(gateway::logGroupOfArn("arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x"), "");
}

class StageLogsTest : public ::testing::Test {
 protected:
  void deploy(bj::object settings, bj::object extra = {}) {
    mockMethod(doc_, "/pets", "GET", R"({"pets": ["cat"]})");
    doc_.method("/broken", "GET");  // no integration: API Gateway's configuration error
    bj::object stage = stageDoc({}, std::move(settings));
    for (auto& [k, v] : extra) stage[k] = v;
    ASSERT_TRUE(gw_.deploy(doc_, stage));
  }
  std::vector<std::string> messages(const std::string& group) {
    std::vector<std::string> out;
    if (auto events = gw_.logGroups().read(group)) {
      for (auto& e : *events) out.push_back(e.message);
    }
    return out;
  }
  static bool any(const std::vector<std::string>& lines, std::string_view text) {
    for (const auto& l : lines) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }
  const std::string executionGroup =
      "API-Gateway-Execution-Logs_" + std::string(kApiId) + "/" + std::string(kStageName);

  LoopbackStage gw_;
  DeploymentDoc doc_;
};

TEST_F(StageLogsTest, AccessLinesGoToTheDestinationGroup) {
  deploy({}, bj::object{{"accessLogSettings",
                         bj::object{{"format", "$context.requestId $context.status"},
                                    {"destinationArn", "arn:aws:logs:us-east-1:000000000000:log-group:access"}}}});
  auto res = gw_.get("/pets");
  auto lines = messages("access");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], std::string(res["x-amzn-RequestId"]) + " 200");
  EXPECT_TRUE(messages(executionGroup).empty()) << "no execution logs while the level is OFF";
}

TEST_F(StageLogsTest, InfoWritesTheExecutionLogDataOnlyWithDataTrace) {
  deploy(bj::object{{"*/*", bj::object{{"loggingLevel", "INFO"}}}});
  auto res = gw_.get("/pets");
  const std::string id(res["x-amzn-RequestId"]);
  auto lines = messages(executionGroup);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "(" + id + ") Extended Request Id: " + std::string(res["x-amz-apigw-id"]));
  EXPECT_TRUE(any(lines, "(" + id + ") Starting execution for request: " + id));
  EXPECT_TRUE(any(lines, "Method completed with status: 200"));
  EXPECT_FALSE(any(lines, "Method response body after transformations")) << "data only with dataTrace";

  deploy(bj::object{{"*/*", bj::object{{"loggingLevel", "INFO"}, {"dataTraceEnabled", true}}}});
  gw_.get("/pets");
  EXPECT_TRUE(any(messages(executionGroup), R"(Method response body after transformations: {"pets": ["cat"]})"));
  auto streams = gw_.logGroups().streams(executionGroup);
  ASSERT_TRUE(streams);
  ASSERT_EQ(streams->size(), 1u);
  EXPECT_EQ(streams->front().name.size(), 32u);
}

TEST_F(StageLogsTest, ErrorLevelWritesFailuresOnly) {
  deploy(bj::object{{"*/*", bj::object{{"loggingLevel", "ERROR"}}}});
  gw_.get("/pets");
  EXPECT_TRUE(messages(executionGroup).empty()) << "a success writes nothing at ERROR";
  auto res = gw_.get("/broken");
  EXPECT_EQ(res.result_int(), 500u);
  auto lines = messages(executionGroup);
  EXPECT_TRUE(any(lines, "Execution failed due to configuration error"));
  EXPECT_TRUE(any(lines, "Method completed with status: 500"));
  EXPECT_FALSE(any(lines, "Starting execution"));
  // A method's own level wins over "*/*".
  deploy(
      bj::object{{"*/*", bj::object{{"loggingLevel", "ERROR"}}}, {"~1pets/GET", bj::object{{"loggingLevel", "OFF"}}}});
  const auto before = messages(executionGroup).size();
  gw_.get("/pets");
  EXPECT_EQ(messages(executionGroup).size(), before);
}

TEST_F(StageLogsTest, ACanaryWritesItsOwnGroups) {
  bj::object stage = stageDoc({}, bj::object{{"*/*", bj::object{{"loggingLevel", "INFO"}}}});
  mockMethod(doc_, "/pets", "GET");
  stage["canarySettings"] = bj::object{{"deploymentId", kDeploymentId}, {"percentTraffic", 100.0}};
  stage["accessLogSettings"] = bj::object{{"format", "$context.requestId"},
                                          {"destinationArn", "arn:aws:logs:us-east-1:000000000000:log-group:acc"}};
  ASSERT_TRUE(gw_.deploy(doc_, stage));
  gw_.get("/pets");
  EXPECT_EQ(messages("acc/Canary").size(), 1u);
  EXPECT_FALSE(messages(executionGroup + "/Canary").empty());
  EXPECT_TRUE(messages(executionGroup).empty());
}

}  // namespace
}  // namespace portico::loopback
