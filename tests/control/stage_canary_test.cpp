// A stage's canary settings (stage_canary.h): made by a replace under /canarySettings, edited,
// removed, promoted by the two copies, each refusal in AWS's words; and the settings
// CreateDeployment and CreateStage take.
#include "control/apigateway/stage_canary.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "support/apigateway_fixture.h"

namespace portico::control::apigateway {
namespace {
namespace bj = boost::json;

class StageCanaryTest : public ApiGatewayFixture {
 protected:
  void SetUp() override {
    ApiGatewayFixture::SetUp();
    for (const char* id : {"d1", "d2"}) saveDoc(*ctx_, kDeployment, "api1", id, bj::object{{"id", id}});
    stage_ =
        bj::object{{"stageName", "dev"}, {"deploymentId", "d1"}, {"variables", bj::object{{"a", "1"}, {"b", "2"}}}};
  }
  /// Applies the operations ("op path value" or "copy from path") to stage_; "" or the refusal.
  std::string apply(std::vector<bj::object> ops) {
    bj::array list;
    for (auto& o : ops) list.push_back(std::move(o));
    auto rest = applyCanaryOperations(*ctx_, "api1", stage_, bj::object{{"patchOperations", std::move(list)}});
    if (!rest) return rest.error().type + ": " + rest.error().message;
    rest_ = std::move(rest).value();
    return "";
  }
  static bj::object op(std::string_view op, std::string_view path, std::string_view value = "") {
    return bj::object{{"op", op}, {"path", path}, {"value", value}};
  }
  static bj::object copy(std::string_view from, std::string_view path) {
    return bj::object{{"op", "copy"}, {"from", from}, {"path", path}};
  }
  bj::object canary() const { return stage_.at("canarySettings").as_object(); }

  bj::object stage_;
  bj::object rest_;
};

TEST_F(StageCanaryTest, AReplaceMakesTheCanary) {
  EXPECT_EQ(apply({op("replace", "/canarySettings/percentTraffic", "50"), op("replace", "/description", "x")}), "");
  EXPECT_EQ(canary(), (bj::object{{"deploymentId", "d1"}, {"percentTraffic", 50.0}, {"useStageCache", false}}));
  EXPECT_EQ(rest_.at("patchOperations").as_array().size(), 1u);  // the others are UpdateStage's
  EXPECT_EQ(apply({op("replace", "/canarySettings/deploymentId", "d2"),
                   op("replace", "/canarySettings/stageVariableOverrides/a", "canary"),
                   op("replace", "/canarySettings/useStageCache", "true")}),
            "");
  EXPECT_EQ(canary(), (bj::object{{"deploymentId", "d2"},
                                  {"percentTraffic", 50.0},
                                  {"useStageCache", true},
                                  {"stageVariableOverrides", bj::object{{"a", "canary"}}}}));
  EXPECT_EQ(apply({op("remove", "/canarySettings/stageVariableOverrides/a")}), "");
  EXPECT_TRUE(canary().at("stageVariableOverrides").as_object().empty());
  EXPECT_EQ(apply({op("remove", "/canarySettings")}), "");
  EXPECT_FALSE(stage_.contains("canarySettings"));
}

TEST_F(StageCanaryTest, RefusalsInAwsWords) {
  EXPECT_EQ(apply({op("replace", "/canarySettings/deploymentId", "nope")}),
            "BadRequestException: Deployment id does not exist");
  EXPECT_EQ(apply({op("add", "/canarySettings/deploymentId", "d2")}),
            "BadRequestException: Invalid add operation with path: /canarySettings/deploymentId");
  EXPECT_EQ(apply({op("replace", "/canarySettings/percentTraffic", "101")}),
            "BadRequestException: Invalid canary percentTraffic: it must be a number between 0.0 and 100.0");
  EXPECT_EQ(apply({op("remove", "/canarySettings/stageVariableOverrides")}),
            "BadRequestException: Cannot remove method setting canarySettings/stageVariableOverrides because there is "
            "no method setting for this method ");
  const std::string whole = apply({op("replace", "/canarySettings", "{}")});
  EXPECT_TRUE(
      whole.starts_with("BadRequestException: Invalid method setting path: /canarySettings. Must be one of: "
                        "[/deploymentId, /description,"))
      << whole;
  const std::string bad = apply({op("replace", "/canarySettings/badPath", "x")});
  EXPECT_TRUE(bad.starts_with("BadRequestException: Invalid method setting path: /canarySettings/badPath. Must"))
      << bad;
  EXPECT_EQ(apply({copy("/canarySettings/deploymentId", "/deploymentId")}),
            "BadRequestException: Promotion not available. Canary does not exist.");
  EXPECT_EQ(apply({copy("/variables", "/canarySettings/stageVariableOverrides")}),
            "BadRequestException: Invalid copy operation with path: /canarySettings/stageVariableOverrides and from "
            "/variables. Valid copy:path are [/deploymentId, /variables] and valid copy:from are "
            "[/canarySettings/deploymentId, /canarySettings/stageVariableOverrides]");
  EXPECT_FALSE(stage_.contains("canarySettings"));
}

TEST_F(StageCanaryTest, PromotionCopiesTheDeploymentAndMergesTheOverrides) {
  // One PATCH: the replace first makes the canary, the copies after it promote it.
  EXPECT_EQ(apply({op("replace", "/canarySettings/deploymentId", "d2"),
                   op("replace", "/canarySettings/stageVariableOverrides/b", "two"),
                   op("replace", "/canarySettings/stageVariableOverrides/c", "3"),
                   copy("/canarySettings/deploymentId", "/deploymentId"),
                   copy("/canarySettings/stageVariableOverrides", "/variables"),
                   op("replace", "/canarySettings/percentTraffic", "0.0")}),
            "");
  EXPECT_EQ(stage_.at("deploymentId"), "d2");
  EXPECT_EQ(stage_.at("variables"), (bj::object{{"a", "1"}, {"b", "two"}, {"c", "3"}}));
  EXPECT_EQ(canary().at("percentTraffic"), 0.0);  // promotion keeps the canary settings
}

TEST_F(StageCanaryTest, SettingsFromCreateDeploymentAndCreateStage) {
  auto made =
      canarySettings(*ctx_, "api1", bj::parse(R"({"percentTraffic": 25, "stageVariableOverrides": {"a": "x"}})"), "d2");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(*made, (bj::object{{"deploymentId", "d2"},
                               {"percentTraffic", 25.0},
                               {"stageVariableOverrides", bj::object{{"a", "x"}}},
                               {"useStageCache", false}}));
  auto unknown = canarySettings(*ctx_, "api1", bj::parse(R"({"deploymentId": "zz"})"), "");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "Deployment id does not exist");
  EXPECT_TRUE(canarySettings(*ctx_, "api1", bj::parse(R"({"deploymentId": "d1"})"), ""));
  EXPECT_FALSE(canarySettings(*ctx_, "api1", bj::parse(R"({"percentTraffic": -1})"), "d2"));
  EXPECT_FALSE(canarySettings(*ctx_, "api1", bj::parse(R"({"stageVariableOverrides": {"a": 1}})"), "d2"));
}

}  // namespace
}  // namespace portico::control::apigateway
