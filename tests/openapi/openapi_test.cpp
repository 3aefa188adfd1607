// src/openapi: documents parsed within their bounds (JSON and YAML), imported to API Gateway's
// shapes (paths, parameters, bodies, responses, models (inline schemas too), security, each
// extension, $refs, basepath modes, warnings) and exported back; x-amazon-apigateway-documentation
// read into parts and written into an export with each part's fields on its entity.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "openapi/document.h"
#include "openapi/documentation.h"
#include "openapi/exporter.h"
#include "openapi/importer.h"

namespace portico::openapi {
namespace {
namespace bj = boost::json;

ImportedApi mustImport(std::string_view text, ImportOptions options = {}) {
  auto doc = parseDocument(text);
  EXPECT_TRUE(doc) << (doc ? "" : doc.error().message);
  if (!doc) return {};
  auto api = importDocument(*doc, options);
  EXPECT_TRUE(api) << (api ? "" : api.error().message);
  return api ? std::move(*api) : ImportedApi{};
}

std::string refusal(std::string_view text, ImportOptions options = {}) {
  auto doc = parseDocument(text);
  if (!doc) return doc.error().type + ": " + doc.error().message;
  auto api = importDocument(*doc, options);
  if (!api) return api.error().type + ": " + api.error().message;
  return "accepted";
}

const ImportedResource* resource(const ImportedApi& api, std::string_view path) {
  for (const auto& r : api.resources) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

TEST(OpenApiDocument, JsonAndYamlGiveTheSameValue) {
  auto json = parseDocument(R"({"a": [1, 2.5, "x", true, null], "b": {"c": "3"}})");
  auto yaml = parseDocument("a: [1, 2.5, x, true, ~]\nb:\n  c: '3'\n");
  ASSERT_TRUE(json && yaml);
  EXPECT_EQ(*json, *yaml);
}

TEST(OpenApiDocument, BoundsAndBadInput) {
  EXPECT_FALSE(parseDocument(std::string(kMaxDocumentBytes + 1, ' ')));
  EXPECT_FALSE(parseDocument("a: \xff\n"));                                    // invalid UTF-8
  EXPECT_FALSE(parseDocument("a: 1\na: 2\n"));                                 // duplicate key
  EXPECT_FALSE(parseDocument(std::string(100, '[') + std::string(100, ']')));  // past 64 levels
  EXPECT_FALSE(parseDocument("{\"a\": "));                                     // truncated JSON
  EXPECT_FALSE(parseDocument("a: [b\n"));                                      // broken YAML
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    laughs += std::string(1, static_cast<char>('a' + i)) + ": &" + static_cast<char>('a' + i) + " [";
    for (int k = 0; k < 10; ++k) laughs += std::string(k ? ", *" : "*") + static_cast<char>('a' + i - 1);
    laughs += "]\n";
  }
  auto bomb = parseDocument(laughs);
  ASSERT_FALSE(bomb);
  EXPECT_NE(bomb.error().message.find("aliases"), std::string::npos) << bomb.error().message;
  EXPECT_EQ(bomb.error().status, 400);
}

TEST(OpenApiImport, PathsParametersBodiesResponsesAndTheIntegration) {
  auto api = mustImport(R"(
openapi: 3.0.1
info: {title: Shop, version: "2"}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true}
    put:
      operationId: PutItem
      parameters:
        - {name: X-Trace, in: header}
        - {name: dry, in: query, required: true}
      requestBody:
        content:
          application/json: {schema: {$ref: "#/components/schemas/Item"}}
      responses:
        "201":
          description: made
          headers: {Location: {schema: {type: string}}}
          content:
            application/json: {schema: {$ref: "#/components/schemas/Item"}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f/invocations
        passthroughBehavior: when_no_templates
        contentHandling: CONVERT_TO_TEXT
        timeoutInMillis: 1000
        cacheKeyParameters: [method.request.path.id]
        responses:
          "4\\d{2}": {statusCode: "400", responseTemplates: {application/json: "{}"}}
          default: {statusCode: "201"}
components:
  schemas:
    Item: {type: object, properties: {tags: {type: array, items: {$ref: "#/components/schemas/Tag"}}}}
    Tag: {type: string}
)");
  ASSERT_EQ(api.resources.size(), 1u);
  const auto& put = api.resources[0].resourceMethods.at("PUT").as_object();
  EXPECT_EQ(api.api.at("name"), "Shop");
  EXPECT_EQ(put.at("operationName"), "PutItem");
  EXPECT_EQ(put.at("requestParameters"), (bj::object{{"method.request.path.id", true},
                                                     {"method.request.header.X-Trace", false},
                                                     {"method.request.querystring.dry", true}}));
  EXPECT_EQ(put.at("requestModels"), (bj::object{{"application/json", "Item"}}));
  const auto& created = put.at("methodResponses").at("201").as_object();
  EXPECT_EQ(created.at("responseParameters"), (bj::object{{"method.response.header.Location", false}}));
  const auto& i = put.at("methodIntegration").as_object();
  EXPECT_EQ(i.at("type"), "AWS_PROXY");
  EXPECT_EQ(i.at("passthroughBehavior"), "WHEN_NO_TEMPLATES");
  EXPECT_EQ(i.at("timeoutInMillis"), 1000);
  EXPECT_EQ(i.at("cacheKeyParameters"), (bj::array{"method.request.path.id"}));
  EXPECT_EQ(i.at("integrationResponses").at("400").at("selectionPattern"), "4\\d{2}");
  EXPECT_FALSE(i.at("integrationResponses").at("201").as_object().contains("selectionPattern"));
  ASSERT_EQ(api.models.size(), 2u);
  const std::string schema(api.models[0].at("schema").as_string());
  EXPECT_NE(schema.find("https://apigateway.amazonaws.com/restapis/${restapi_id}/models/Tag"), std::string::npos)
      << schema;
  EXPECT_TRUE(api.warnings.empty());
}

TEST(OpenApiImport, SwaggerBodiesSecurityAndExtensions) {
  auto api = mustImport(R"({
    "swagger": "2.0", "info": {"title": "Sec"}, "basePath": "/v1/beta",
    "x-amazon-apigateway-api-key-source": "AUTHORIZER",
    "x-amazon-apigateway-binary-media-types": ["image/png"],
    "x-amazon-apigateway-minimum-compression-size": 1024,
    "x-amazon-apigateway-endpoint-configuration": {"types": ["REGIONAL"], "disableExecuteApiEndpoint": true},
    "x-amazon-apigateway-policy": {"Version": "2012-10-17", "Statement": []},
    "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": true, "validateRequestParameters": true}},
    "x-amazon-apigateway-request-validator": "all",
    "x-amazon-apigateway-gateway-responses": {"DEFAULT_4XX": {"statusCode": "418"}},
    "x-amazon-apigateway-tag-value": "t",
    "securityDefinitions": {
      "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
      "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
      "tok": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
              "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn:x", "authorizerResultTtlInSeconds": 60}},
      "pool": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools",
               "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": ["arn:pool"]}}
    },
    "paths": {
      "/a": {"post": {"consumes": ["application/json", "application/xml"], "security": [{"api_key": []}, {"tok": []}],
                      "parameters": [{"in": "body", "name": "B", "schema": {"$ref": "#/definitions/B"}}],
                      "x-amazon-apigateway-integration": {"type": "mock"}},
             "x-amazon-apigateway-any-method": {"security": [{"sigv4": []}], "x-amazon-apigateway-integration": {"type": "mock"}}},
      "/b": {"get": {"security": [{"pool": ["email"]}], "x-amazon-apigateway-request-validator": "none-such"}}
    },
    "definitions": {"B": {"type": "object"}}
  })",
                        {.basepath = "split"});
  EXPECT_EQ(api.api.at("apiKeySource"), "AUTHORIZER");
  EXPECT_EQ(api.api.at("binaryMediaTypes"), (bj::array{"image/png"}));
  EXPECT_EQ(api.api.at("minimumCompressionSize"), 1024);
  EXPECT_EQ(api.api.at("endpointConfiguration").at("types"), (bj::array{"REGIONAL"}));
  EXPECT_EQ(api.api.at("disableExecuteApiEndpoint"), true);
  EXPECT_TRUE(api.api.at("policy").is_string());
  ASSERT_EQ(api.requestValidators.size(), 1u);
  ASSERT_EQ(api.gatewayResponses.size(), 1u);
  EXPECT_EQ(api.gatewayResponses[0].at("statusCode"), "418");
  ASSERT_EQ(api.authorizers.size(), 2u);
  // basepath=split drops the first segment and ignores the rest (paths stay as written).
  ASSERT_TRUE(resource(api, "/a"));
  const auto& post = resource(api, "/a")->resourceMethods.at("POST").as_object();
  EXPECT_EQ(post.at("requestModels"), (bj::object{{"application/json", "B"}, {"application/xml", "B"}}));
  EXPECT_EQ(post.at("apiKeyRequired"), true);
  EXPECT_EQ(post.at("authorizationType"), "CUSTOM");
  EXPECT_EQ(post.at("_authorizer"), "tok");
  EXPECT_EQ(post.at("_requestValidator"), "all");
  EXPECT_EQ(resource(api, "/a")->resourceMethods.at("ANY").at("authorizationType"), "AWS_IAM");
  const auto& get = resource(api, "/b")->resourceMethods.at("GET").as_object();
  EXPECT_EQ(get.at("authorizationType"), "COGNITO_USER_POOLS");
  EXPECT_EQ(get.at("authorizationScopes"), (bj::array{"email"}));
  // The unknown extension and the method without an integration are warnings.
  bool tag = false, noIntegration = false;
  for (const auto& w : api.warnings) {
    tag |= w.find("x-amazon-apigateway-tag-value") != std::string::npos;
    noIntegration |= w.find("No integration defined for method GET /b") != std::string::npos;
  }
  EXPECT_TRUE(tag && noIntegration);
}

