// GET /metrics: the Prometheus text exposition of every series the registry holds, with the
// gauges read at scrape time and Portico's own (build info, series kept and refused) from a
// prometheus-cpp registry. Unsigned, as Prometheus scrapes: on the management listener, or
// alone on `--metrics-listen` (MetricsHandler) to put it elsewhere.
#pragma once
#include <memory>
#include <string_view>

#include "http/handler.h"
#include "metrics/metrics_registry.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
}  // namespace prometheus

namespace portico::control {

class MetricsEndpoint {
 public:
  /// `registry` is borrowed.
  explicit MetricsEndpoint(metrics::MetricsRegistry& registry);
  ~MetricsEndpoint();

  static bool owns(std::string_view path) { return path == "/metrics"; }
  /// GET (or HEAD): 200 with the exposition; another method: 405.
  http::Response answer(const http::Request& req) const;

 private:
  metrics::MetricsRegistry& registry_;
  std::shared_ptr<prometheus::Registry> own_;
  prometheus::Gauge* series_ = nullptr;   // series kept
  prometheus::Gauge* dropped_ = nullptr;  // series refused over the bound
};

/// A listener of its own that answers /metrics and nothing else (404).
class MetricsHandler final : public http::Handler {
 public:
  explicit MetricsHandler(const MetricsEndpoint& endpoint) : endpoint_(endpoint) {}
  boost::asio::awaitable<http::Reply> handle(http::Request& req, const http::ConnectionInfo& conn) override;

 private:
  const MetricsEndpoint& endpoint_;
};

}  // namespace portico::control
