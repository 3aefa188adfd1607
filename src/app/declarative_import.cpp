#include "app/declarative_import.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/operation_call.h"
#include "common/json_util.h"
#include "openapi/document.h"

namespace portico::app {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

/// The API this document was imported as before: its x-portico-api-id, else the one with its title.
std::string existingApi(const control::RouteTable& routes, const bj::object& doc) {
  auto list = callOperation(routes, verb::get, {"restapis"}, {{"limit", "500"}}, "");
  if (!list) return "";
  const auto* items = list->if_contains("item");
  if (!items || !items->is_array()) return "";
  const std::string wanted = json::strOr(doc, "x-portico-api-id", "");
  const auto* info = json::obj(doc, "info");
  const std::string title = info ? json::strOr(*info, "title", "") : "";
  for (const auto& api : items->get_array()) {
    if (!api.is_object()) continue;
    const std::string id = json::strOr(api.get_object(), "id", "");
    if (!wanted.empty() ? id == wanted : json::strOr(api.get_object(), "name", "") == title) return id;
  }
  return "";
}

/// Lambda integrations whose function does not exist (yet).
void checkFunctions(const control::RouteTable& routes, const std::string& apiId, std::vector<std::string>& warnings) {
  auto resources =
      callOperation(routes, verb::get, {"restapis", apiId, "resources"}, {{"embed", "methods"}, {"limit", "500"}}, "");
  if (!resources) return;
  const auto* items = resources->if_contains("item");
  if (!items || !items->is_array()) return;
  for (const auto& r : items->get_array()) {
    const auto* methods = r.is_object() ? json::obj(r.get_object(), "resourceMethods") : nullptr;
    if (!methods) continue;
    for (const auto& [verbName, m] : *methods) {
      const auto* integration = m.is_object() ? json::obj(m.get_object(), "methodIntegration") : nullptr;
      const std::string uri = integration ? json::strOr(*integration, "uri", "") : "";
      auto at = uri.find(":function:");
      if (at == std::string::npos) continue;
      std::string name = uri.substr(at + 10);
      name = name.substr(0, name.find_first_of("/:"));
      if (!callOperation(routes, verb::get, {"2015-03-31", "functions", name}, {}, "")) {
        warnings.push_back(std::string(verbName) + " " + json::strOr(r.get_object(), "path", "") +
                           ": the Lambda function " + name + " does not exist (yet)");
      }
    }
  }
}

}  // namespace

ImportedDocument importAndDeploy(const control::RouteTable& routes, const std::filesystem::path& file,
                                 const std::string& stage) {
  ImportedDocument out;
  out.file = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    out.error = "cannot read " + out.file;
    return out;
  }
  std::string text(openapi::kMaxDocumentBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  auto doc = openapi::parseDocument(text);
  if (!doc || !doc->is_object()) {
    out.error = doc ? "not an OpenAPI document" : doc.error().message;
    return out;
  }
  const std::string existing = existingApi(routes, doc->get_object());
  auto imported = existing.empty()
                      ? callOperation(routes, verb::post, {"restapis"}, {{"mode", "import"}}, text)
                      : callOperation(routes, verb::put, {"restapis", existing}, {{"mode", "overwrite"}}, text);
  if (!imported) {
    out.error = imported.error().message;
    return out;
  }
  out.apiId = json::strOr(*imported, "id", "");
  out.name = json::strOr(*imported, "name", "");
  if (auto* w = imported->if_contains("warnings"); w && w->is_array()) {
    for (const auto& s : w->get_array()) {
      if (s.is_string()) out.warnings.emplace_back(s.get_string());
    }
  }
  const std::string deployment = bj::serialize(bj::object{{"stageName", stage}});
  auto deployed = callOperation(routes, verb::post, {"restapis", out.apiId, "deployments"}, {}, deployment);
  if (!deployed) {
    out.error = "imported, but not deployed: " + deployed.error().message;
    return out;
  }
  checkFunctions(routes, out.apiId, out.warnings);
  out.ok = true;
  return out;
}

std::string describeImport(const ImportedDocument& d, const std::string& stage, const std::string& dataAddr) {
  std::ostringstream s;
  if (!d.ok) {
    s << "  Import " << d.file << ": FAILED: " << d.error << "\n";
    return s.str();
  }
  s << "  Imported " << d.file << " as " << d.name << " (" << d.apiId << "), stage " << stage << ": http://" << dataAddr
    << "/restapis/" << d.apiId << "/" << stage << "/_user_request_/\n";
  for (const auto& w : d.warnings) s << "    warning: " << w << "\n";
  return s.str();
}

ImportWatcher::ImportWatcher(const control::RouteTable& routes, std::vector<std::filesystem::path> files,
                             std::string stage, std::string dataAddr)
    : routes_(routes), files_(std::move(files)), stage_(std::move(stage)), dataAddr_(std::move(dataAddr)) {
  for (const auto& f : files_) {
    std::error_code ec;
    seen_[f.string()] = {std::filesystem::file_size(f, ec), std::filesystem::last_write_time(f, ec)};
  }
  thread_ = std::thread([this] { run(); });
}

ImportWatcher::~ImportWatcher() {
  stop_ = true;
  thread_.join();
}

void ImportWatcher::run() {
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (const auto& f : files_) {
      std::error_code ec;
      auto now = std::make_pair(std::filesystem::file_size(f, ec), std::filesystem::last_write_time(f, ec));
      if (ec || now == seen_[f.string()]) continue;
      seen_[f.string()] = now;
      auto result = importAndDeploy(routes_, f, stage_);
      if (result.ok) {
        spdlog::info("re-imported {} and deployed it to stage {}", f.string(), stage_);
      } else {
        spdlog::warn("re-import of {} failed: {}", f.string(), result.error);
      }
      std::cout << describeImport(result, stage_, dataAddr_) << std::flush;
    }
  }
}

}  // namespace portico::app
