#include "functions/function_catalog.h"

#include <boost/json.hpp>
#include <vector>

#include "common/json_util.h"

namespace portico::functions {
namespace bj = boost::json;

namespace {

std::vector<std::string_view> splitColons(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto end = s.find(':', start);
    out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool validQualifier(std::string_view q) {
  if (q.empty() || q.size() > 128) return false;
  if (q == "$LATEST") return true;
  for (char c : q) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

bool validFunctionName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string FunctionCatalog::functionArn(std::string_view name, std::string_view qualifier) const {
  std::string arn = "arn:aws:lambda:";
  arn.append(region_).append(":").append(accountId_).append(":function:").append(name);
  if (!qualifier.empty()) arn.append(":").append(qualifier);
  return arn;
}

Result<FunctionRef> FunctionCatalog::parseRef(std::string_view nameOrArn, std::string_view qualifier) {
  FunctionRef ref;
  auto parts = splitColons(nameOrArn);
  if (parts.size() >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function") {
    if (parts.size() > 8)
      parts.resize(0);
    else {
      ref.name = parts[6];
      if (parts.size() == 8) ref.qualifier = parts[7];
    }
  } else if (parts.size() >= 3 && parts[1] == "function" && parts.size() <= 4) {
    ref.name = parts[2];
    if (parts.size() == 4) ref.qualifier = parts[3];
  } else if (parts.size() <= 2) {
    ref.name = parts[0];
    if (parts.size() == 2) ref.qualifier = parts[1];
  }
  if (!validFunctionName(ref.name)) {
    return ApiError::lambda("ValidationException", 400,
                            "1 validation error detected: Value '" + std::string(nameOrArn) +
                                "' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
                                "expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?"
                                "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
  }
  if (!qualifier.empty()) {
    if (!ref.qualifier.empty() && ref.qualifier != qualifier) {
      return ApiError::lambda("InvalidParameterValueException", 400,
                              "The derived qualifier from the function name does not match the specified qualifier.");
    }
    ref.qualifier = qualifier;
  }
  if (!ref.qualifier.empty() && !validQualifier(ref.qualifier)) {
    return ApiError::lambda("ValidationException", 400,
                            "1 validation error detected: Value '" + ref.qualifier +
                                "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular "
                                "expression pattern: (|[a-zA-Z0-9$_-]+)");
  }
  return ref;
}

ApiError FunctionCatalog::notFound(const FunctionRef& ref) const {
  return ApiError::lambda("ResourceNotFoundException", 404,
                          "Function not found: " + functionArn(ref.name, ref.qualifier));
}

Result<FunctionSpec> FunctionCatalog::specFrom(const bj::object& doc, const FunctionRef& ref,
                                               const bj::object& functionDoc) const {
  const bj::object* config = json::obj(doc, "config");
  if (!config) return ApiError::lambda("ServiceException", 500, "Function configuration is damaged");
  FunctionSpec spec;
  spec.name = ref.name;
  spec.version = json::strOr(*config, "Version", "$LATEST");
  spec.invokedArn = functionArn(ref.name, ref.qualifier);
  spec.runtime = json::strOr(*config, "Runtime", "");
  spec.handler = json::strOr(*config, "Handler", "");
  spec.role = json::strOr(*config, "Role", "");
  if (auto* m = config->if_contains("MemorySize"); m && m->is_int64()) spec.memoryMb = static_cast<int>(m->as_int64());
  if (auto* t = config->if_contains("Timeout"); t && t->is_int64())
    spec.timeoutSeconds = static_cast<int>(t->as_int64());
  if (auto* env = json::obj(*config, "Environment")) {
    if (auto* vars = json::obj(*env, "Variables")) {
      for (auto& [k, v] : *vars) {
        if (v.is_string()) spec.environment[std::string(k)] = std::string(v.get_string());
      }
    }
  }
  spec.codeHex = json::strOr(doc, "codeHex", "");
  if (const bj::value* layers = doc.if_contains("layerHexes"); layers && layers->is_array()) {
    for (const auto& hex : layers->get_array()) {
      if (hex.is_string()) spec.layerHexes.emplace_back(hex.get_string());
    }
  }
  spec.revisionId = json::strOr(*config, "RevisionId", "");
  if (auto* r = functionDoc.if_contains("reserved"); r && r->is_int64()) {
    spec.reservedConcurrency = static_cast<int>(r->as_int64());
  }
  // The asynchronous invocation settings of the qualifier invoked (control/lambda's event-invoke-config).
  const bj::object* configs = json::obj(functionDoc, "eventInvokeConfigs");
  if (const bj::object* e =
          configs ? json::obj(*configs, ref.qualifier.empty() ? "$LATEST" : ref.qualifier) : nullptr) {
    if (auto* v = e->if_contains("MaximumRetryAttempts"); v && v->is_int64()) {
      spec.eventInvoke.maximumRetryAttempts = static_cast<int>(v->as_int64());
    }
    if (auto* v = e->if_contains("MaximumEventAgeInSeconds"); v && v->is_int64()) {
      spec.eventInvoke.maximumEventAgeSeconds = static_cast<int>(v->as_int64());
    }
    if (const bj::object* d = json::obj(*e, "DestinationConfig")) {
      if (const bj::object* ok = json::obj(*d, "OnSuccess"))
        spec.eventInvoke.onSuccess = json::strOr(*ok, "Destination", "");
      if (const bj::object* no = json::obj(*d, "OnFailure"))
        spec.eventInvoke.onFailure = json::strOr(*no, "Destination", "");
    }
  }
  return spec;
}

std::uint64_t FunctionCatalog::generation() const {
  return store_.generation(kFunctionKind) + store_.generation(kVersionKind) + store_.generation(kAliasKind);
}

Result<FunctionSpec> FunctionCatalog::resolve(const FunctionRef& ref, const Roll& roll) {
  const std::uint64_t generation = this->generation();  // before reading: a write after it is seen
  std::string key = ref.name + ":" + ref.qualifier;
  std::shared_ptr<const FunctionSpec> hit;
  {
    std::lock_guard lock(cacheMu_);
    if (auto it = cache_.find(key); it != cache_.end() && it->second.generation == generation) hit = it->second.spec;
  }
  if (hit) return *hit;
  bool rolled = false;
  auto spec = resolveFromStore(ref, roll, rolled);
  if (spec && !rolled) {
    auto shared = std::make_shared<const FunctionSpec>(*spec);
    std::lock_guard lock(cacheMu_);
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_[std::move(key)] = Cached{generation, std::move(shared)};
  }
  return spec;
}

Result<FunctionSpec> FunctionCatalog::resolveFromStore(const FunctionRef& ref, const Roll& roll, bool& rolled) {
  auto fdoc = store_.get(kFunctionKind, "", ref.name);
  if (!fdoc) return notFound(ref);
  auto function = json::parseObject(fdoc->body);
  if (!function) return ApiError::lambda("ServiceException", 500, "Function record is damaged");
  if (ref.qualifier.empty() || ref.qualifier == "$LATEST") return specFrom(*function, ref, *function);

  std::string version = ref.qualifier;
  bool isVersion = std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!isVersion) {
    auto adoc = store_.get(kAliasKind, versionScope(ref.name), ref.qualifier);
    if (!adoc) return notFound(ref);
    auto alias = json::parseObject(adoc->body);
    if (!alias) return notFound(ref);
    version = json::strOr(*alias, "FunctionVersion", "$LATEST");
    // RoutingConfig: one extra version receives its weight's share of invocations.
    if (auto* routing = json::obj(*alias, "RoutingConfig")) {
      if (auto* weights = json::obj(*routing, "AdditionalVersionWeights"); weights && !weights->empty()) {
        rolled = true;
        double dice = roll();
        for (auto& [v, w] : *weights) {
          double weight = w.is_double() ? w.get_double() : w.is_int64() ? static_cast<double>(w.get_int64()) : 0.0;
          if (dice < weight) {
            version = std::string(v);
            break;
          }
          dice -= weight;
        }
      }
    }
    if (version == "$LATEST") return specFrom(*function, ref, *function);
  }
  auto vdoc = store_.get(kVersionKind, versionScope(ref.name), version);
  if (!vdoc) return notFound(ref);
  auto vobj = json::parseObject(vdoc->body);
  if (!vobj) return notFound(ref);
  return specFrom(*vobj, ref, *function);
}

}  // namespace portico::functions
