// InputObject: the $input built-in. $input.body is the raw body ("{}" when empty,
// as on API Gateway), $input.json(path) JSON text (`""` for a path that is not there),
// $input.path(path) an object (maps print Java-style), $input.params() the {path,
// querystring, header} map and $input.params(name) the first of path, query string and
// header that has name. $input.path hands out the body's own objects, as API Gateway's
// Java does: a template that changes them changes what a later $input.json or
// $input.path reads. See the AWS "API Gateway mapping template reference" ($input
// variables).
#pragma once
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>

#include "vtl/template_engine.h"
#include "vtl/value.h"

namespace portico::vtl {

class InputObject final : public HostObject {
 public:
  /// Borrows input for the length of one render.
  explicit InputObject(const TemplateInput& input) : input_(input) {}

  Value property(std::string_view name) const override;
  Result<std::optional<Value>> call(std::string_view name, const std::vector<Value>& args) const override;
  std::string toString() const override { return "$input"; }

 private:
  std::string_view body() const;
  /// The body parsed as JSON, once per render; an error when it is not JSON.
  Result<const boost::json::value*> parsedBody() const;
  /// The body as one value tree, made by the first $input.path of a render: what $input.path
  /// selects from (and $input.json from then on, the template may have changed it).
  Result<const Value*> bodyValue() const;
  Result<std::optional<Value>> select(const std::string& path, bool asJsonText) const;
  /// $input.json before any $input.path: read straight from the parsed document.
  Result<std::optional<Value>> selectJson(const std::string& pathText) const;
  Value params() const;
  Value param(const std::string& name) const;

  const TemplateInput& input_;
  mutable std::optional<boost::json::value> parsed_;
  mutable std::optional<Value> body_;
  mutable std::optional<Value> params_;  // one map per render, as $input.params() is one object
};

}  // namespace portico::vtl
