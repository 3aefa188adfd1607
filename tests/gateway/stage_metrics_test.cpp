// A stage's metrics through the loopback stage: each deployed method counts its requests,
// 4xx and 5xx answers, cache hits and misses and latencies into its series (API name, stage,
// resource, method), requests no method matches into the stage's own, a redeploy keeps counting
// into the same series, and metricsEnabled turns on the per-method CloudWatch dimensions.
#include "gateway/stage_metrics.h"

#include <gtest/gtest.h>

#include "metrics/families.h"
#include "metrics/statistics.h"
#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using metrics::MetricSeries;

std::shared_ptr<MetricSeries> seriesOf(LoopbackStage& gw, std::string resource, std::string verb) {
  return gw.metrics().series(metrics::apiGatewayFamily(),
                             {std::string(kApiId), "loopback", std::string(kStageName), resource, verb});
}

TEST(StageMetrics, EachMethodCountsItsRequestsAndErrors) {
  LoopbackStage gw;
  DeploymentDoc doc;
  mockMethod(doc, "/pets", "GET");
  mockMethod(doc, "/pets/{id}", "GET", R"({"missing": true})", "404");
  ASSERT_TRUE(gw.deploy(doc));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(gw.get("/pets").result_int(), 200u);
  EXPECT_EQ(gw.get("/pets/7").result_int(), 404u);
  EXPECT_EQ(gw.get("/nowhere").result_int(), 403u) << "Missing Authentication Token";

  auto pets = seriesOf(gw, "/pets", "GET")->read();
  EXPECT_EQ(pets.counters[metrics::kCount], 3u);
  EXPECT_EQ(pets.counters[metrics::k4xxError], 0u);
  EXPECT_EQ(pets.histograms[metrics::kLatency].count(), 3u);
  EXPECT_EQ(pets.histograms[metrics::kIntegrationLatency].count(), 3u) << "a MOCK integration answered";
  auto one = seriesOf(gw, "/pets/{id}", "GET")->read();
  EXPECT_EQ(one.counters[metrics::kCount], 1u);
  EXPECT_EQ(one.counters[metrics::k4xxError], 1u);
  auto unmatched = seriesOf(gw, "", "")->read();
  EXPECT_EQ(unmatched.counters[metrics::kCount], 1u);
  EXPECT_EQ(unmatched.counters[metrics::k4xxError], 1u);

  ASSERT_TRUE(gw.deploy(doc));  // a redeploy: the same series go on counting
  gw.get("/pets");
  EXPECT_EQ(seriesOf(gw, "/pets", "GET")->read().counters[metrics::kCount], 4u);
}

TEST(StageMetrics, CacheHitsAndMissesAreCounted) {
  LoopbackStage gw;
  DeploymentDoc doc;
  mockMethod(doc, "/pets", "GET");
  bj::object stage =
      stageDoc({}, bj::object{{"*/*", bj::object{{"cachingEnabled", true}, {"cacheTtlInSeconds", 300}}}});
  stage["cacheClusterEnabled"] = true;
  stage["cacheClusterSize"] = "0.5";
  ASSERT_TRUE(gw.deploy(doc, stage));
  for (int i = 0; i < 3; ++i) gw.get("/pets");
  auto r = seriesOf(gw, "/pets", "GET")->read();
  EXPECT_EQ(r.counters[metrics::kCacheMissCount], 1u);
  EXPECT_EQ(r.counters[metrics::kCacheHitCount], 2u);
  EXPECT_EQ(r.histograms[metrics::kIntegrationLatency].count(), 1u) << "hits never reach the integration";
}

TEST(StageMetrics, MetricsEnabledPublishesThePerMethodDimensions) {
  LoopbackStage gw;
  DeploymentDoc doc;
  mockMethod(doc, "/pets", "GET");
  ASSERT_TRUE(gw.deploy(doc));
  gw.get("/pets");
  metrics::StatisticsRequest q;
  q.ns = "AWS/ApiGateway";
  q.metricName = "Count";
  q.dimensions = {
      {"ApiName", "loopback"}, {"Stage", std::string(kStageName)}, {"Resource", "/pets"}, {"Method", "GET"}};
  q.start = gw.clock().now() - std::chrono::minutes(5);
  q.end = gw.clock().now() + std::chrono::minutes(5);
  gw.metrics().roll();
  EXPECT_TRUE(metrics::metricStatistics(gw.metrics(), q).datapoints.empty()) << "detailed metrics are off";
  q.dimensions.resize(2);
  EXPECT_EQ(metrics::metricStatistics(gw.metrics(), q).datapoints.at(0).sum, 1);

  ASSERT_TRUE(gw.deploy(doc, stageDoc({}, bj::object{{"*/*", bj::object{{"metricsEnabled", true}}}})));
  gw.get("/pets");
  gw.metrics().roll();
  q.dimensions = {
      {"ApiName", "loopback"}, {"Stage", std::string(kStageName)}, {"Resource", "/pets"}, {"Method", "GET"}};
  EXPECT_EQ(metrics::metricStatistics(gw.metrics(), q).datapoints.at(0).sum, 2);
}

TEST(StageMetrics, TheApiNameLosesItsNonAsciiCharacters) {
  gateway::StageSnapshot s;
  s.apiId = "abc123";
  s.apiName = "caf\xc3\xa9 API";
  EXPECT_EQ(gateway::metricApiName(s), "caf API");
  s.apiName = "\xc3\xa9\xc3\xa9";
  EXPECT_EQ(gateway::metricApiName(s), "abc123");
}

}  // namespace
}  // namespace portico::loopback
