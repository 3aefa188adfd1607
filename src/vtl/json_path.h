// JsonPath: the JSONPath subset API Gateway accepts in $input.json/$input.path:
// `$`, `.name`, `['name']`, `["name"]`, `[0]` (negative counts from the end),
// `[*]`, `.*` and the deep scan `..name`. Filters and unions are not supported.
#pragma once
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace portico::vtl {

class JsonPath {
 public:
  /// Parses a path; a BadRequest error naming the problem when it is not in the subset.
  static Result<JsonPath> parse(std::string_view text);

  struct Match {
    std::vector<const boost::json::value*> values;
    bool definite = true;     // no wildcard or deep scan: at most one value, not a list
    bool overBudget = false;  // the selection stopped at the budget: `values` is its beginning
  };
  /// How many nodes a selection may visit or select. Deep scans after deep scans select every
  /// descendant again for each value already selected (`$..*..*` over n nested arrays: n²/2
  /// values), so the work is bounded, not the input alone.
  static constexpr std::size_t kSelectBudget = 1'000'000;
  /// Selects from root. A definite path that does not exist gives no values.
  Match select(const boost::json::value& root, std::size_t budget = kSelectBudget) const;

 private:
  enum class StepKind { kKey, kIndex, kWildcard, kDeepKey, kDeepWildcard };
  struct Step {
    StepKind kind;
    std::string key;
    long long index = 0;
  };
  std::vector<Step> steps_;
};

}  // namespace portico::vtl
