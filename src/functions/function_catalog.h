// FunctionCatalog: the store layout of Lambda functions, shared by the Lambda
// management API (which writes it) and the runtime (which resolves invocations).
//
//   ("function", "", name)                 {"config": FunctionConfiguration of $LATEST, "codeHex",
//                                           "layerHexes"?, "nextVersion", "reserved"?, "policy"?}
//   ("function_version", "fn:"+name, "N")  {"config": FunctionConfiguration of version N, "codeHex",
//                                           "layerHexes"?}
// ("layerHexes": the code store keys of the configuration's Layers, kept with the function so a
// layer version deleted later still runs for the functions that use it, as on Lambda.)
//   ("function_alias", "fn:"+name, alias)  AliasConfiguration
//
// Names, ARNs and qualifiers are parsed as AWS accepts them: "name", "name:qualifier",
// "123456789012:function:name[:q]" and "arn:aws:lambda:region:acct:function:name[:q]".
#pragma once
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "functions/function_spec.h"
#include "store/store.h"

namespace portico::functions {

inline constexpr std::string_view kFunctionKind = "function";
inline constexpr std::string_view kVersionKind = "function_version";
inline constexpr std::string_view kAliasKind = "function_alias";
inline std::string versionScope(std::string_view name) {
  return "fn:" + std::string(name);
}

/// A function reference split into its name and qualifier ("" when none).
struct FunctionRef {
  std::string name;
  std::string qualifier;
};

class FunctionCatalog {
 public:
  FunctionCatalog(store::Store& store, std::string region, std::string accountId)
      : store_(store), region_(std::move(region)), accountId_(std::move(accountId)) {}

  const std::string& region() const { return region_; }
  const std::string& accountId() const { return accountId_; }
  store::Store& store() { return store_; }

  /// "arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]".
  std::string functionArn(std::string_view name, std::string_view qualifier = {}) const;

  /// Splits a name or ARN and merges `qualifier` (the ?Qualifier= parameter). Invalid names and
  /// conflicting qualifiers → InvalidParameterValueException / ValidationException.
  static Result<FunctionRef> parseRef(std::string_view nameOrArn, std::string_view qualifier = {});

  /// ResourceNotFoundException "Function not found: <arn>".
  ApiError notFound(const FunctionRef& ref) const;

  /// A uniform draw in [0, 1): routing weights' dice.
  using Roll = std::function<double()>;

  /// Resolves a reference to the version that runs: $LATEST, a version or an alias (routing
  /// weights applied with `roll`, called only for an alias that has them). Reads the store once per reference and
  /// configuration: a resolution is kept until a function, version or alias document is written (an alias with routing
  /// weights is resolved afresh each time: its dice decide). Thread-safe.
  Result<FunctionSpec> resolve(const FunctionRef& ref, const Roll& roll);

 private:
  struct Cached {
    std::uint64_t generation = 0;
    std::shared_ptr<const FunctionSpec> spec;
  };
  static constexpr std::size_t kMaxCached = 4096;  // references kept; beyond it the cache starts over

  /// Reads the store. `rolled`: routing weights decided the version (not to be cached).
  Result<FunctionSpec> resolveFromStore(const FunctionRef& ref, const Roll& roll, bool& rolled);
  /// Sum of the generations of the kinds a resolution reads: moves when any of them is written.
  std::uint64_t generation() const;
  Result<FunctionSpec> specFrom(const boost::json::object& doc, const FunctionRef& ref,
                                const boost::json::object& functionDoc) const;

  store::Store& store_;
  std::string region_;
  std::string accountId_;
  std::mutex cacheMu_;                             // held for one lookup or insertion
  std::unordered_map<std::string, Cached> cache_;  // "name:qualifier" → its resolution
};

/// AWS function names: [a-zA-Z0-9-_]{1,64}.
bool validFunctionName(std::string_view name);

}  // namespace portico::functions