TEST(OpenApiImport, BasePathModes) {
  const std::string doc = R"({"swagger": "2.0", "info": {"title": "b"}, "basePath": "/v1/api",
                              "paths": {"/x": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}}})";
  EXPECT_TRUE(resource(mustImport(doc), "/x"));
  EXPECT_TRUE(resource(mustImport(doc, {.basepath = "prepend"}), "/v1/api/x"));
  EXPECT_TRUE(resource(mustImport(doc, {.basepath = "split"}), "/x"));
  const std::string oas = R"({"openapi": "3.0.1", "info": {"title": "b"},
     "servers": [{"url": "https://h/{basePath}", "variables": {"basePath": {"default": "/v2"}}}],
     "paths": {"/y": {"get": {}}}})";
  EXPECT_TRUE(resource(mustImport(oas, {.basepath = "prepend"}), "/v2/y"));
  EXPECT_NE(refusal(doc, {.basepath = "sideways"}).find("Invalid basepath"), std::string::npos);
}

TEST(OpenApiImport, RefusalsAreAwsBadRequests) {
  EXPECT_NE(refusal(R"({"openapi": "3.0.1", "paths": {}})").find("info.title"), std::string::npos);
  EXPECT_NE(refusal(R"({"openapi": "2.5", "info": {"title": "t"}, "paths": {}})").find("openapi: 3.0.x"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/a": {"get": {}, "GET": {}}}})")
                .find("duplicate method"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"openapi": "3.0.1", "info": {"title": "t"},
      "components": {"parameters": {"a": {"$ref": "#/components/parameters/b"}, "b": {"$ref": "#/components/parameters/a"}}},
      "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/a"}]}}}})")
                .find("cycle"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"openapi": "3.0.1", "info": {"title": "t"},
      "paths": {"/a": {"get": {"parameters": [{"$ref": "other.yaml#/x"}]}}}})")
                .find("local $refs"),
            std::string::npos);
  EXPECT_EQ(refusal("openapi: 3.0.1\ninfo: {title: t}\npaths: {}\n"), "accepted");
}

