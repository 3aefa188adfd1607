#include "control/lambda/function_configuration.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "common/base64.h"
#include "common/json_util.h"
#include "functions/builtin_runtimes.h"

namespace portico::control::lambda {
namespace bj = boost::json;

namespace {

// Variables Lambda sets itself; a function may not override them.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
const std::set<std::string, std::less<>> kReservedVariables = {"_HANDLER",
                                                               "_X_AMZN_TRACE_ID",
                                                               "AWS_DEFAULT_REGION",
                                                               "AWS_REGION",
                                                               "AWS_EXECUTION_ENV",
                                                               "AWS_LAMBDA_FUNCTION_NAME",
                                                               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                                                               "AWS_LAMBDA_FUNCTION_VERSION",
                                                               "AWS_LAMBDA_INITIALIZATION_TYPE",
                                                               "AWS_LAMBDA_LOG_GROUP_NAME",
                                                               "AWS_LAMBDA_LOG_STREAM_NAME",
                                                               "AWS_ACCESS_KEY",
                                                               "AWS_ACCESS_KEY_ID",
                                                               "AWS_SECRET_ACCESS_KEY",
                                                               "AWS_SESSION_TOKEN",
                                                               "AWS_LAMBDA_RUNTIME_API",
                                                               "LAMBDA_TASK_ROOT",
                                                               "LAMBDA_RUNTIME_DIR"};

Result<std::int64_t> intField(const bj::object& body, std::string_view key, std::string_view wire, std::int64_t min,
                              std::int64_t max) {
  const bj::value& v = body.at(key);
  if (!v.is_int64() && !v.is_uint64()) return validationError("Value at '" + std::string(wire) + "' must be a number");
  std::int64_t n = v.is_int64() ? v.get_int64() : static_cast<std::int64_t>(v.get_uint64());
  if (n < min) {
    return validationError("1 validation error detected: Value '" + std::to_string(n) + "' at '" + std::string(wire) +
                           "' failed to satisfy constraint: Member must have value greater than or equal to " +
                           std::to_string(min));
  }
  if (n > max) {
    return validationError("1 validation error detected: Value '" + std::to_string(n) + "' at '" + std::string(wire) +
                           "' failed to satisfy constraint: Member must have value less than or equal to " +
                           std::to_string(max));
  }
  return n;
}

bool validVariableName(std::string_view k) {
  if (k.size() < 2 || !std::isalpha(static_cast<unsigned char>(k[0]))) return false;
  for (char c : k) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

Status applyConfiguration(bj::object& config, const bj::object& body, bool creating) {
  if (body.contains("Runtime")) {
    auto runtime = json::str(body, "Runtime");
    if (runtime) {
      if (auto replacement = functions::deprecatedRuntimeReplacement(*runtime)) {
        return invalidParameter("The runtime parameter of " + *runtime +
                                " is no longer supported for creating or updating AWS Lambda functions. We recommend "
                                "you use the new runtime (" +
                                *replacement + ") while creating or updating functions.");
      }
    }
    if (!runtime || !functions::supportedRuntime(*runtime)) {
      return invalidParameter("Value " + (runtime ? *runtime : std::string("null")) +
                              " at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [" +
                              functions::supportedRuntimeList() + "] or be a valid ARN");
    }
    config["Runtime"] = *runtime;
  }
  if (body.contains("Role")) {
    auto role = json::str(body, "Role");
    if (!role || !role->starts_with("arn:") || role->find(":role/") == std::string::npos) {
      return validationError("1 validation error detected: Value '" + role.value_or("") +
                             "' at 'role' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    }
    config["Role"] = *role;
  }
  if (body.contains("Handler")) {
    auto handler = json::str(body, "Handler");
    if (!handler || handler->empty() || handler->size() > 128) {
      return validationError(
          "1 validation error detected: Value at 'handler' failed to satisfy constraint: Member "
          "must have length less than or equal to 128");
    }
    if (std::ranges::any_of(*handler, [](unsigned char c) { return std::isspace(c) != 0 || c < 0x20; })) {
      return validationError("1 validation error detected: Value '" + *handler +
                             "' at 'handler' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: [^\\s]+");
    }
    config["Handler"] = *handler;
  }
  if (body.contains("Description")) {
    auto d = json::str(body, "Description");
    if (d && d->size() > 256) {
      return validationError(
          "1 validation error detected: Value at 'description' failed to satisfy constraint: "
          "Member must have length less than or equal to 256");
    }
    config["Description"] = d.value_or("");
  }
  if (body.contains("Timeout")) {
    auto t = intField(body, "Timeout", "timeout", 1, 900);
    if (!t) return t.takeError();
    config["Timeout"] = *t;
  }
  if (body.contains("MemorySize")) {
    auto m = intField(body, "MemorySize", "memorySize", 128, 10240);
    if (!m) return m.takeError();
    config["MemorySize"] = *m;
  }
  if (auto* env = json::obj(body, "Environment")) {
    bj::object vars;
    std::size_t bytes = 0;
    std::vector<std::string> reserved;
    if (auto* v = json::obj(*env, "Variables")) {
      for (auto& [k, val] : *v) {
        if (!val.is_string()) return invalidParameter("Environment variable values must be strings");
        if (!validVariableName(k)) {
          return validationError(
              "1 validation error detected: Value at 'environment.variables' failed to satisfy "
              "constraint: Map keys must satisfy constraint: [Member must satisfy regular "
              "expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]");
        }
        if (kReservedVariables.contains(std::string_view(k))) reserved.emplace_back(k);
        bytes += k.size() + val.get_string().size();
        vars[k] = val;
      }
    }
    if (!reserved.empty()) {
      std::string list;
      for (auto& r : reserved) list += (list.empty() ? "" : ", ") + r;
      return invalidParameter(
          "Lambda was unable to configure your environment variables because the environment variables you have "
          "provided contains reserved keys that are currently not supported for modification. Reserved keys used "
          "in this request: " +
          list);
    }
    if (bytes > 4096) {
      return invalidParameter(
          "Lambda was unable to configure your environment variables because the environment variables you have "
          "provided exceeded the 4KB limit. String measured: " +
          bj::serialize(vars));
    }
    config["Environment"] = bj::object{{"Variables", std::move(vars)}};
  }
  if (auto* a = body.if_contains("Architectures")) {
    if (!a->is_array() || a->get_array().size() != 1 || !a->get_array()[0].is_string() ||
        (a->get_array()[0].get_string() != "x86_64" && a->get_array()[0].get_string() != "arm64")) {
      return validationError(
          "1 validation error detected: Value at 'architectures' failed to satisfy constraint: "
          "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]");
    }
    config["Architectures"] = *a;
  }
  if (auto* e = json::obj(body, "EphemeralStorage")) config["EphemeralStorage"] = *e;
  if (auto* t = json::obj(body, "TracingConfig")) config["TracingConfig"] = *t;
  if (creating) {
    if (!config.contains("Role"))
      return validationError(
          "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");
    if (!config.contains("Runtime")) {
      return invalidParameter("Runtime is required for .zip file packaged functions");
    }
    if (!config.contains("Handler")) {
      if (!json::strOr(config, "Runtime", "").starts_with("provided")) {
        return invalidParameter("Handler is required for .zip file packaged functions");
      }
    }
  }
  return Ok{};
}

Result<std::string> storeZip(LambdaContext& ctx, bj::object& config, const bj::object& code) {
  if (code.contains("S3Bucket") || code.contains("S3Key")) {  // (fetched before this runs: s3_code.h)
    return invalidParameter("S3 code was not fetched: call through the management API's asynchronous route");
  }
  if (code.contains("ImageUri")) return invalidParameter("Container image functions are not supported by Portico");
  auto zip64 = json::str(code, "ZipFile");
  if (!zip64) return invalidParameter("Please provide a source for function code.");
  auto zip = base64Decode(*zip64);
  if (!zip) return invalidParameter("Could not decode ZipFile: it is not valid base64");
  auto stored = ctx.code.put(*zip);
  if (!stored) return stored.takeError();
  config["CodeSha256"] = stored->sha256Base64;
  config["CodeSize"] = stored->size;
  return stored->sha256Hex;
}

void touch(LambdaContext& ctx, bj::object& config) {
  config["RevisionId"] = ctx.ids.uuid();
  config["LastModified"] = ctx.lastModifiedNow();
}

bj::object publicConfiguration(const LambdaContext& ctx, const bj::object& config) {
  bj::object out = config;
  out["State"] = "Active";
  out["LastUpdateStatus"] = "Successful";
  // Which interpreter really runs it (every pythonX.Y runs the host's python3): in the runtime
  // version's ARN, where Lambda names the runtime build a function runs on.
  if (const std::string runs = ctx.interpreters.describe(json::strOr(config, "Runtime", "")); !runs.empty()) {
    std::string id;
    for (char c : runs) id += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out["RuntimeVersionConfig"] =
        bj::object{{"RuntimeVersionArn", "arn:aws:lambda:" + ctx.region + "::runtime:portico-" + id}};
  }
  if (!ctx.sandboxWarning.empty()) out["StateReason"] = ctx.sandboxWarning;
  return out;
}

bj::object latestConfiguration(const LambdaContext& ctx, const bj::object& config) {
  bj::object out = publicConfiguration(ctx, config);
  out["FunctionArn"] = ctx.catalog.functionArn(json::strOr(config, "FunctionName", ""), "$LATEST");
  return out;
}

}  // namespace portico::control::lambda
