// JsonPath: parsing and selection for API Gateway's JSONPath subset.
#include "vtl/json_path.h"

#include <boost/json.hpp>
#include <cctype>

namespace portico::vtl {
namespace {

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

/// How a selection reads a JSON document.
struct JsonNodes {
  using Node = boost::json::value;
  static const Node* child(const Node& v, std::string_view key) {
    return v.is_object() ? v.get_object().if_contains(key) : nullptr;
  }
  static const Node* item(const Node& v, long long index) {
    if (!v.is_array()) return nullptr;
    const auto& arr = v.get_array();
    long long n = static_cast<long long>(arr.size());
    long long idx = index < 0 ? n + index : index;
    return idx >= 0 && idx < n ? &arr[static_cast<std::size_t>(idx)] : nullptr;
  }
  /// Calls visit(name, child) for each child in order (name null for array items) while it returns
  /// true; false when a call stopped the walk.
  template <class Visit>
  static bool eachChild(const Node& v, Visit&& visit) {
    if (v.is_object()) {
      for (const auto& [k, child] : v.get_object()) {
        std::string_view name(k.data(), k.size());
        if (!visit(&name, child)) return false;
      }
    } else if (v.is_array()) {
      for (const auto& child : v.get_array()) {
        if (!visit(nullptr, child)) return false;
      }
    }
    return true;
  }
};

/// How a selection reads a VTL value tree (maps, lists, scalars).
struct ValueNodes {
  using Node = Value;
  static const Node* child(const Node& v, std::string_view key) { return v.isMap() ? v.asMap().find(key) : nullptr; }
  static const Node* item(const Node& v, long long index) {
    if (!v.isList()) return nullptr;
    const auto& items = v.asList().items;
    long long n = static_cast<long long>(items.size());
    long long idx = index < 0 ? n + index : index;
    return idx >= 0 && idx < n ? &items[static_cast<std::size_t>(idx)] : nullptr;
  }
  template <class Visit>
  static bool eachChild(const Node& v, Visit&& visit) {
    if (v.isMap()) {
      for (const auto& [k, child] : v.asMap().entries()) {
        std::string_view name(k);
        if (!visit(&name, child)) return false;
      }
    } else if (v.isList()) {
      for (const auto& child : v.asList().items) {
        if (!visit(nullptr, child)) return false;
      }
    }
    return true;
  }
};

/// Deeper than any document Portico parses (256 levels) and than a scan needs.
constexpr int kMaxScanDepth = 1000;

/// Every descendant of v (named `key`, when given), parents before children; each node visited
/// spends one of `budget`, and the walk stops when it is spent (or is spent for it, below
/// kMaxScanDepth: a value tree a template linked into itself has no bottom).
template <class Nodes>
void collectDeep(const typename Nodes::Node& v, const std::string* key, std::vector<const typename Nodes::Node*>& out,
                 std::size_t& budget, int depth = 0) {
  if (depth > kMaxScanDepth) {
    budget = 0;
    return;
  }
  bool whole = Nodes::eachChild(v, [&](const std::string_view* name, const auto& child) {
    if (budget == 0) return false;
    --budget;
    if (!key || (name && *name == *key)) out.push_back(&child);
    return true;
  });
  if (!whole) return;
  Nodes::eachChild(v, [&](const std::string_view*, const auto& child) {
    collectDeep<Nodes>(child, key, out, budget, depth + 1);
    return true;
  });
}

}  // namespace

Result<JsonPath> JsonPath::parse(std::string_view text) {
  JsonPath path;
  std::size_t i = 0;
  auto fail = [&](std::string_view why) {
    return ApiError::badRequest("Invalid JSONPath '" + std::string(text) + "': " + std::string(why));
  };
  while (i < text.size() && text[i] == ' ') ++i;
  // A path without a leading `$` (e.g. `a.b`) is read relative to the root.
  bool first = true;
  if (i < text.size() && text[i] == '$') {
    ++i;
    first = false;
  }
  while (i < text.size()) {
    char c = text[i];
    if (c == '.' || (first && isNameChar(c))) {
      bool deep = false;
      if (c == '.') {
        ++i;
        if (i < text.size() && text[i] == '.') {
          deep = true;
          ++i;
        }
      }
      if (i < text.size() && text[i] == '*') {
        ++i;
        path.steps_.push_back({deep ? StepKind::kDeepWildcard : StepKind::kWildcard, ""});
      } else if (i < text.size() && text[i] == '[' && deep) {
        path.steps_.push_back({StepKind::kDeepWildcard, ""});
      } else {
        std::size_t start = i;
        while (i < text.size() && isNameChar(text[i])) ++i;
        if (start == i) return fail("expected a name");
        path.steps_.push_back({deep ? StepKind::kDeepKey : StepKind::kKey, std::string(text.substr(start, i - start))});
      }
    } else if (c == '[') {
      ++i;
      while (i < text.size() && text[i] == ' ') ++i;
      if (i >= text.size()) return fail("unclosed [");
      if (text[i] == '\'' || text[i] == '"') {
        char quote = text[i++];
        std::string key;
        while (i < text.size() && text[i] != quote) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          key += text[i++];
        }
        if (i >= text.size()) return fail("unclosed string");
        ++i;
        path.steps_.push_back({StepKind::kKey, std::move(key)});
      } else if (text[i] == '*') {
        ++i;
        path.steps_.push_back({StepKind::kWildcard, ""});
      } else {
        std::size_t start = i;
        if (text[i] == '-') ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        std::string digits(text.substr(start, i - start));
        if (digits.empty() || digits == "-" || digits.size() > 12) return fail("expected an index");
        Step step{StepKind::kIndex, ""};
        step.index = std::stoll(digits);
        path.steps_.push_back(std::move(step));
      }
      while (i < text.size() && text[i] == ' ') ++i;
      if (i >= text.size() || text[i] != ']') return fail("expected ]");
      ++i;
    } else if (c == ' ') {
      ++i;  // trailing blanks
    } else {
      return fail("unexpected character");
    }
    first = false;
  }
  return path;
}

