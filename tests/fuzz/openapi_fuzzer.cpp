// libFuzzer target: parseDocument (JSON and YAML), importDocument and exportDocument of what it
// imported, with its x-amazon-apigateway-documentation applied. Byte 0 picks the import options.
// Invariants: a refusal is AWS's 400 (BadRequestException); what imports exports to a document
// that serializes and imports again.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "openapi/document.h"
#include "openapi/documentation.h"
#include "openapi/exporter.h"
#include "openapi/importer.h"

namespace bj = boost::json;
using namespace portico::openapi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ImportOptions options;
  options.basepath = data[0] % 3 == 0 ? "ignore" : data[0] % 3 == 1 ? "prepend" : "split";
  options.ignoreDocumentation = (data[0] & 4) != 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto doc = parseDocument(text);
  if (!doc) {
    if (doc.error().type != "BadRequestException" || doc.error().status != 400) std::abort();
    return 0;
  }
  auto imported = importDocument(*doc, options);
  if (!imported) {
    if (imported.error().type != "BadRequestException" || imported.error().status != 400) std::abort();
    return 0;
  }
  bj::array resources;
  for (const auto& r : imported->resources) {
    resources.push_back(bj::object{{"path", r.path}, {"resourceMethods", r.resourceMethods}});
  }
  bj::array models;
  for (const auto& m : imported->models) models.push_back(m);
  bj::object snapshot{{"api", imported->api}, {"resources", std::move(resources)}, {"models", std::move(models)}};
  for (auto format : {ExportFormat::kOas30, ExportFormat::kSwagger}) {
    ExportOptions eo;
    eo.format = format;
    eo.integrations = true;
    eo.stageName = "dev";
    eo.host = "abc.execute-api.us-east-1.amazonaws.com";
    bj::object out = exportDocument(snapshot, eo);
    if (imported->documentation) {
      bj::array parts;
      for (const auto& p : imported->documentation->parts) parts.push_back(p);
      applyDocumentation(out, bj::object{{"version", "1"}, {"documentationParts", std::move(parts)}},
                         format == ExportFormat::kOas30);
    }
    std::string json = bj::serialize(out);
    auto again = parseDocument(json);
    if (!again) std::abort();  // what Portico writes, it reads
    (void)toYaml(out);
  }
  return 0;
}
