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

/// Every descendant of v (named `key`, when given), parents before children; each node visited
/// spends one of `budget`, and the walk stops when it is spent.
void collectDeep(const boost::json::value& v, const std::string* key, std::vector<const boost::json::value*>& out,
                 std::size_t& budget) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.get_object()) {
      if (budget == 0) return;
      --budget;
      if (!key || k == *key) out.push_back(&child);
    }
    for (const auto& [k, child] : v.get_object()) collectDeep(child, key, out, budget);
  } else if (v.is_array()) {
    for (const auto& child : v.get_array()) {
      if (budget == 0) return;
      --budget;
      if (!key) out.push_back(&child);
    }
    for (const auto& child : v.get_array()) collectDeep(child, key, out, budget);
  }
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

JsonPath::Match JsonPath::select(const boost::json::value& root, std::size_t budget) const {
  Match match;
  std::vector<const boost::json::value*> current{&root};
  for (const Step& step : steps_) {
    std::vector<const boost::json::value*> next;
    for (const auto* v : current) {
      if (budget == 0) break;
      --budget;
      switch (step.kind) {
        case StepKind::kKey:
          if (v->is_object()) {
            if (const auto* child = v->get_object().if_contains(step.key)) next.push_back(child);
          }
          break;
        case StepKind::kIndex:
          if (v->is_array()) {
            const auto& arr = v->get_array();
            long long n = static_cast<long long>(arr.size());
            long long idx = step.index < 0 ? n + step.index : step.index;
            if (idx >= 0 && idx < n) next.push_back(&arr[static_cast<std::size_t>(idx)]);
          }
          break;
        case StepKind::kWildcard:
          match.definite = false;
          if (v->is_object()) {
            for (const auto& [k, child] : v->get_object()) next.push_back(&child);
          } else if (v->is_array()) {
            for (const auto& child : v->get_array()) next.push_back(&child);
          }
          budget -= std::min(budget, next.size());
          break;
        case StepKind::kDeepKey:
          match.definite = false;
          collectDeep(*v, &step.key, next, budget);
          break;
        case StepKind::kDeepWildcard:
          match.definite = false;
          collectDeep(*v, nullptr, next, budget);
          break;
      }
    }
    current = std::move(next);
  }
  match.overBudget = budget == 0;
  match.values = std::move(current);
  return match;
}

}  // namespace portico::vtl