TEST(OpenApiExport, WritesWhatImportReads) {
  auto api = mustImport(R"(
openapi: 3.0.1
info: {title: Round, version: "1"}
paths:
  /p/{id}:
    get:
      parameters: [{name: id, in: path, required: true}, {name: q, in: query}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/M"}}}}}
      x-amazon-apigateway-integration: {type: http, httpMethod: GET, uri: "http://127.0.0.1:1/p/{id}",
        requestParameters: {integration.request.path.id: method.request.path.id},
        responses: {default: {statusCode: "200"}}}
components:
  schemas:
    M: {type: object, properties: {n: {$ref: "#/components/schemas/N"}}}
    N: {type: integer}
)");
  bj::array resources, models;
  for (const auto& r : api.resources)
    resources.push_back(bj::object{{"path", r.path}, {"resourceMethods", r.resourceMethods}});
  for (auto m : api.models) {
    std::string schema(m.at("schema").as_string());
    if (auto at = schema.find("${restapi_id}"); at != std::string::npos) schema.replace(at, 13, "abc");
    m["schema"] = schema;
    models.push_back(m);
  }
  bj::object snapshot{{"api", api.api}, {"resources", resources}, {"models", models}};
  for (auto format : {ExportFormat::kOas30, ExportFormat::kSwagger}) {
    ExportOptions options{format, true, false, "dev", "abc.execute-api.us-east-1.amazonaws.com"};
    bj::object doc = exportDocument(snapshot, options);
    const bool oas = format == ExportFormat::kOas30;
    const auto& op = doc.at("paths").at("/p/{id}").at("get").as_object();
    EXPECT_EQ(op.at("parameters").as_array().size(), 2u);
    EXPECT_EQ(op.at("x-amazon-apigateway-integration").at("type"), "http");
    const auto& m = doc.at(oas ? "components" : "definitions");
    const auto& schema = oas ? m.at("schemas").at("M") : m.at("M");
    EXPECT_EQ(schema.at("properties").at("n").at("$ref"), oas ? "#/components/schemas/N" : "#/definitions/N");
    if (oas) {
      EXPECT_EQ(doc.at("servers").at(0).at("variables").at("basePath").at("default"), "dev");
    } else {
      EXPECT_EQ(doc.at("basePath"), "/dev");
    }
    // What was exported imports again to the same methods.
    auto again = importDocument(bj::value(doc), {});
    ASSERT_TRUE(again) << again.error().message;
    ASSERT_EQ(again->resources.size(), 1u);
    EXPECT_EQ(again->resources[0].resourceMethods.at("GET").at("requestParameters"),
              api.resources[0].resourceMethods.at("GET").at("requestParameters"));
    EXPECT_TRUE(again->warnings.empty());
    auto yaml = parseDocument(toYaml(doc));
    ASSERT_TRUE(yaml) << yaml.error().message;
    EXPECT_EQ(*yaml, bj::value(doc));
  }
  // Without extensions: no x-amazon-apigateway-* at all.
  ExportOptions plain{ExportFormat::kOas30, false, false, "dev", "h"};
  EXPECT_EQ(bj::serialize(exportDocument(snapshot, plain)).find("x-amazon-apigateway"), std::string::npos);
}

TEST(OpenApiDocumentation, TheExtensionIsReadUnlessIgnored) {
  const std::string text = R"({"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{},
    "x-amazon-apigateway-documentation":{"version":"1.2","documentationParts":[
      {"location":{"type":"API"},"properties":{"description":"d"}}, 7]}})";
  auto api = mustImport(text);
  ASSERT_TRUE(api.documentation);
  EXPECT_EQ(api.documentation->version, "1.2");
  ASSERT_EQ(api.documentation->parts.size(), 1u);
  EXPECT_EQ(api.documentation->parts[0].at("properties"), (bj::object{{"description", "d"}}));
  EXPECT_EQ(api.warnings, (std::vector<std::string>{"Documentation part skipped: not an object"}));
  ImportOptions ignore;
  ignore.ignoreDocumentation = true;
  auto ignored = mustImport(text, ignore);
  EXPECT_FALSE(ignored.documentation);
  EXPECT_TRUE(ignored.warnings.empty());
  auto bad = parseDocument(R"({"x-amazon-apigateway-documentation":{"documentationParts":{}}})");
  ASSERT_TRUE(bad);
  auto refused = importDocumentation(*bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 400);
}

