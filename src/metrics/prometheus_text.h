// The Prometheus text exposition format (version 0.0.4) of what some collectables hold, written by
// prometheus-cpp's TextSerializer: what GET /metrics answers.
#pragma once
#include <prometheus/collectable.h>

#include <string>
#include <string_view>
#include <vector>

namespace portico::metrics {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string prometheusText(const std::vector<const prometheus::Collectable*>& sources);

}  // namespace portico::metrics
