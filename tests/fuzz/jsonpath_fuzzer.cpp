// libFuzzer target: JsonPath::parse over the input's first line, then JsonPath::select over the rest
// parsed as JSON (depth 256, as $input reads a body). Invariants: a path with no wildcard or deep scan
// is definite, a definite match has at most one value, every value selected is a node of the document,
// and no selection exceeds its budget (nor the fuzzer's time and memory limits).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "vtl/json_path.h"

namespace bj = boost::json;

namespace {

void collectNodes(const bj::value& v, std::unordered_set<const bj::value*>& out) {
  out.insert(&v);
  if (v.is_object()) {
    for (const auto& [k, child] : v.get_object()) collectNodes(child, out);
  } else if (v.is_array()) {
    for (const auto& child : v.get_array()) collectNodes(child, out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view pathText = input.substr(0, newline);
  auto path = portico::vtl::JsonPath::parse(pathText);
  if (!path) {
    if (path.error().status != 400) __builtin_trap();  // a bad path is the template author's mistake
    return 0;
  }
  const bool mayBeIndefinite =
      pathText.find('*') != std::string_view::npos || pathText.find("..") != std::string_view::npos;

  bj::parse_options options;
  options.max_depth = 256;
  boost::system::error_code ec;
  const bj::value doc = newline == std::string_view::npos ? bj::value(bj::object{{"a", bj::array{1, "b", nullptr}}})
                                                          : bj::parse(input.substr(newline + 1), ec, {}, options);
  if (ec) return 0;

  // Deep scans after deep scans select every descendant again for each value already selected:
  // the selection's work is bounded (tests/fuzz/jsonpath_corpus/deep_scans once took 10 s and 1 GB).
  const auto match = path->select(doc);
  if (match.values.size() > portico::vtl::JsonPath::kSelectBudget) __builtin_trap();
  if (!mayBeIndefinite && !match.definite) __builtin_trap();
  if (match.definite && match.values.size() > 1) __builtin_trap();
  std::unordered_set<const bj::value*> nodes;
  collectNodes(doc, nodes);
  for (const bj::value* v : match.values) {
    if (!nodes.contains(v)) __builtin_trap();  // not a node of this document
  }
  return 0;
}
