#include "function_urls/url_directory.h"

#include <boost/json/parse.hpp>

namespace portico::function_urls {

std::shared_ptr<const FunctionUrlDirectory::Snapshot> FunctionUrlDirectory::current() {
  const std::uint64_t generation = store_.generation(kFunctionUrlKind);
  auto snapshot = snapshot_.load(std::memory_order_acquire);
  if (snapshot && snapshot->generation == generation) return snapshot;
  std::lock_guard lock(rebuildMu_);
  snapshot = snapshot_.load(std::memory_order_acquire);
  if (snapshot && snapshot->generation == generation) return snapshot;
  auto next = std::make_shared<Snapshot>();
  next->generation = generation;  // (read before the list: a write during it moves it again)
  for (const auto& doc : store_.list(kFunctionUrlKind, "")) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(doc.body, ec);
    if (ec || !parsed.is_object()) continue;
    if (auto config = parseUrlConfig(doc.id, parsed.get_object())) {
      next->byId.emplace(doc.id, std::make_shared<const FunctionUrlConfig>(std::move(*config)));
    }
  }
  snapshot_.store(next, std::memory_order_release);
  return next;
}

std::shared_ptr<const FunctionUrlConfig> FunctionUrlDirectory::find(std::string_view urlId) {
  if (!isUrlId(urlId)) return nullptr;
  auto snapshot = current();
  auto it = snapshot->byId.find(std::string(urlId));
  return it == snapshot->byId.end() ? nullptr : it->second;
}

}  // namespace portico::function_urls
