// FunctionUrlDirectory: url id → configuration, for the data plane. Reads an immutable snapshot
// of every function URL; the snapshot is rebuilt (once, by whichever request notices) when the
// store's "function_url" documents have changed since it was made. Thread-safe.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "function_urls/url_config.h"
#include "store/store.h"

namespace portico::function_urls {

class FunctionUrlDirectory {
 public:
  explicit FunctionUrlDirectory(store::Store& store) : store_(store) {}

  /// The URL's configuration, or null when no function URL has this id.
  std::shared_ptr<const FunctionUrlConfig> find(std::string_view urlId);

 private:
  struct Snapshot {
    std::uint64_t generation = 0;
    std::unordered_map<std::string, std::shared_ptr<const FunctionUrlConfig>> byId;
  };
  std::shared_ptr<const Snapshot> current();

  store::Store& store_;
  std::mutex rebuildMu_;  // one rebuild at a time
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
};

}  // namespace portico::function_urls
