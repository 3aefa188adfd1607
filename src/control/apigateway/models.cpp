// Model operations: CreateModel, GetModels, GetModel, UpdateModel, DeleteModel. A model's
// schema (JSON Schema draft 4) is compiled when it is put, so a schema that would not
// validate anything is refused then; models may refer to each other by their model URL.
// https://docs.aws.amazon.com/apigateway/latest/api/API_Model.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/child_resource.h"
#include "control/apigateway/input_limits.h"
#include "control/apigateway/method_access.h"
#include "control/apigateway/model_template.h"
#include "control/patch_operations.h"
#include "gateway/json_schema.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
bool validModelName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

namespace {

constexpr std::string_view kEmptySchema =
    R"({"$schema": "http://json-schema.org/draft-04/schema#", "title" : "Empty Schema", "type" : "object"})";
constexpr std::string_view kErrorSchema =
    R"({"$schema" : "http://json-schema.org/draft-04/schema#", "title" : "Error Schema", "type" : "object", )"
    R"("properties" : { "message" : { "type" : "string" } } })";

constexpr PatchField kModelFields[] = {
    {"/schema", FieldKind::kString, "schema"},
    {"/description", FieldKind::kString, "description"},
};

constexpr ChildKind kModels{kModel, "Invalid model name specified: ", true};

/// Compiles the model's schema; references resolve to the API's models, `self` to this one.
Status checkSchema(ApiGatewayContext& ctx, const std::string& apiId, const bj::object& model) {
  auto schema = json::str(model, "schema");
  if (!schema) return Ok{};
  std::string self = json::strOr(model, "name", "");
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    if (name == self) return *schema;
    if (auto other = loadDoc(ctx, kModel, apiId, name)) return json::str(*other, "schema");
    return std::nullopt;
  };
  auto compiled = gateway::compileJsonSchema(*schema, lookup);
  if (!compiled) return compiled.takeError();
  return Ok{};
}

/// "//pets/GET"-style names of the methods whose requestModels use the model.
std::string methodsUsing(ApiGatewayContext& ctx, const std::string& apiId, const std::string& name) {
  std::string users;
  for (auto& resource : listDocs(ctx, kResource, apiId)) {
    auto* methods = json::obj(resource, "resourceMethods");
    if (!methods) continue;
    for (auto& [verbName, m] : *methods) {
      if (!m.is_object()) continue;
      auto* models = json::obj(m.get_object(), "requestModels");
      if (!models) continue;
      for (auto& [type, used] : *models) {
        if (used.is_string() && used.get_string() == name) {
          users +=
              (users.empty() ? "" : ", ") + ("/" + json::strOr(resource, "path", "/")) + "/" + std::string(verbName);
        }
      }
    }
  }
  return users;
}

Result<AdminReply> createModel(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::string name = json::strOr(*body, "name", "");
  if (!validModelName(name)) return ApiError::badRequest("Model name must be alphanumeric: " + name);
  const std::string& apiId = call.params[0];
  return withApi(ctx, apiId, [&](const bj::object&) -> Result<AdminReply> {
    if (loadDoc(ctx, kModel, apiId, name)) return ApiError::conflict("Model name already exists for this REST API");
    bj::object model{{"id", ctx.ids.alnum(6)}, {"name", name}, {"contentType", json::strOr(*body, "contentType", "")}};
    if (auto d = json::str(*body, "description")) model["description"] = *d;
    if (auto s = json::str(*body, "schema")) model["schema"] = *s;
    if (json::strOr(model, "contentType", "").empty()) {
      return ApiError::badRequest("Invalid content type specified: content type must not be empty");
    }
    if (auto st = checkNameAndDescription(model, "model"); !st) return st.takeError();
    if (auto st = checkSchema(ctx, apiId, model); !st) return st.takeError();
    saveDoc(ctx, kModel, apiId, name, model);
    return reply(201, std::move(model));
  });
}

/// ConflictException while a method request uses the model.
Status notInUse(ApiGatewayContext& ctx, const AdminCall& call) {
  auto users = methodsUsing(ctx, call.params[0], call.params[1]);
  if (users.empty()) return Ok{};
  return ApiError::conflict("Cannot delete model '" + call.params[1] + "', is referenced in method request: " + users);
}

}  // namespace

void createDefaultModels(ApiGatewayContext& ctx, const std::string& apiId) {
  for (auto [name, schema] : {std::pair{"Empty", kEmptySchema}, std::pair{"Error", kErrorSchema}}) {
    bj::object model{{"id", ctx.ids.alnum(6)},
                     {"name", name},
                     {"description", std::string("This is a default ") +
                                         (name == std::string_view("Empty") ? "empty" : "error") + " schema model"},
                     {"schema", schema},
                     {"contentType", "application/json"}};
    saveDoc(ctx, kModel, apiId, name, model);
  }
}

void registerModelRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/models", [&ctx](const AdminCall& call) { return createModel(ctx, call); });
  auto checkPatched = [&ctx](const AdminCall& call, const bj::object& model) -> Status {
    if (auto st = checkNameAndDescription(model, "model"); !st) return st;
    return checkSchema(ctx, call.params[0], model);
  };
  routes.add(verb::get, "restapis/{}/models/{}/default_template", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    const std::string& apiId = call.params[0];
    return withApi(ctx, apiId, [&](const bj::object&) -> Result<AdminReply> {
      auto model = loadChild(ctx, kModels, apiId, call.params[1]);
      if (!model) return model.takeError();
      auto lookup = [&](std::string_view name) -> std::optional<std::string> {
        if (auto other = loadDoc(ctx, kModel, apiId, name)) return json::str(*other, "schema");
        return std::nullopt;
      };
      auto text = modelTemplate(json::strOr(*model, "schema", "{}"), lookup);
      if (!text) return text.takeError();
      return reply(200, bj::object{{"value", *text}});
    });
  });
  addChildRoutes(routes, ctx, "models", kModels,
                 {kModelFields,
                  checkPatched,
                  [&ctx](const AdminCall& call, const bj::object&) { return notInUse(ctx, call); },
                  {}});
}

}  // namespace portico::control::apigateway
