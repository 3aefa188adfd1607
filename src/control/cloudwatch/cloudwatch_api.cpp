#include "control/cloudwatch/cloudwatch_api.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>
#include <mutex>

#include "common/id_generator.h"
#include "common/iso_time.h"
#include "common/parse_number.h"
#include "common/uri_encoding.h"
#include "http/error_responses.h"
#include "metrics/statistics.h"

namespace portico::control::cloudwatch {
namespace {

using Form = std::map<std::string, std::string>;
using Dimensions = std::vector<std::pair<std::string, std::string>>;
constexpr std::string_view kXmlns = "http://monitoring.amazonaws.com/doc/2010-08-01/";
constexpr std::size_t kMaxDatapoints = 1440;  // GetMetricStatistics' limit per call
constexpr std::size_t kMaxQueries = 500;      // GetMetricData's MetricDataQueries
constexpr std::size_t kMaxDimensions = 30;
constexpr std::size_t kListPage = 500;                 // ListMetrics' page
constexpr std::int64_t kMaxMetricDataPoints = 100800;  // GetMetricData's MaxDatapoints default and bound

ApiError invalid(std::string message) {
  return ApiError{"InvalidParameterValue", 400, std::move(message), ErrorShape::kAwsQuery, {}};
}
ApiError combination(std::string message) {
  return ApiError{"InvalidParameterCombination", 400, std::move(message), ErrorShape::kAwsQuery, {}};
}
ApiError missing(std::string_view name) {
  return ApiError{
      "MissingParameter", 400, fmt::format("The parameter {} is required.", name), ErrorShape::kAwsQuery, {}};
}

std::optional<std::string> field(const Form& form, const std::string& name) {
  auto it = form.find(name);
  if (it == form.end()) return std::nullopt;
  return it->second;
}

/// prefix.member.1, prefix.member.2, ... while present (at most `bound` + 1 read, to refuse more).
std::vector<std::string> memberPrefixes(const Form& form, const std::string& prefix, std::size_t bound,
                                        std::string_view suffix = "") {
  std::vector<std::string> out;
  for (std::size_t i = 1; i <= bound + 1; ++i) {
    std::string p = fmt::format("{}.member.{}", prefix, i);
    if (!form.contains(p + std::string(suffix))) break;
    out.push_back(std::move(p));
  }
  return out;
}

Result<Dimensions> dimensionsOf(const Form& form, const std::string& prefix) {
  Dimensions out;
  auto members = memberPrefixes(form, prefix, kMaxDimensions, ".Name");
  if (members.size() > kMaxDimensions) {
    return invalid(fmt::format("The collection {} must not have a size greater than {}.", prefix, kMaxDimensions));
  }
  for (const auto& m : members) {
    std::string name = form.at(m + ".Name");
    auto value = field(form, m + ".Value");
    if (!value) return missing(m + ".Value");
    if (name.empty() || name.size() > 255 || value->empty() || value->size() > 1024) {
      return invalid(fmt::format("The parameter {} is not a valid dimension.", m));
    }
    out.emplace_back(std::move(name), std::move(*value));
  }
  return out;
}

Result<std::chrono::system_clock::time_point> timeOf(const Form& form, std::string_view name) {
  auto text = field(form, std::string(name));
  if (!text) return missing(name);
  auto t = parseIsoTime(*text);
  if (!t) {
    // The CLI sends ISO 8601; SDKs may send seconds since the epoch.
    if (auto secs = parseNumber<std::int64_t>(*text); secs && *secs >= 0 && *secs < 7258118400) {  // before 2200
      return std::chrono::system_clock::time_point(std::chrono::seconds(*secs));
    }
    return invalid(fmt::format("The parameter {} must be a valid ISO 8601 timestamp.", name));
  }
  return *t;
}

/// The period asked for (the datapoint bound counts with it; the statistics are computed per
/// minute at least: Portico's metrics are standard resolution).
Result<std::chrono::seconds> periodOf(const std::string& text, std::string_view name) {
  auto period = parseNumber<std::int64_t>(text);
  if (!period || *period < 1 || *period > std::numeric_limits<std::int32_t>::max()) {
    return invalid(fmt::format("The parameter {} must be greater than 0.", name));
  }
  if (*period != 1 && *period != 5 && *period != 10 && *period != 30 && *period % 60 != 0) {
    return invalid(fmt::format("The parameter {} must be 1, 5, 10, 30, or a multiple of 60.", name));
  }
  return std::chrono::seconds(*period);
}

std::chrono::seconds atLeastAMinute(std::chrono::seconds period) {
  return std::max(period, std::chrono::seconds(60));
}

/// 2880 → "2,880", as AWS words counts in its messages.
std::string withThousands(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string timestamp(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm));
}

std::string number(double v) {
  return fmt::format("{}", v);
}

/// A percentile statistic ("p99", "p99.9"), its percent.
std::optional<double> percentileOf(const std::string& stat) {
  static const re2::RE2 kPattern(R"(p(\d{1,2}(\.\d{1,10})?|100(\.0{1,10})?))");
  if (!re2::RE2::FullMatch(stat, kPattern)) return std::nullopt;
  return std::stod(stat.substr(1));
}

bool isStatistic(const std::string& s) {
  return s == "SampleCount" || s == "Average" || s == "Sum" || s == "Minimum" || s == "Maximum";
}

double statistic(const metrics::Datapoint& dp, const std::string& stat) {
  if (stat == "SampleCount") return dp.sampleCount;
  if (stat == "Average") return dp.average();
  if (stat == "Sum") return dp.sum;
  if (stat == "Minimum") return dp.minimum;
  if (stat == "Maximum") return dp.maximum;
  return dp.percentile(*percentileOf(stat));
}

/// What every metric read names: the namespace, metric and dimensions, each bounded.
Status checkMetric(const std::string& ns, const std::string& metricName, std::string_view where) {
  if (ns.empty() || ns.size() > 255)
    return invalid(fmt::format("The parameter {}Namespace must be 1 to 255 characters.", where));
  if (metricName.empty() || metricName.size() > 255) {
    return invalid(fmt::format("The parameter {}MetricName must be 1 to 255 characters.", where));
  }
  return Ok{};
}

struct State {
  explicit State(CloudWatchContext c) : ctx(c) {}
  CloudWatchContext ctx;
  std::mutex mu;  // guards ids
  IdGenerator ids;
  std::string requestId() {
    std::lock_guard lock(mu);
    return ids.uuid();
  }
};

AdminReply xmlReply(State& state, std::string_view action, const std::string& result) {
  AdminReply reply;
  reply.contentType = "text/xml";
  reply.rawBody = fmt::format(
      "<{0}Response xmlns=\"{1}\"><{0}Result>{2}</{0}Result><ResponseMetadata><RequestId>{3}</RequestId>"
      "</ResponseMetadata></{0}Response>",
      action, kXmlns, result, state.requestId());
  return reply;
}

Result<AdminReply> getMetricStatistics(State& state, const Form& form) {
  auto ns = field(form, "Namespace");
  if (!ns) return missing("Namespace");
  auto metricName = field(form, "MetricName");
  if (!metricName) return missing("MetricName");
  if (auto st = checkMetric(*ns, *metricName, ""); !st) return st.takeError();
  auto start = timeOf(form, "StartTime");
  if (!start) return start.takeError();
  auto end = timeOf(form, "EndTime");
  if (!end) return end.takeError();
  auto periodText = field(form, "Period");
  if (!periodText) return missing("Period");
  auto period = periodOf(*periodText, "Period");
  if (!period) return period.takeError();
  auto dims = dimensionsOf(form, "Dimensions");
  if (!dims) return dims.takeError();
  std::vector<std::string> stats, extended;
  for (const auto& m : memberPrefixes(form, "Statistics", 5)) stats.push_back(form.at(m));
  for (const auto& m : memberPrefixes(form, "ExtendedStatistics", 10)) extended.push_back(form.at(m));
  if (stats.empty() == extended.empty()) {
    return combination("Must specify either Statistics or ExtendedStatistics, but not both.");
  }
  if (stats.size() > 5) return invalid("The collection Statistics must not have a size greater than 5.");
  if (extended.size() > 10) return invalid("The collection ExtendedStatistics must not have a size greater than 10.");
  for (std::size_t i = 0; i < stats.size(); ++i) {
    if (!isStatistic(stats[i])) {
      return invalid(
          fmt::format("The parameter Statistics.member.{} must be a value in the set [ Maximum, Sum, "
                      "SampleCount, Average, Minimum ].",
                      i + 1));
    }
  }
  for (const auto& e : extended) {
    if (!percentileOf(e))
      return invalid(fmt::format("The value {} for parameter ExtendedStatistics is not supported.", e.substr(0, 64)));
  }
  if (*start >= *end) return invalid("The parameter StartTime must be less than the parameter EndTime.");
  const auto span = std::chrono::duration_cast<std::chrono::seconds>(*end - *start).count();
  const std::int64_t points = span / period->count() + (span % period->count() != 0 ? 1 : 0);
  if (points > static_cast<std::int64_t>(kMaxDatapoints)) {
    return combination(
        fmt::format("You have requested up to {} datapoints, which exceeds the limit of 1,440. You may "
                    "reduce the datapoints requested by increasing Period, or decreasing the time range.",
                    withThousands(points)));
  }
  metrics::StatisticsRequest request{*ns, *metricName, std::move(*dims), *start, *end, atLeastAMinute(*period)};
  auto result = metrics::metricStatistics(state.ctx.registry, request);
  const auto unit = field(form, "Unit");
  if (unit && !result.unit.empty() && *unit != result.unit) result.datapoints.clear();  // other units: none

  std::string xml = "<Datapoints>";
  for (const auto& dp : result.datapoints) {
    xml += "<member><Timestamp>" + timestamp(dp.timestamp) + "</Timestamp>";
    for (const auto& s : stats) xml += fmt::format("<{0}>{1}</{0}>", s, number(statistic(dp, s)));
    xml += "<Unit>" + http::xmlEscape(result.unit.empty() ? "None" : result.unit) + "</Unit>";
    if (!extended.empty()) {
      xml += "<ExtendedStatistics>";
      for (const auto& e : extended) {
        xml += "<entry><key>" + e + "</key><value>" + number(statistic(dp, e)) + "</value></entry>";
      }
      xml += "</ExtendedStatistics>";
    }
    xml += "</member>";
  }
  xml += "</Datapoints><Label>" + http::xmlEscape(*metricName) + "</Label>";
  return xmlReply(state, "GetMetricStatistics", xml);
}

struct DataQuery {
  std::string id, label;
  metrics::StatisticsRequest request;
  std::string stat;
  std::optional<std::string> unit;
  bool returnData = true;
};

Result<AdminReply> getMetricData(State& state, const Form& form) {
  auto start = timeOf(form, "StartTime");
  if (!start) return start.takeError();
  auto end = timeOf(form, "EndTime");
  if (!end) return end.takeError();
  if (*start >= *end) return invalid("The parameter StartTime must be less than the parameter EndTime.");
  auto members = memberPrefixes(form, "MetricDataQueries", kMaxQueries, ".Id");
  if (members.empty()) return missing("MetricDataQueries");
  if (members.size() > kMaxQueries) {
    return invalid("The collection MetricDataQueries must not have a size greater than 500.");
  }
  std::int64_t maxPoints = kMaxMetricDataPoints;
  if (auto text = field(form, "MaxDatapoints")) {
    auto n = parseNumber<std::int64_t>(*text);
    if (!n || *n < 1) return invalid("The parameter MaxDatapoints must be greater than 0.");
    maxPoints = std::min(*n, kMaxMetricDataPoints);
  }
  const bool ascending = field(form, "ScanBy").value_or("TimestampDescending") == "TimestampAscending";
  static const re2::RE2 kId("[a-z][a-zA-Z0-9_]{0,254}");
  std::vector<DataQuery> queries;
  for (const auto& m : members) {
    DataQuery q;
    q.id = form.at(m + ".Id");
    if (!re2::RE2::FullMatch(q.id, kId)) {
      return invalid(fmt::format("The value {} for parameter {}.Id is not valid.", q.id.substr(0, 255), m));
    }
    if (form.contains(m + ".Expression")) {
      return invalid(
          fmt::format("The parameter {}.Expression is not supported: Portico answers MetricStat queries only.", m));
    }
    const std::string stat = m + ".MetricStat";
    auto ns = field(form, stat + ".Metric.Namespace");
    auto name = field(form, stat + ".Metric.MetricName");
    if (!ns || !name) return missing(stat + ".Metric");
    if (auto st = checkMetric(*ns, *name, stat + ".Metric."); !st) return st.takeError();
    auto dims = dimensionsOf(form, stat + ".Metric.Dimensions");
    if (!dims) return dims.takeError();
    auto periodText = field(form, stat + ".Period");
    if (!periodText) return missing(stat + ".Period");
    auto period = periodOf(*periodText, stat + ".Period");
    if (!period) return period.takeError();
    q.stat = field(form, stat + ".Stat").value_or("");
    if (!isStatistic(q.stat) && !percentileOf(q.stat)) {
      return invalid(fmt::format("The value {} for parameter {}.Stat is not supported.", q.stat.substr(0, 64), stat));
    }
    q.unit = field(form, stat + ".Unit");
    q.label = field(form, m + ".Label").value_or(*name);
    q.returnData = field(form, m + ".ReturnData").value_or("true") != "false";
    q.request = metrics::StatisticsRequest{*ns, *name, std::move(*dims), *start, *end, atLeastAMinute(*period)};
    queries.push_back(std::move(q));
  }
  std::string xml = "<MetricDataResults>";
  std::int64_t budget = maxPoints;
  for (const auto& q : queries) {
    if (!q.returnData) continue;
    auto result = metrics::metricStatistics(state.ctx.registry, q.request);
    if (q.unit && !result.unit.empty() && *q.unit != result.unit) result.datapoints.clear();
    if (!ascending) std::reverse(result.datapoints.begin(), result.datapoints.end());
    std::string stamps, values;
    bool partial = false;
    for (const auto& dp : result.datapoints) {
      if (budget <= 0) {
        partial = true;
        break;
      }
      --budget;
      stamps += "<member>" + timestamp(dp.timestamp) + "</member>";
      values += "<member>" + number(statistic(dp, q.stat)) + "</member>";
    }
    xml += "<member><Id>" + q.id + "</Id><Label>" + http::xmlEscape(q.label) + "</Label><Timestamps>" + stamps +
           "</Timestamps><Values>" + values + "</Values><StatusCode>" + (partial ? "PartialData" : "Complete") +
           "</StatusCode></member>";
  }
  xml += "</MetricDataResults><Messages></Messages>";
  return xmlReply(state, "GetMetricData", xml);
}

Result<AdminReply> listMetrics(State& state, const Form& form) {
  auto ns = field(form, "Namespace");
  auto name = field(form, "MetricName");
  Dimensions filters;
  auto members = memberPrefixes(form, "Dimensions", 10, ".Name");
  if (members.size() > 10) return invalid("The collection Dimensions must not have a size greater than 10.");
  for (const auto& m : members) filters.emplace_back(form.at(m + ".Name"), field(form, m + ".Value").value_or(""));
  std::size_t skip = 0;  // NextToken: how many matching metrics earlier pages gave
  if (auto token = field(form, "NextToken")) {
    auto n = parseNumber<std::size_t>(*token);
    if (!n) {
      return ApiError{
          "InvalidNextToken", 400, "The service couldn't process the NextToken.", ErrorShape::kAwsQuery, {}};
    }
    skip = *n;
  }
  std::string xml = "<Metrics>";
  std::size_t matched = 0, shown = 0;
  bool more = false;
  for (const auto& metric : metrics::listMetrics(state.ctx.registry)) {
    if (ns && metric.ns != *ns) continue;
    if (name && metric.metricName != *name) continue;
    bool keep = true;
    for (const auto& [fname, fvalue] : filters) {
      keep = keep && std::any_of(metric.dimensions.begin(), metric.dimensions.end(), [&](const auto& d) {
               return d.first == fname && (fvalue.empty() || d.second == fvalue);
             });
    }
    if (!keep || matched++ < skip) continue;
    if (shown == kListPage) {
      more = true;
      break;
    }
    ++shown;
    xml += "<member><Namespace>" + http::xmlEscape(metric.ns) + "</Namespace><MetricName>" +
           http::xmlEscape(metric.metricName) + "</MetricName><Dimensions>";
    for (const auto& [dname, dvalue] : metric.dimensions) {
      xml +=
          "<member><Name>" + http::xmlEscape(dname) + "</Name><Value>" + http::xmlEscape(dvalue) + "</Value></member>";
    }
    xml += "</Dimensions></member>";
  }
  xml += "</Metrics>";
  if (more) xml += "<NextToken>" + std::to_string(skip + shown) + "</NextToken>";
  return xmlReply(state, "ListMetrics", xml);
}

}  // namespace

void registerCloudWatchRoutes(TargetRouter& targets, CloudWatchContext ctx) {
  auto state = std::make_shared<State>(ctx);
  targets.setQueryProtocol([state](const AdminCall& call) -> Result<AdminReply> {
    Form form;
    for (auto& [k, v] : parseQuery(call.body)) form.insert_or_assign(std::move(k), std::move(v));
    const std::string action = form.contains("Action") ? form.at("Action") : "";
    state->ctx.registry.roll();  // once per call: what was counted until now, in its minute
    if (action == "GetMetricStatistics") return getMetricStatistics(*state, form);
    if (action == "GetMetricData") return getMetricData(*state, form);
    if (action == "ListMetrics") return listMetrics(*state, form);
    return ApiError{"InvalidAction",
                    400,
                    fmt::format("The action {} is not valid for this web service.", action.substr(0, 100)),
                    ErrorShape::kAwsQuery,
                    {}};
  });
}

}  // namespace portico::control::cloudwatch