TEST(OpenApiDocumentation, PartsLandOnTheirEntitiesMostSpecificLast) {
  bj::object exported = bj::parse(R"({
    "openapi":"3.0.1","info":{"title":"t","version":"1"},
    "paths":{
      "/pets":{"get":{"parameters":[{"name":"type","in":"query"}],
                      "responses":{"200":{"description":"200 response","headers":{"X-Next":{"schema":{"type":"string"}}}},
                                   "404":{"description":"404 response"}}},
               "post":{"requestBody":{"content":{}},"responses":{"200":{"description":"200 response"}}}},
      "/pets/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true}],
                           "responses":{"200":{"description":"200 response"}}}}},
    "components":{"schemas":{"Pet":{"type":"object"}},"securitySchemes":{"auth":{"type":"apiKey"}}}})")
                            .as_object();
  const bj::object extension = bj::parse(R"({"version":"v1","documentationParts":[
    {"location":{"type":"RESPONSE","path":"/pets","method":"GET","statusCode":"200"},"properties":{"description":"the pets"}},
    {"location":{"type":"RESPONSE"},"properties":{"description":"ok"}},
    {"location":{"type":"API"},"properties":{"description":"Pets API","x-owner":"team","foo":"not OpenAPI"}},
    {"location":{"type":"METHOD","path":"/pets","method":"GET"},"properties":{"summary":"List","tags":["pets"]}},
    {"location":{"type":"METHOD","path":"/pets"},"properties":{"description":"any method"}},
    {"location":{"type":"QUERY_PARAMETER","path":"/pets","method":"GET","name":"type"},"properties":{"description":"kind"}},
    {"location":{"type":"PATH_PARAMETER","name":"id"},"properties":{"description":"the id"}},
    {"location":{"type":"RESPONSE_HEADER","path":"/pets","statusCode":"200","name":"X-Next"},"properties":{"description":"next page"}},
    {"location":{"type":"REQUEST_BODY","path":"/pets","method":"POST"},"properties":{"description":"a new pet"}},
    {"location":{"type":"MODEL","name":"Pet"},"properties":{"description":"A pet","title":"Pet"}},
    {"location":{"type":"AUTHORIZER","name":"auth"},"properties":{"description":"the key"}},
    {"location":{"type":"RESOURCE","path":"/pets"},"properties":{"x-res":1,"description":"not on a path item"}}]})")
                                   .as_object();
  applyDocumentation(exported, extension, true);
  EXPECT_EQ(exported.at("x-amazon-apigateway-documentation"), extension);
  const auto& info = exported.at("info").as_object();
  EXPECT_EQ(info.at("description"), "Pets API");
  EXPECT_EQ(info.at("x-owner"), "team");
  EXPECT_FALSE(info.contains("foo"));
  const auto& get = exported.at("paths").at("/pets").at("get").as_object();
  EXPECT_EQ(get.at("summary"), "List");
  EXPECT_EQ(get.at("tags"), (bj::array{"pets"}));
  EXPECT_EQ(get.at("description"), "any method");                          // METHOD with method * covers GET
  EXPECT_EQ(get.at("responses").at("200").at("description"), "the pets");  // the specific part wins
  EXPECT_EQ(get.at("responses").at("404").at("description"), "ok");        // statusCode * covers every response
  EXPECT_EQ(get.at("responses").at("200").at("headers").at("X-Next").at("description"), "next page");
  EXPECT_EQ(get.at("parameters").at(0).at("description"), "kind");
  const auto& post = exported.at("paths").at("/pets").at("post").as_object();
  EXPECT_EQ(post.at("requestBody").at("description"), "a new pet");
  EXPECT_EQ(post.at("responses").at("200").at("description"), "ok");  // RESPONSE at / is inherited
  const auto& byId = exported.at("paths").at("/pets/{id}").at("get").as_object();
  EXPECT_EQ(byId.at("parameters").at(0).at("description"), "the id");
  EXPECT_EQ(byId.at("responses").at("200").at("description"), "the pets");  // /pets's, beneath it
  EXPECT_FALSE(byId.contains("summary"));                                   // METHOD parts are not inherited
  EXPECT_EQ(exported.at("paths").at("/pets").at("x-res"), 1);
  EXPECT_FALSE(exported.at("paths").at("/pets").as_object().contains("description"));
  EXPECT_EQ(exported.at("components").at("schemas").at("Pet").at("description"), "A pet");
  EXPECT_EQ(exported.at("components").at("securitySchemes").at("auth").at("description"), "the key");
}

