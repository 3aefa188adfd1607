// Canary releases on the data plane: the split by percentTraffic (chooseRelease, with seeded
// draws: 10,000 requests at 10% land within a tight binomial bound), and through the loopback
// stage a canary compiled from its own deployment, its stage-variable overrides and
// $context.isCanaryRequest.
#include <gtest/gtest.h>

#include <cmath>

#include "common/id_generator.h"
#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using gateway::StageSnapshot;

std::shared_ptr<const StageSnapshot> withCanary(double percent) {
  auto canary = std::make_shared<StageSnapshot>();
  canary->isCanary = true;
  auto stage = std::make_shared<StageSnapshot>();
  stage->canary = canary;
  stage->canaryPercent = percent;
  return stage;
}

int canaryShare(double percent, int draws, std::uint64_t seed) {
  auto stage = withCanary(percent);
  IdGenerator rng(seed);
  int canary = 0;
  for (int i = 0; i < draws; ++i) canary += gateway::chooseRelease(stage, rng.uniform())->isCanary ? 1 : 0;
  return canary;
}

TEST(CanarySplit, TenPercentOfTenThousandWithinTheBinomialBound) {
  // n = 10,000, p = 0.1: mean 1,000, standard deviation 30; 4.5 sigma either side.
  for (std::uint64_t seed : {1u, 7u, 42u, 2026u}) {
    const int canary = canaryShare(10.0, 10'000, seed);
    EXPECT_GT(canary, 1000 - 135) << "seed " << seed;
    EXPECT_LT(canary, 1000 + 135) << "seed " << seed;
  }
  EXPECT_EQ(canaryShare(0.0, 1000, 3), 0);
  EXPECT_EQ(canaryShare(100.0, 1000, 3), 1000);
  const int quarter = canaryShare(25.0, 10'000, 9);  // mean 2,500, sd 43.3
  EXPECT_LT(std::abs(quarter - 2500), 195);
}

TEST(CanarySplit, AStageWithoutACanaryIsItself) {
  auto stage = std::make_shared<const StageSnapshot>();
  EXPECT_EQ(gateway::chooseRelease(stage, 0.0), stage);
}

TEST(CanaryRelease, TheCanaryServesItsDeploymentWithTheOverrides) {
  LoopbackStage gw;
  DeploymentDoc canaryDoc;
  mockMethod(canaryDoc, "/pets", "GET",
             R"({"release": "canary", "v": "$stageVariables.v", "keep": "$stageVariables.keep", )"
             R"("canary": $context.isCanaryRequest})");
  bj::object canaryStage = stageDoc(bj::object{{"v", "base"}, {"keep", "k"}});
  canaryStage["deploymentId"] = "dep002";
  ASSERT_TRUE(gw.deploy(canaryDoc, canaryStage));

  DeploymentDoc mainDoc;
  mockMethod(mainDoc, "/pets", "GET",
             R"({"release": "main", "v": "$stageVariables.v", "canary": $context.isCanaryRequest})");
  bj::object stage = stageDoc(bj::object{{"v", "base"}, {"keep", "k"}});
  stage["canarySettings"] = bj::object{
      {"deploymentId", "dep002"}, {"percentTraffic", 100.0}, {"stageVariableOverrides", bj::object{{"v", "canary"}}}};
  ASSERT_TRUE(gw.deploy(mainDoc, stage));
  auto res = gw.get("/pets");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(bj::parse(res.body()), bj::parse(R"({"release": "canary", "v": "canary", "keep": "k", "canary": true})"));

  stage["canarySettings"].as_object()["percentTraffic"] = 0.0;
  ASSERT_TRUE(gw.deploy(mainDoc, stage));
  res = gw.get("/pets");
  EXPECT_EQ(bj::parse(res.body()), bj::parse(R"({"release": "main", "v": "base", "canary": false})"));

  stage["canarySettings"].as_object()["deploymentId"] = "nope";
  auto refused = gw.deploy(mainDoc, stage);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "Invalid deployment identifier specified");
}

}  // namespace
}  // namespace portico::loopback