template <class Nodes>
std::vector<const typename Nodes::Node*> JsonPath::selectNodes(const typename Nodes::Node& root, std::size_t& budget,
                                                               bool& definite) const {
  using Node = typename Nodes::Node;
  std::vector<const Node*> current{&root};
  for (const Step& step : steps_) {
    std::vector<const Node*> next;
    for (const Node* v : current) {
      if (budget == 0) break;
      --budget;
      switch (step.kind) {
        case StepKind::kKey:
          if (const Node* child = Nodes::child(*v, step.key)) next.push_back(child);
          break;
        case StepKind::kIndex:
          if (const Node* child = Nodes::item(*v, step.index)) next.push_back(child);
          break;
        case StepKind::kWildcard:
          definite = false;
          Nodes::eachChild(*v, [&](const std::string_view*, const Node& child) {
            next.push_back(&child);
            return true;
          });
          budget -= std::min(budget, next.size());
          break;
        case StepKind::kDeepKey:
          definite = false;
          collectDeep<Nodes>(*v, &step.key, next, budget);
          break;
        case StepKind::kDeepWildcard:
          definite = false;
          collectDeep<Nodes>(*v, nullptr, next, budget);
          break;
      }
    }
    current = std::move(next);
  }
  return current;
}

JsonPath::Match JsonPath::select(const boost::json::value& root, std::size_t budget) const {
  Match match;
  match.values = selectNodes<JsonNodes>(root, budget, match.definite);
  match.overBudget = budget == 0;
  return match;
}

JsonPath::ValueMatch JsonPath::select(const Value& root, std::size_t budget) const {
  ValueMatch match;
  std::vector<const Value*> selected = selectNodes<ValueNodes>(root, budget, match.definite);
  match.overBudget = budget == 0;
  match.values.reserve(selected.size());
  for (const Value* v : selected) match.values.push_back(*v);
  return match;
}

}  // namespace portico::vtl
