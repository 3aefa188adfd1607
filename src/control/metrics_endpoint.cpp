#include "control/metrics_endpoint.h"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "http/error_responses.h"
#include "metrics/prometheus_text.h"

namespace portico::control {
namespace bhttp = boost::beast::http;

MetricsEndpoint::MetricsEndpoint(metrics::MetricsRegistry& registry)
    : registry_(registry), own_(std::make_shared<prometheus::Registry>()) {
  prometheus::BuildGauge()
      .Name("portico_build_info")
      .Help("Portico's version.")
      .Register(*own_)
      .Add({{"version", PORTICO_VERSION}})
      .Set(1);
  series_ = &prometheus::BuildGauge()
                 .Name("portico_metric_series")
                 .Help("Metric series Portico keeps (methods, function versions).")
                 .Register(*own_)
                 .Add({});
  dropped_ =
      &prometheus::BuildGauge()
           .Name("portico_metric_series_refused")
           .Help("Lookups of a new series refused because the bound on series was reached (nothing counted for them).")
           .Register(*own_)
           .Add({});
}

MetricsEndpoint::~MetricsEndpoint() = default;

http::Response MetricsEndpoint::answer(const http::Request& req) const {
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    http::Response res = http::errorResponse(405, "MethodNotAllowedException", "GET /metrics only");
    res.set(bhttp::field::allow, "GET, HEAD");
    return res;
  }
  series_->Set(static_cast<double>(registry_.size()));
  dropped_->Set(static_cast<double>(registry_.dropped()));
  http::Response res{bhttp::status::ok, 11};
  res.set(bhttp::field::content_type, metrics::kPrometheusContentType);
  res.body() = metrics::prometheusText({&registry_, own_.get()});
  res.prepare_payload();
  if (req.method() == bhttp::verb::head) res.body().clear();
  return res;
}

boost::asio::awaitable<http::Reply> MetricsHandler::handle(http::Request& req, const http::ConnectionInfo&) {
  std::string_view target = req.target();
  if (!MetricsEndpoint::owns(target.substr(0, target.find('?')))) {
    co_return http::errorResponse(404, "NotFoundException", "Only /metrics is served here");
  }
  co_return endpoint_.answer(req);
}

}  // namespace portico::control
