// The declarative start: `portico serve --import api.yaml [--import other.json] [--stage dev]
// [--watch]`. Each document is imported through the same management operations the AWS CLI
// calls (import-rest-api, or put-rest-api in overwrite mode for the API it already made: matched
// by `x-portico-api-id`, else by `info.title`) and deployed to the stage; with --watch a changed
// file is imported and deployed again (polled every 200 ms). Lambda integrations naming functions
// that do not exist are warnings.
#pragma once
#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "control/route_table.h"

namespace portico::app {

struct ImportedDocument {
  std::string file;
  bool ok = false;
  std::string apiId, name, error;
  std::vector<std::string> warnings;
};

/// Imports and deploys one document to `stage`; never throws (failures are in the result).
ImportedDocument importAndDeploy(const control::RouteTable& routes, const std::filesystem::path& file,
                                 const std::string& stage);

/// What `serve` prints for one import: the invoke URL, or why not, and the warnings.
std::string describeImport(const ImportedDocument& d, const std::string& stage, const std::string& dataAddr);

/// --watch: re-imports a document whenever its size or modification time changes.
class ImportWatcher {
 public:
  ImportWatcher(const control::RouteTable& routes, std::vector<std::filesystem::path> files, std::string stage,
                std::string dataAddr);
  ~ImportWatcher();
  ImportWatcher(const ImportWatcher&) = delete;
  ImportWatcher& operator=(const ImportWatcher&) = delete;

 private:
  void run();

  const control::RouteTable& routes_;
  std::vector<std::filesystem::path> files_;
  std::string stage_, dataAddr_;
  std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> seen_;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
};

}  // namespace portico::app
