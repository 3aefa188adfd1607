#include "gateway/method_settings.h"

#include "common/json_util.h"

namespace portico::gateway {
namespace bj = boost::json;

const bj::value* MethodSettings::find(std::string_view name) const {
  if (own) {
    if (const bj::value* v = own->if_contains(name)) return v;
  }
  return all ? all->if_contains(name) : nullptr;
}

MethodSettings methodSettings(const bj::object& stage, const CompiledMethod& method) {
  MethodSettings out;
  const bj::object* settings = json::obj(stage, "methodSettings");
  if (!settings) return out;
  std::string key;
  for (char c : method.resourcePath) {
    if (c == '/') {
      key += "~1";
    } else {
      key += c;
    }
  }
  key += '/';
  key += method.httpMethod;
  out.own = json::obj(*settings, key);
  out.all = json::obj(*settings, "*/*");
  return out;
}

void compileMethodLogging(const bj::object& stage, CompiledMethod& method) {
  const MethodSettings settings = methodSettings(stage, method);
  if (const bj::value* level = settings.find("loggingLevel"); level && level->is_string()) {
    if (level->get_string() == "INFO") method.logLevel = MethodLogLevel::kInfo;
    if (level->get_string() == "ERROR") method.logLevel = MethodLogLevel::kError;
  }
  if (const bj::value* trace = settings.find("dataTraceEnabled"); trace && trace->is_bool()) {
    method.dataTrace = trace->get_bool();
  }
  if (const bj::value* metrics = settings.find("metricsEnabled"); metrics && metrics->is_bool()) {
    method.detailedMetrics = metrics->get_bool();
  }
}

}  // namespace portico::gateway
