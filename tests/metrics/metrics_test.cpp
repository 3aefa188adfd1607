// The metrics library: sharded series (many threads count exactly), the registry's minute points
// (24 h bound, forgotten series, its series bound), the Prometheus text exposition, and
// CloudWatch's statistics (dimension sets, detailed-only sets, periods, percentiles).
#include <gtest/gtest.h>

#include <thread>

#include "metrics/families.h"
#include "metrics/metrics_registry.h"
#include "metrics/prometheus_text.h"
#include "metrics/statistics.h"
#include "support/fixed_clock.h"

namespace portico::metrics {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point kT0 = system_clock::time_point(minutes(29000000));  // a whole minute

std::vector<std::string> method(std::string stage, std::string resource = "/pets", std::string verb = "GET") {
  return {"a1", "Pets", std::move(stage), std::move(resource), std::move(verb)};
}

TEST(MetricSeries, CountsFromManyThreadsExactly) {
  MetricSeries s(apiGatewayFamily(), method("prod"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&s] {
      for (int i = 0; i < 10000; ++i) {
        s.add(kCount);
        s.observe(kLatency, 1500);
      }
    });
  }
  for (auto& t : threads) t.join();
  auto r = s.read();
  EXPECT_EQ(r.counters[kCount], 120000u);
  EXPECT_EQ(r.histograms[kLatency].count(), 120000u);
  EXPECT_EQ(r.histograms[kLatency].sum, 120000u * 1500u);
  EXPECT_EQ(r.histograms[kLatency].buckets[2], 120000u) << "1.5 ms falls in the (1, 2.5] ms bucket";
}

TEST(MetricSeries, ExtremesStartOverAtEachTake) {
  MetricSeries s(apiGatewayFamily(), method("prod"));
  s.observe(kLatency, 700);
  s.observe(kLatency, 90000);
  auto e = s.takeExtremes();
  EXPECT_EQ(e[kLatency].min, 700u);
  EXPECT_EQ(e[kLatency].max, 90000u);
  EXPECT_GT(e[kIntegrationLatency].min, e[kIntegrationLatency].max) << "nothing seen";
  s.observe(kLatency, 5000);
  e = s.takeExtremes();
  EXPECT_EQ(e[kLatency].min, 5000u);
  EXPECT_EQ(e[kLatency].max, 5000u);
}

TEST(MetricsRegistry, SameLabelsSameSeriesAndTheBoundHolds) {
  FixedClock clock(kT0);
  MetricsRegistry registry(clock, 2);
  auto a = registry.series(apiGatewayFamily(), method("prod"));
  EXPECT_EQ(a, registry.series(apiGatewayFamily(), method("prod")));
  auto b = registry.series(apiGatewayFamily(), method("beta"));
  ASSERT_TRUE(b);
  EXPECT_EQ(registry.series(apiGatewayFamily(), method("gamma")), nullptr) << "beyond maxSeries";
  EXPECT_EQ(registry.dropped(), 1u);
}

TEST(MetricsRegistry, MinutePointsLastADayAndUnheldSeriesAreForgotten) {
  FixedClock clock(kT0);
  MetricsRegistry registry(clock);
  auto s = registry.series(apiGatewayFamily(), method("prod"));
  s->add(kCount, 3);
  registry.roll();
  clock.set(kT0 + seconds(30));
  s->add(kCount, 2);
  registry.roll();  // the same minute: merged
  clock.set(kT0 + minutes(1));
  s->add(kCount, 1);
  std::vector<std::pair<std::int64_t, std::uint64_t>> seen;
  auto collect = [&] {
    registry.roll();
    seen.clear();
    registry.visit(apiGatewayFamily(), [&](const MetricSeries&, const std::deque<MinutePoint>& points) {
      for (const auto& p : points) seen.emplace_back(p.minute, p.counters[kCount]);
    });
  };
  collect();
  const std::int64_t m0 = 29000000;
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(m0, std::uint64_t{5}));
  EXPECT_EQ(seen[1], std::make_pair(m0 + 1, std::uint64_t{1}));

  clock.set(kT0 + minutes(24 * 60));
  collect();
  ASSERT_EQ(seen.size(), 1u) << "the first minute is over 24 h old";
  EXPECT_EQ(seen[0].first, m0 + 1);
  s.reset();
  clock.set(kT0 + minutes(24 * 60 + 2));
  registry.roll();
  EXPECT_EQ(registry.size(), 0u) << "nobody holds it and it has no points left";
}