TEST(OpenApiDocumentation, SwaggerBodiesAndDefinitions) {
  bj::object exported = bj::parse(R"({"swagger":"2.0","info":{"title":"t"},
    "paths":{"/pets":{"post":{"parameters":[{"in":"body","name":"NewPet","schema":{}}],"responses":{}}}},
    "definitions":{"NewPet":{"type":"object"}}})")
                            .as_object();
  applyDocumentation(exported,
                     bj::parse(R"({"documentationParts":[
    {"location":{"type":"REQUEST_BODY","path":"/pets","method":"POST"},"properties":{"description":"body"}},
    {"location":{"type":"MODEL","name":"NewPet"},"properties":{"description":"new"}}]})")
                         .as_object(),
                     false);
  EXPECT_EQ(exported.at("paths").at("/pets").at("post").at("parameters").at(0).at("description"), "body");
  EXPECT_EQ(exported.at("definitions").at("NewPet").at("description"), "new");
}

TEST(OpenApiImport, InlineSchemasBecomeModels) {
  auto api = mustImport(R"(
openapi: 3.0.1
info: {title: Inline, version: "1"}
paths:
  /pets/{id}:
    put:
      requestBody:
        content:
          application/json: {schema: {type: object, properties: {name: {type: string}}}}
          application/x-json: {schema: {type: object, properties: {name: {type: string}}}}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}}
        "400":
          description: no
          content:
            application/json: {schema: {$ref: "other.yaml#/Error"}}
      x-amazon-apigateway-integration: {type: mock}
