// The CloudWatch API's query-protocol calls over a registry: GetMetricStatistics' XML (statistics,
// percentiles, the Unit filter), GetMetricData's per-query results (ascending or descending,
// MaxDatapoints), ListMetrics, and AWS's errors for what it refuses (missing parameters, a period it
// does not take, a start after the end, too many datapoints, too many dimensions, expressions, an
// unknown action), each in the query protocol's XML error shape.
#include "control/cloudwatch/cloudwatch_api.h"

#include <gtest/gtest.h>

#include "http/error_responses.h"
#include "metrics/families.h"
#include "support/fixed_clock.h"

namespace portico::control::cloudwatch {
namespace {

namespace bhttp = boost::beast::http;
using std::chrono::minutes;

const std::chrono::system_clock::time_point kT0{minutes(29000000)};  // 2025-02-19T21:20:00Z

class CloudWatchApiTest : public ::testing::Test {
 protected:
  CloudWatchApiTest() { registerCloudWatchRoutes(targets_, {registry_, clock_}); }

  Result<AdminReply> call(const std::string& form) {
    body_ = form;
    return targets_(AdminCall{bhttp::verb::post, {}, {}, body_, &headers_});
  }
  std::string ok(const std::string& form) {
    auto r = call(form);
    EXPECT_TRUE(r) << (r ? "" : r.error().type + ": " + r.error().message);
    return r && r->rawBody ? *r->rawBody : "";
  }
  ApiError error(const std::string& form) {
    auto r = call(form);
    EXPECT_FALSE(r) << (r && r->rawBody ? *r->rawBody : "");
    return r ? ApiError{} : r.error();
  }
  static std::string window() {
    return "&StartTime=2025-02-19T00:00:00Z&EndTime=2025-02-20T00:00:00Z";  // kT0 is 2025-02-19T21:20:00Z
  }