TEST(PrometheusText, CountersAndHistogramsWithTheirLabels) {
  FixedClock clock(kT0);
  MetricsRegistry registry(clock);
  auto s = registry.series(apiGatewayFamily(), method("prod"));
  s->add(kCount, 3);
  s->add(k4xxError);
  s->observe(kLatency, 2000);
  registry.addGauges([](std::vector<prometheus::MetricFamily>& out) {
    prometheus::MetricFamily f{"portico_test_gauge", "A gauge.", prometheus::MetricType::Gauge, {}};
    prometheus::ClientMetric m;
    m.gauge.value = 7;
    f.metric.push_back(m);
    out.push_back(f);
  });
  const std::string text = prometheusText({&registry});
  EXPECT_NE(text.find("# TYPE portico_apigateway_requests_total counter"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          R"(portico_apigateway_requests_total{api_id="a1",api_name="Pets",stage="prod",resource="/pets",method="GET"} 3)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(portico_apigateway_4xx_errors_total{api_id="a1",api_name="Pets",stage="prod",resource="/pets",method="GET"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          R"(portico_apigateway_latency_milliseconds_bucket{api_id="a1",api_name="Pets",stage="prod",resource="/pets",method="GET",le="2.5"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(portico_apigateway_latency_milliseconds_sum{api_id="a1",api_name="Pets",stage="prod",resource="/pets",method="GET"} 2)"),
      std::string::npos);
  EXPECT_NE(text.find("portico_test_gauge 7"), std::string::npos);
}

StatisticsRequest request(std::string metric, std::vector<std::pair<std::string, std::string>> dims) {
  StatisticsRequest r;
  r.ns = "AWS/ApiGateway";
  r.metricName = std::move(metric);
  r.dimensions = std::move(dims);
  r.start = kT0 - minutes(10);
  r.end = kT0 + minutes(10);
  r.period = seconds(60);
  return r;
}

TEST(Statistics, CountAndErrorRatesPerDimensionSet) {
  FixedClock clock(kT0);
  MetricsRegistry registry(clock);
  auto prod = registry.series(apiGatewayFamily(), method("prod"));
  auto beta = registry.series(apiGatewayFamily(), method("beta", "/pets/{id}"));
  prod->add(kCount, 4);
  prod->add(k4xxError, 1);
  beta->add(kCount, 6);
  registry.roll();

  auto all = metricStatistics(registry, request("Count", {{"ApiName", "Pets"}}));
  EXPECT_EQ(all.unit, "Count");
  ASSERT_EQ(all.datapoints.size(), 1u);
  EXPECT_EQ(all.datapoints[0].sampleCount, 10);
  EXPECT_EQ(all.datapoints[0].sum, 10);
  EXPECT_EQ(all.datapoints[0].timestamp, kT0);

  auto stage = metricStatistics(registry, request("4XXError", {{"Stage", "prod"}, {"ApiName", "Pets"}}));
  ASSERT_EQ(stage.datapoints.size(), 1u);
  EXPECT_EQ(stage.datapoints[0].sum, 1);
  EXPECT_EQ(stage.datapoints[0].sampleCount, 4) << "every request is a sample";
  EXPECT_DOUBLE_EQ(stage.datapoints[0].average(), 0.25);
  EXPECT_EQ(stage.datapoints[0].maximum, 1);
  EXPECT_EQ(stage.datapoints[0].minimum, 0);

  EXPECT_TRUE(metricStatistics(registry, request("Count", {{"Stage", "prod"}})).datapoints.empty())
      << "Stage alone is not a combination API Gateway publishes";
  EXPECT_TRUE(metricStatistics(registry, request("Count", {{"ApiName", "Other"}})).datapoints.empty());
  EXPECT_TRUE(metricStatistics(registry, request("NoSuchMetric", {{"ApiName", "Pets"}})).unit.empty());

  std::vector<std::pair<std::string, std::string>> perMethod{
      {"ApiName", "Pets"}, {"Stage", "prod"}, {"Resource", "/pets"}, {"Method", "GET"}};
  prod->setDetailed(false);
  EXPECT_TRUE(metricStatistics(registry, request("Count", perMethod)).datapoints.empty())
      << "per-method metrics need detailed metrics on";
  prod->setDetailed(true);
  auto one = metricStatistics(registry, request("Count", perMethod));
  ASSERT_EQ(one.datapoints.size(), 1u);
  EXPECT_EQ(one.datapoints[0].sum, 4);
}

TEST(Statistics, LatencyPerPeriodWithPercentiles) {
  FixedClock clock(kT0);
  MetricsRegistry registry(clock);
  auto s = registry.series(apiGatewayFamily(), method("prod"));
  for (int i = 1; i <= 100; ++i) s->observe(kLatency, static_cast<std::uint64_t>(i) * 1000);  // 1..100 ms
  registry.roll();
  clock.set(kT0 + minutes(3));
  s->observe(kLatency, 400000);
  registry.roll();

  auto r = request("Latency", {{"ApiName", "Pets"}});
  r.start = kT0;
  r.period = seconds(120);
  auto stats = metricStatistics(registry, r);
  EXPECT_EQ(stats.unit, "Milliseconds");
  ASSERT_EQ(stats.datapoints.size(), 2u);
  const auto& first = stats.datapoints[0];
  EXPECT_EQ(first.sampleCount, 100);
  EXPECT_DOUBLE_EQ(first.sum, 5050);
  EXPECT_DOUBLE_EQ(first.minimum, 1);
  EXPECT_DOUBLE_EQ(first.maximum, 100);
  EXPECT_DOUBLE_EQ(first.average(), 50.5);
  EXPECT_NEAR(first.percentile(50), 50, 5);
  EXPECT_NEAR(first.percentile(99), 99, 2);
  EXPECT_EQ(stats.datapoints[1].timestamp, kT0 + minutes(2));
  EXPECT_DOUBLE_EQ(stats.datapoints[1].maximum, 400);
  EXPECT_DOUBLE_EQ(stats.datapoints[1].percentile(90), 400);

  r.end = kT0 + minutes(1);
  EXPECT_EQ(metricStatistics(registry, r).datapoints.size(), 1u) << "the end is exclusive";
}

TEST(Statistics, ExtremesLostToARollAreBoundedByTheBuckets) {
  FixedClock clock(kT0);
  MetricsRegistry registry(clock);
  auto s = registry.series(apiGatewayFamily(), method("prod"));
  s->observe(kLatency, 3000);  // in the (2.5, 5] ms bucket
  s->takeExtremes();           // as a roll between the bucket and the extremes would
  registry.roll();
  auto stats = metricStatistics(registry, request("Latency", {{"ApiName", "Pets"}}));
  ASSERT_EQ(stats.datapoints.size(), 1u);
  EXPECT_DOUBLE_EQ(stats.datapoints[0].minimum, 2.5);
  EXPECT_DOUBLE_EQ(stats.datapoints[0].maximum, 5);
}

TEST(Statistics, LambdaDimensionSetsSkipUnqualifiedResources) {
  FixedClock clock(kT0);
  MetricsRegistry registry(clock);
  auto unqualified = registry.series(lambdaFamily(), {"fn", "", "$LATEST"});
  auto alias = registry.series(lambdaFamily(), {"fn", "fn:live", "3"});
  unqualified->add(kInvocations, 2);
  alias->add(kInvocations, 5);
  alias->add(kErrors, 1);
  registry.roll();
  StatisticsRequest r = request("Invocations", {{"FunctionName", "fn"}});
  r.ns = "AWS/Lambda";
  auto byName = metricStatistics(registry, r);
  ASSERT_EQ(byName.datapoints.size(), 1u);
  EXPECT_EQ(byName.datapoints[0].sum, 7);
  r.dimensions = {{"FunctionName", "fn"}, {"Resource", "fn:live"}};
  auto byAlias = metricStatistics(registry, r);
  ASSERT_EQ(byAlias.datapoints.size(), 1u);
  EXPECT_EQ(byAlias.datapoints[0].sum, 5);
  r.dimensions = {};
  EXPECT_EQ(metricStatistics(registry, r).datapoints.at(0).sum, 7) << "the account-wide metric";
  auto listed = listMetrics(registry);
  bool sawAlias = false;
  for (const auto& m : listed) {
    if (m.metricName == "Invocations" && m.dimensions.size() == 2 && m.dimensions[1].second == "fn:live")
      sawAlias = true;
    EXPECT_FALSE(m.dimensions.size() >= 2 && m.dimensions[1].second.empty());
  }
  EXPECT_TRUE(sawAlias);
}

}  // namespace
}  // namespace portico::metrics