components:
  schemas:
    Pet: {type: object}
    PutPetsIdRequest: {type: string}
)");
  ASSERT_EQ(api.resources.size(), 1u);
  const auto& put = api.resources[0].resourceMethods.at("PUT").as_object();
  // The two identical inline schemas are one model; its name does not take the document's own.
  EXPECT_EQ(put.at("requestModels"),
            (bj::object{{"application/json", "PutPetsIdRequest2"}, {"application/x-json", "PutPetsIdRequest2"}}));
  EXPECT_EQ(put.at("methodResponses").at("200").at("responseModels"),
            (bj::object{{"application/json", "PutPetsId200Response"}}));
  EXPECT_FALSE(put.at("methodResponses").at("400").as_object().contains("responseModels"));
  ASSERT_EQ(api.models.size(), 4u);
  EXPECT_EQ(api.models[2].at("name"), "PutPetsIdRequest2");
  const std::string listSchema(api.models[3].at("schema").as_string());
  EXPECT_NE(listSchema.find("https://apigateway.amazonaws.com/restapis/${restapi_id}/models/Pet"), std::string::npos)
      << listSchema;
  ASSERT_EQ(api.warnings.size(), 1u);
  EXPECT_NE(api.warnings[0].find("other.yaml#/Error"), std::string::npos) << api.warnings[0];
}

TEST(OpenApiImport, TagValuesAreTheApisTags) {
  auto api = mustImport(R"({"swagger": "2.0", "info": {"title": "Tagged"}, "paths": {},
    "tags": [{"name": "Owner", "x-amazon-apigateway-tag-value": "Admin"}, {"name": "pets", "description": "ops"},
             {"name": "Bad", "x-amazon-apigateway-tag-value": 7}]})");
  EXPECT_EQ(api.api.at("tags"), (bj::object{{"Owner", "Admin"}}));
  ASSERT_EQ(api.warnings.size(), 1u);
  bj::object snapshot{{"api", api.api}, {"resources", bj::array{}}};
  ExportOptions eo;
  eo.integrations = true;
  eo.stageName = "dev";
  eo.host = "abc.execute-api.us-east-1.amazonaws.com";
  const bj::object out = exportDocument(snapshot, eo);
  EXPECT_EQ(out.at("tags"), (bj::array{bj::object{{"name", "Owner"}, {"x-amazon-apigateway-tag-value", "Admin"}}}));
}

TEST(OpenApiDocument, ControlCharactersAndEscapesThatAreNotUtf8AreRefused) {
  auto refused = [](std::string_view text) {
    auto doc = parseDocument(text);
    return doc ? std::string("accepted") : doc.error().message;
  };
  EXPECT_EQ(refused(std::string_view("openapi: 3.0.1\ninfo: {title: \"a\0b\"}\n", 36)),
            "Invalid OpenAPI input: the document holds a control character (0) at line 2");
  EXPECT_NE(refused("openapi: 3.0.1\ninfo: {title: \"\\uD800\"}\n"), "accepted");  // a lone surrogate
  EXPECT_EQ(refused("{\"a\":\"\x01\"}"), "Invalid OpenAPI input: the document holds a control character (1) at line 1");
  EXPECT_EQ(refused("openapi: 3.0.1\r\ninfo:\r\n  title: \"a\tb\"\r\n"), "accepted");
}

}  // namespace
}  // namespace portico::openapi
