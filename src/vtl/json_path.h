// JsonPath: the JSONPath subset API Gateway accepts in $input.json/$input.path:
// `$`, `.name`, `['name']`, `["name"]`, `[0]` (negative counts from the end),
// `[*]`, `.*` and the deep scan `..name`. Filters and unions are not supported. It selects from
// a JSON document (boost::json) or from a VTL value tree (the request body as $input.path hands
// it out, which a template may have changed).
#pragma once
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "vtl/value.h"

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

  /// A selection from a value tree: the selected values themselves (maps and lists shared with
  /// the tree, as Java objects are), with Match's `definite` and `overBudget`.
  struct ValueMatch {
    std::vector<Value> values;
    bool definite = true;
    bool overBudget = false;
  };
  /// Selects from root as select() does from a document; a deep scan deeper than a JSON document
  /// can be (a template can nest or link maps without limit) stops as over budget.
  ValueMatch select(const Value& root, std::size_t budget = kSelectBudget) const;

 private:
  enum class StepKind { kKey, kIndex, kWildcard, kDeepKey, kDeepWildcard };
  struct Step {
    StepKind kind;
    std::string key;
    long long index = 0;
  };
  /// The selection over either kind of tree; `Nodes` says how to read one (json_path.cpp).
  template <class Nodes>
  std::vector<const typename Nodes::Node*> selectNodes(const typename Nodes::Node& root, std::size_t& budget,
                                                       bool& definite) const;

  std::vector<Step> steps_;
};

}  // namespace portico::vtl
