#include "gateway/json_schema.h"

// valijson pulls in <regex> (for URIs); GCC 12 at -O1 with the sanitizers reports false
// maybe-uninitialized warnings inside libstdc++'s regex compiler.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define VALIJSON_USE_EXCEPTIONS 1
#include <re2/re2.h>

#include <boost/json.hpp>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace portico::gateway {
namespace bj = boost::json;
namespace {

constexpr std::string_view kPatternKeyword = "x-portico-re2-pattern";
constexpr int kMaxSchemaDepth = 64;

/// "pattern" with RE2: JSON Schema patterns are unanchored searches.
class Re2Pattern final : public valijson::constraints::PolyConstraint {
 public:
  explicit Re2Pattern(std::shared_ptr<const re2::RE2> re) : re_(std::move(re)) {}
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    if (!target.isString()) return true;
    if (re2::RE2::PartialMatch(target.asString(), *re_)) return true;
    if (results) results->pushError(context, "String does not match pattern " + re_->pattern());
    return false;
  }

 private:
  valijson::constraints::Constraint* cloneInto(void* ptr) const override { return new (ptr) Re2Pattern(re_); }
  std::size_t sizeOf() const override { return sizeof(Re2Pattern); }
  std::shared_ptr<const re2::RE2> re_;
};

class Re2PatternBuilder final : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    auto re = std::make_shared<const re2::RE2>(value.asString(), re2::RE2::Quiet);
    if (!re->ok()) throw std::runtime_error("invalid pattern: " + re->error());
    return new Re2Pattern(std::move(re));
  }
};

ApiError invalid(const std::string& why) {
  return ApiError::badRequest("Invalid model schema specified: " + why);
}

/// Moves "pattern" to kPatternKeyword in every schema position (so valijson's std::regex never
/// runs) and refuses patternProperties. Walks only where draft 4 nests schemas.
Status rewrite(bj::value& node, int depth) {
  if (depth > kMaxSchemaDepth) return invalid("schema nested too deeply");
  if (!node.is_object()) return Ok{};
  bj::object& o = node.get_object();
  if (o.contains("patternProperties")) return invalid("patternProperties is not supported");
  if (auto* p = o.if_contains("pattern")) {
    if (!p->is_string()) return invalid("pattern must be a string");
    re2::RE2 probe(std::string(p->get_string()), re2::RE2::Quiet);
    if (!probe.ok()) return invalid("pattern " + std::string(p->get_string()) + ": " + probe.error());
    bj::value pattern = *p;  // copied first: inserting may rehash and move *p
    o.erase("pattern");
    o[kPatternKeyword] = std::move(pattern);
  }
  for (auto key : {"items", "additionalItems", "additionalProperties", "not"}) {
    if (auto* v = o.if_contains(key)) {
      if (v->is_array()) {
        for (auto& item : v->get_array()) {
          if (auto st = rewrite(item, depth + 1); !st) return st;
        }
      } else if (auto st = rewrite(*v, depth + 1); !st) {
        return st;
      }
    }
  }
  for (auto key : {"allOf", "anyOf", "oneOf"}) {
    if (auto* v = o.if_contains(key); v && v->is_array()) {
      for (auto& item : v->get_array()) {
        if (auto st = rewrite(item, depth + 1); !st) return st;
      }
    }
  }
  for (auto key : {"properties", "definitions", "dependencies"}) {
    if (auto* v = o.if_contains(key); v && v->is_object()) {
      for (auto& [name, sub] : v->get_object()) {
        if (auto st = rewrite(sub, depth + 1); !st) return st;
      }
    }
  }
  return Ok{};
}

Result<bj::value> parseAndRewrite(std::string_view text) {
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = kMaxSchemaDepth;
  bj::value v = bj::parse(text, ec, {}, options);
  if (ec) return invalid("not valid JSON");
  if (!v.is_object()) return invalid("a schema must be a JSON object");
  if (auto st = rewrite(v, 0); !st) return st.takeError();
  return v;
}

class ValijsonSchema final : public JsonSchema {
 public:
  bool validate(const bj::value& instance, std::string* error) const override {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::BoostJsonAdapter target(instance);
    if (validator.validate(schema_, target, error ? &results : nullptr)) return true;
    if (error) {
      valijson::ValidationResults::Error e;
      std::string text;
      while (results.popError(e)) {
        if (!text.empty()) text += ", ";
        std::string where;
        for (const auto& c : e.context) where += c;
        text += where + ": " + e.description;
      }
      *error = "[" + text + "]";
    }
    return false;
  }

  valijson::Schema schema_;
};

}  // namespace

std::optional<std::string> modelNameFromUrl(std::string_view url) {
  constexpr std::string_view kPrefix = "https://apigateway.amazonaws.com/restapis/";
  if (!url.starts_with(kPrefix)) return std::nullopt;
  auto at = url.find("/models/", kPrefix.size());
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view name = url.substr(at + 8);
  name = name.substr(0, name.find('#'));
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

Result<std::shared_ptr<const JsonSchema>> compileJsonSchema(std::string_view text, const ModelLookup& models) {
  auto root = parseAndRewrite(text);
  if (!root) return root.takeError();
  auto schema = std::make_shared<ValijsonSchema>();
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
  parser.addConstraintBuilder(std::string(kPatternKeyword), new Re2PatternBuilder());
  std::string refError;
  auto fetch = [&](const std::string& uri) -> const bj::value* {
    auto name = modelNameFromUrl(uri);
    std::optional<std::string> modelText = name && models ? models(*name) : std::nullopt;
    if (!modelText) {
      refError = "reference to an unknown model: " + uri;
      return nullptr;
    }
    auto doc = parseAndRewrite(*modelText);
    if (!doc) {
      refError = "referenced model " + *name + " is invalid";
      return nullptr;
    }
    return new bj::value(std::move(doc).value());
  };
  auto release = [](const bj::value* doc) { delete doc; };
  try {
    valijson::adapters::BoostJsonAdapter adapter(*root);
    parser.populateSchema(adapter, schema->schema_, fetch, release);
  } catch (const std::exception& e) {
    return invalid(refError.empty() ? e.what() : refError);
  }
  return std::shared_ptr<const JsonSchema>(std::move(schema));
}

}  // namespace portico::gateway
