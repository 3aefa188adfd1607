#include "control/route_table.h"

#include <boost/json.hpp>

#include "common/json_util.h"

namespace portico::control {

std::optional<std::string> AdminCall::queryParam(std::string_view name) const {
  for (auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string AdminCall::header(std::string_view name) const {
  if (!headers) return {};
  auto it = headers->find(name);
  return it == headers->end() ? std::string() : std::string(it->value());
}

Result<boost::json::object> AdminCall::json() const {
  std::string_view text = body;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  if (text.empty()) return boost::json::object();
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return ApiError::badRequest("Could not parse request body into json: " + ec.message());
  if (!v.is_object()) return ApiError::badRequest("Could not parse request body into json: expected an object");
  return std::move(v.get_object());
}

void RouteTable::addAsync(boost::beast::http::verb method, std::string_view pattern, AsyncAdminOperation op) {
  add(method, pattern, AdminOperation());
  routes_.back().asyncOp = std::move(op);
}

void RouteTable::add(boost::beast::http::verb method, std::string_view pattern, AdminOperation op) {
  Route r{method, {}, std::move(op), {}};
  std::size_t start = 0;
  while (start <= pattern.size()) {
    std::size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    if (end > start) r.parts.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  routes_.push_back(std::move(r));
}

std::optional<RouteTable::Match> RouteTable::match(boost::beast::http::verb method,
                                                   const std::vector<std::string>& segments) const {
  std::optional<Match> shapeOnly;
  for (const auto& r : routes_) {
    if (r.parts.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      if (r.parts[i] == "{}") {
        params.push_back(segments[i]);
      } else {
        ok = r.parts[i] == segments[i];
      }
    }
    if (!ok) continue;
    if (r.method == method) {
      if (r.asyncOp) return Match{nullptr, &r.asyncOp, std::move(params)};
      return Match{&r.op, nullptr, std::move(params)};
    }
    if (!shapeOnly) shapeOnly = Match{nullptr, nullptr, std::move(params)};
  }
  return shapeOnly;
}

}  // namespace portico::control
