#include "control/apigateway/model_template.h"

#include <boost/json.hpp>
#include <map>

namespace portico::control::apigateway {
namespace bj = boost::json;

namespace {

constexpr int kMaxDepth = 8;
constexpr std::size_t kMaxBytes = 64 * 1024;

struct Generator {
  const ModelLookup& lookup;
  std::string out;
  int loops = 0;                                                         // #foreach variables: $elem, $elem1, ...
  std::map<std::string, std::optional<bj::object>, std::less<>> models;  // each referenced model parsed once

  /// The schema `s` points to (a $ref to another model, followed), or null.
  std::optional<bj::object> resolved(const bj::object& s, int depth) {
    const bj::value* ref = s.if_contains("$ref");
    if (!ref || !ref->is_string()) return s;
    std::string_view url = ref->get_string();
    auto slash = url.rfind('/');
    std::string_view name = slash == std::string_view::npos ? url : url.substr(slash + 1);
    if (depth > kMaxDepth || !lookup) return std::nullopt;
    if (auto known = models.find(name); known != models.end()) return known->second;
    std::optional<bj::object> parsed;
    if (auto text = lookup(name)) {
      boost::system::error_code ec;
      bj::value v = bj::parse(*text, ec);
      if (!ec && v.is_object()) parsed = v.get_object();
    }
    models.emplace(std::string(name), parsed);
    return parsed;
  }

  static std::string typeOf(const bj::object& s) {
    const bj::value* t = s.if_contains("type");
    if (t && t->is_string()) return std::string(t->get_string());
    if (s.contains("properties")) return "object";
    if (s.contains("items")) return "array";
    return "string";
  }

  void indent(int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); }

  /// Writes the value of `expr` (e.g. "$inputRoot.name") shaped as `schema`.
  void value(const bj::object& schemaIn, const std::string& expr, int depth) {
    if (out.size() > kMaxBytes) return;
    auto schema = resolved(schemaIn, depth);
    if (!schema || depth > kMaxDepth) {
      out += "\"" + expr + "\"";
      return;
    }
    const std::string type = typeOf(*schema);
    if (type == "object") {
      out += "{\n";
      const bj::value* props = schema->if_contains("properties");
      bool first = true;
      if (props && props->is_object()) {
        for (const auto& [name, prop] : props->get_object()) {
          if (!prop.is_object()) continue;
          if (!first) out += ",\n";
          first = false;
          indent(depth + 1);
          out += "\"" + std::string(name) + "\" : ";
          value(prop.get_object(), expr + "." + std::string(name), depth + 1);
        }
      }
      out += "\n";
      indent(depth);
      out += "}";
    } else if (type == "array") {
      const std::string elem = "$elem" + (loops == 0 ? std::string() : std::to_string(loops));
      ++loops;
      out += "[\n#foreach(" + elem + " in " + expr + ")\n";
      indent(depth + 1);
      const bj::value* items = schema->if_contains("items");
      if (items && items->is_object()) {
        value(items->get_object(), elem, depth + 1);
      } else {
        out += "\"" + elem + "\"";
      }
      out += " #if($foreach.hasNext),#end\n#end\n";
      indent(depth);
      out += "]";
    } else if (type == "number" || type == "integer" || type == "boolean") {
      out += expr;
    } else {
      out += "\"" + expr + "\"";
    }
  }
};

}  // namespace

Result<std::string> modelTemplate(std::string_view schema, const ModelLookup& lookup) {
  boost::system::error_code ec;
  bj::value v = bj::parse(schema, ec);
  if (ec || !v.is_object())
    return ApiError::badRequest("Invalid model schema specified: the schema is not a JSON object");
  Generator g{lookup, "#set($inputRoot = $input.path('$'))\n"};
  g.value(v.get_object(), "$inputRoot", 0);
  if (g.out.size() > kMaxBytes) return ApiError::badRequest("The model is too large to make a template from");
  return g.out;
}

}  // namespace portico::control::apigateway