  FixedClock clock_{kT0};
  metrics::MetricsRegistry registry_{clock_};
  TargetRouter targets_;
  bhttp::fields headers_;
  std::string body_;
};

constexpr const char* kCount =
    "Action=GetMetricStatistics&Version=2010-08-01&Namespace=AWS%2FApiGateway&MetricName=Count"
    "&Dimensions.member.1.Name=ApiName&Dimensions.member.1.Value=Pets&Period=60";

TEST_F(CloudWatchApiTest, GetMetricStatisticsAnswersInXml) {
  auto s = registry_.series(metrics::apiGatewayFamily(), {"a1", "Pets", "prod", "/pets", "GET"});
  s->add(metrics::kCount, 3);
  s->observe(metrics::kLatency, 4000);
  const std::string xml =
      ok(std::string(kCount) + window() + "&Statistics.member.1=Sum&Statistics.member.2=SampleCount");
  EXPECT_NE(xml.find("<GetMetricStatisticsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<member><Timestamp>2025-02-19T21:20:00Z</Timestamp><Sum>3</Sum><SampleCount>3</SampleCount>"
                     "<Unit>Count</Unit></member>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Label>Count</Label>"), std::string::npos);
  EXPECT_NE(xml.find("<ResponseMetadata><RequestId>"), std::string::npos);

  const std::string latency =
      "Action=GetMetricStatistics&Namespace=AWS%2FApiGateway&MetricName=Latency&Dimensions.member.1.Name=ApiName"
      "&Dimensions.member.1.Value=Pets&Period=300" +
      window();
  EXPECT_NE(ok(latency + "&Statistics.member.1=Maximum").find("<Maximum>4</Maximum><Unit>Milliseconds</Unit>"),
            std::string::npos);
  EXPECT_NE(ok(latency + "&ExtendedStatistics.member.1=p99")
                .find("<Unit>Milliseconds</Unit><ExtendedStatistics><entry><key>p99</key><value>4</value></entry>"
                      "</ExtendedStatistics>"),
            std::string::npos);
  EXPECT_EQ(error(latency + "&Statistics.member.1=Maximum&ExtendedStatistics.member.1=p99").message,
            "Must specify either Statistics or ExtendedStatistics, but not both.");
  EXPECT_EQ(ok(std::string(kCount) + window() + "&Statistics.member.1=Sum&Unit=Seconds").find("<member>"),
            std::string::npos)
      << "another unit: no datapoints";
}

TEST_F(CloudWatchApiTest, GetMetricDataAndListMetrics) {
  auto s = registry_.series(metrics::apiGatewayFamily(), {"a1", "Pets", "prod", "/pets", "GET"});
  s->add(metrics::kCount, 2);
  registry_.roll();
  clock_.set(kT0 + minutes(1));
  s->add(metrics::kCount, 5);
  const std::string query =
      "Action=GetMetricData&Version=2010-08-01" + window() +
      "&MetricDataQueries.member.1.Id=m1&MetricDataQueries.member.1.MetricStat.Metric.Namespace=AWS%2FApiGateway"
      "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Count"
      "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=ApiName"
      "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=Pets"
      "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Sum";
  std::string xml = ok(query);
  EXPECT_NE(xml.find("<member><Id>m1</Id><Label>Count</Label><Timestamps><member>2025-02-19T21:21:00Z</member>"
                     "<member>2025-02-19T21:20:00Z</member></Timestamps><Values><member>5</member><member>2</member>"
                     "</Values><StatusCode>Complete</StatusCode></member>"),
            std::string::npos)
      << "newest first by default: " << xml;
  xml = ok(query + "&ScanBy=TimestampAscending&MaxDatapoints=1");
  EXPECT_NE(xml.find("<Values><member>2</member></Values><StatusCode>PartialData</StatusCode>"), std::string::npos)
      << xml;
  xml = ok("Action=ListMetrics&Namespace=AWS%2FApiGateway&MetricName=Count");
  EXPECT_NE(xml.find("<member><Namespace>AWS/ApiGateway</Namespace><MetricName>Count</MetricName><Dimensions><member>"
                     "<Name>ApiName</Name><Value>Pets</Value></member></Dimensions></member>"),
            std::string::npos)
      << xml;
}

TEST_F(CloudWatchApiTest, RefusesWhatAwsRefuses) {
  auto e = error("Action=GetMetricStatistics&MetricName=Count&Period=60" + window() + "&Statistics.member.1=Sum");
  EXPECT_EQ(e.type, "MissingParameter");
  EXPECT_EQ(e.message, "The parameter Namespace is required.");
  EXPECT_EQ(e.shape, ErrorShape::kAwsQuery);
  e = error(std::string(kCount).replace(std::string(kCount).find("Period=60"), 9, "Period=7") + window() +
            "&Statistics.member.1=Sum");
  EXPECT_EQ(e.type, "InvalidParameterValue");
  EXPECT_EQ(e.message, "The parameter Period must be 1, 5, 10, 30, or a multiple of 60.");
  e = error(std::string(kCount) +
            "&StartTime=2025-02-20T00:00:00Z&EndTime=2025-02-19T00:00:00Z&Statistics.member.1=Sum");
  EXPECT_EQ(e.message, "The parameter StartTime must be less than the parameter EndTime.");
  e = error(std::string(kCount) + window());
  EXPECT_EQ(e.type, "InvalidParameterCombination");
  e = error(std::string(kCount) +
            "&StartTime=2025-02-17T00:00:00Z&EndTime=2025-02-19T00:00:00Z&Statistics.member.1=Sum");
  EXPECT_EQ(e.type, "InvalidParameterCombination");
  EXPECT_NE(e.message.find("You have requested up to 2,880 datapoints, which exceeds the limit of 1,440."),
            std::string::npos);
  e = error(std::string(kCount) + window() + "&Statistics.member.1=Median");
  EXPECT_EQ(e.type, "InvalidParameterValue");
  e = error(std::string(kCount) + window() + "&Statistics.member.1=Sum&StartTime=yesterday");
  EXPECT_EQ(e.type, "InvalidParameterValue");
  std::string many =
      "Action=GetMetricStatistics&Namespace=N&MetricName=M&Period=60" + window() + "&Statistics.member.1=Sum";
  for (int i = 1; i <= 31; ++i) {
    many += "&Dimensions.member." + std::to_string(i) + ".Name=d" + std::to_string(i) + "&Dimensions.member." +
            std::to_string(i) + ".Value=v";
  }
  EXPECT_EQ(error(many).message, "The collection Dimensions must not have a size greater than 30.");
  e = error("Action=GetMetricData" + window() +
            "&MetricDataQueries.member.1.Id=e1&MetricDataQueries.member.1.Expression=SUM(m1)");
  EXPECT_EQ(e.type, "InvalidParameterValue");
  e = error("Action=GetMetricData" + window() + "&MetricDataQueries.member.1.Id=Bad-Id");
  EXPECT_EQ(e.message, "The value Bad-Id for parameter MetricDataQueries.member.1.Id is not valid.");
  e = error(std::string(kCount).replace(std::string(kCount).find("Period=60"), 9, "Period=1") +
            "&StartTime=2025-02-19T00:00:00Z&EndTime=2025-02-19T02:00:00Z&Statistics.member.1=Sum");
  EXPECT_NE(e.message.find("up to 7,200 datapoints"), std::string::npos) << "counted at the period asked for";
  EXPECT_EQ(error("Action=ListMetrics&NextToken=zz").type, "InvalidNextToken");
  e = error(std::string(kCount) +
            "&StartTime=2025-02-19T00:00:00Z&EndTime=2300-01-01T00:00:00Z&Statistics.member.1=Sum");
  EXPECT_EQ(e.message, "The parameter EndTime must be a valid ISO 8601 timestamp.") << "beyond the clock's range";
  e = error("Action=PutMetricData&Namespace=N");
  EXPECT_EQ(e.type, "InvalidAction");

  auto res = http::errorResponse(e);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(res[bhttp::field::content_type], "text/xml");
  EXPECT_EQ(res.body(),
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The action PutMetricData is "
            "not valid for this web service.</Message></Error></ErrorResponse>");
}

}  // namespace
}  // namespace portico::control::cloudwatch
