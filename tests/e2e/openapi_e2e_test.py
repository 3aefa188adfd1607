#!/usr/bin/env python3
"""End-to-end test of OpenAPI import and export with the real portico binary and Debian's AWS CLI v2.

    /usr/bin/python3 tests/e2e/openapi_e2e_test.py --portico build/asan-ubsan/portico

* A pet store (OpenAPI 3.0 YAML and Swagger 2.0 JSON, in tests/e2e/openapi_fixtures) imported with
  `aws apigateway import-rest-api`: resources, methods, parameters, HTTP and MOCK integrations,
  models from components.schemas / definitions, a request validator, a gateway response and the
  binary media types; an unsupported extension is a warning (and an error with
  --fail-on-warnings). Deployed, it serves: the backend (an echo server on 127.0.0.1) sees the
  mapped paths and query strings, the validator refuses a bad body with the gateway response.
* get-export (oas30 and swagger, JSON and YAML, with and without extensions): documents that an
  independent validator (@apidevtools/swagger-parser, npm) accepts; exported → imported into a new
  API → exported again gives the same document but for the API's id; the re-imported API serves the
  same answers.
* put-rest-api merge (adds a path, keeps the others) and overwrite (only the new document's).
* Documentation parts and versions with the CLI (create, the errors, filters, update, import merge
  and overwrite, a version published on the stage): the export carries x-amazon-apigateway-
  documentation and the parts' fields on their entities, as of the version.
* `portico serve --import FILE --stage live --watch`: imported and deployed at start (the banner
  prints the invoke URL, and warns of a Lambda function that does not exist), an edit is served
  again within a second or two, a restart re-imports into the same API.
* Bad input: YAML anchors expanded past the bound (a "billion laughs"), 6 MB + 1, invalid UTF-8, a
  duplicate key, nesting past 64 levels, a $ref cycle, no title: AWS's 400, quickly, nothing created.
Steps run in order; the first failure stops the run.
"""
import atexit
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.peers import install_peers  # noqa: E402
from support.portico import AwsCli, PorticoServer, check, http, run_steps, say  # noqa: E402
from support.upstream import EchoUpstream  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi_fixtures")

VALIDATE_JS = r"""
const SwaggerParser = require('@apidevtools/swagger-parser');
SwaggerParser.validate(process.argv[1]).then(
  (api) => { console.log('valid ' + (api.openapi || api.swagger)); },
  (err) => { console.error(err.message); process.exit(1); });
"""


class OpenApiE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.cache = os.path.join(os.path.dirname(os.path.abspath(portico)), "peers-cache")
        self.server = PorticoServer(portico, workdir)
        self.apigw = AwsCli(self.server)

    def fixture(self, name):
        """The fixture with BACKEND replaced by the echo server's URL, written to the work dir."""
        with open(os.path.join(FIXTURES, name)) as f:
            text = f.read().replace("BACKEND", self.backend_url)
        path = os.path.join(self.workdir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def url(self, api, path, stage="dev"):
        return f"{self.server.data_url}/restapis/{api}/{stage}/_user_request_{path}"

    def export(self, api, kind="oas30", extensions="integrations", accepts="application/json", stage="dev"):
        out = os.path.join(self.workdir, f"export-{api}-{kind}-{extensions or 'none'}.{accepts.split('/')[1]}")
        args = ["--rest-api-id", api, "--stage-name", stage, "--export-type", kind, "--accepts", accepts]
        if extensions:
            args += ["--parameters", f"extensions={extensions}"]
        self.apigw.json("get-export", *args, out)
        return out

    def validate(self, path):
        p = subprocess.run(["node", "-e", VALIDATE_JS, path], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NODE_PATH=self.modules))
        check(p.returncode == 0, f"swagger-parser rejects {os.path.basename(path)}: {p.stderr[:2000]}")

    # -- steps
    def step_start(self):
        self.modules = install_peers(self.cache)
        self.echo = EchoUpstream()
        atexit.register(self.echo.close)
        self.backend_url = f"http://127.0.0.1:{self.echo.port}"
        self.server.start()

    def step_import_openapi3_yaml(self):
        doc = self.fixture("petstore-oas30.yaml")
        err = self.apigw.error("BadRequestException", "import-rest-api", "--fail-on-warnings", "--body", f"fileb://{doc}")
        check("x-amazon-apigateway-frobnicate" in err, f"--fail-on-warnings: {err}")
        check(self.apigw.json("get-rest-apis")["items"] == [], "a refused import creates nothing")
        api = self.apigw.json("import-rest-api", "--body", f"fileb://{doc}")
        check(api["name"] == "PetStore" and api.get("binaryMediaTypes") == ["image/png"], api)
        check(api.get("tags") == {"team": "pets"}, f"x-amazon-apigateway-tag-value gives the API's tags: {api}")
        check(any("x-amazon-apigateway-frobnicate" in w for w in api.get("warnings", [])),
              f"the unsupported extension is a warning: {api.get('warnings')}")
        self.api = api["id"]
        res = self.apigw.json("get-resources", "--rest-api-id", self.api, "--embed", "methods")["items"]
        paths = {r["path"]: r for r in res}
        check(set(paths) == {"/", "/pets", "/pets/{petId}"}, sorted(paths))
        methods = paths["/pets"]["resourceMethods"]
        check(set(methods) == {"GET", "POST", "OPTIONS"}, methods.keys())
        get = methods["GET"]
        check(get["requestParameters"] == {"method.request.querystring.type": False,
                                           "method.request.querystring.page": False}, get)
        check(get["methodIntegration"]["type"] == "HTTP" and get["methodIntegration"]["timeoutInMillis"] == 5000, get)
        models = {m["name"] for m in self.apigw.json("get-models", "--rest-api-id", self.api)["items"]}
        check({"Pet", "Pets", "NewPet", "NewPetResponse"} <= models, models)
        pets = self.apigw.json("get-model", "--rest-api-id", self.api, "--model-name", "Pets")
        check(f"/restapis/{self.api}/models/Pet" in pets["schema"], f"$refs become model URLs: {pets['schema']}")
        validators = self.apigw.json("get-request-validators", "--rest-api-id", self.api)["items"]
        check([v["name"] for v in validators] == ["body-only"], validators)
        check(methods["POST"].get("requestValidatorId") == validators[0]["id"], methods["POST"])
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")

    def step_the_imported_api_serves(self):
        r = http("GET", self.url(self.api, "/pets?type=dog&page=2"))
        check(r.status == 200 and r.header("Access-Control-Allow-Origin") == "*", r.describe())
        seen = r.json()
        check(seen["path"] == "/petstore/pets" and sorted(seen["query"].split("&")) == ["page=2", "type=dog"], seen)
        r = http("GET", self.url(self.api, "/pets/42"))
        check(r.status == 200 and r.json()["path"] == "/petstore/pets/42", r.describe())
        r = http("POST", self.url(self.api, "/pets"), headers={"Content-Type": "application/json"},
                 body='{"type": "dragon", "price": 10}')
        check(r.status == 400 and "problem" in r.json(), f"the validator and the gateway response: {r.describe()}")
        r = http("POST", self.url(self.api, "/pets"), headers={"Content-Type": "application/json"},
                 body='{"type": "dog", "price": 30}')
        check(r.status == 200 and r.json()["method"] == "POST", r.describe())
        r = http("OPTIONS", self.url(self.api, "/pets"))
        check(r.status == 200 and r.header("Access-Control-Allow-Methods") == "GET,POST,OPTIONS", r.describe())

    def step_export_is_valid_openapi(self):
        for kind in ("oas30", "swagger"):
            for ext in ("integrations", ""):
                for accepts in ("application/json", "application/yaml"):
                    path = self.export(self.api, kind, ext, accepts)
                    self.validate(path)
        with open(self.export(self.api, "oas30", "integrations")) as f:
            doc = json.load(f)
        check(doc["openapi"] == "3.0.1" and doc["info"]["title"] == "PetStore", doc.get("info"))
        check(doc["servers"][0]["variables"]["basePath"]["default"] == "dev", doc["servers"])
        get = doc["paths"]["/pets"]["get"]
        check(get["x-amazon-apigateway-integration"]["uri"] == f"{self.backend_url}/petstore/pets", get)
        check(doc["components"]["schemas"]["Pets"]["items"] == {"$ref": "#/components/schemas/Pet"},
              doc["components"]["schemas"]["Pets"])
        check("x-amazon-apigateway-request-validators" in doc and "x-amazon-apigateway-gateway-responses" in doc,
              sorted(doc))
        with open(self.export(self.api, "oas30", "")) as f:
            plain = json.load(f)
        check(not any("x-amazon-apigateway" in k for k in json.dumps(plain).split('"')),
              "without extensions no x-amazon-apigateway-* field")
        self.exported = doc

    def step_round_trip(self):
        path = self.export(self.api, "oas30", "integrations")
        again = self.apigw.json("import-rest-api", "--body", f"fileb://{path}")
        check(not again.get("warnings"), f"an export imports without warnings: {again.get('warnings')}")
        self.apigw.json("create-deployment", "--rest-api-id", again["id"], "--stage-name", "dev")
        with open(self.export(again["id"], "oas30", "integrations")) as f:
            second = json.load(f)
        first = json.loads(json.dumps(self.exported).replace(self.api, "API"))
        second = json.loads(json.dumps(second).replace(again["id"], "API"))
        check(first == second, "export → import → export gives the same document:\n"
              f"{json.dumps(first, sort_keys=True)[:1500]}\n{json.dumps(second, sort_keys=True)[:1500]}")
        a = http("GET", self.url(self.api, "/pets/7")).json()
        b = http("GET", self.url(again["id"], "/pets/7")).json()
        check(a["path"] == b["path"] == "/petstore/pets/7", f"{a} {b}")
        self.copy = again["id"]

    def step_swagger_2_json(self):
        doc = self.fixture("petstore-swagger.json")
        api = self.apigw.json("import-rest-api", "--body", f"fileb://{doc}")
        check(api["name"] == "PetStore Swagger" and not api.get("warnings"), api)
        res = self.apigw.json("get-resources", "--rest-api-id", api["id"], "--embed", "methods")["items"]
        post = next(r for r in res if r["path"] == "/pets")["resourceMethods"]["POST"]
        check(post.get("requestModels") == {"application/json": "NewPet"}, post)
        self.apigw.json("create-deployment", "--rest-api-id", api["id"], "--stage-name", "dev")
        r = http("GET", self.url(api["id"], "/pets?type=cat"))
        check(r.status == 200 and r.json()["query"] == "type=cat", r.describe())
        self.validate(self.export(api["id"], "swagger", "integrations"))

    def step_put_rest_api_merge_and_overwrite(self):
        extra = os.path.join(self.workdir, "owners.json")
        with open(extra, "w") as f:
            json.dump({"openapi": "3.0.1", "info": {"title": "Owners", "version": "1"},
                       "paths": {"/owners": {"get": {"responses": {"200": {"description": "ok"}},
                                                     "x-amazon-apigateway-integration": {
                                                         "type": "mock",
                                                         "requestTemplates": {"application/json": '{"statusCode": 200}'},
                                                         "responses": {"default": {"statusCode": "200"}}}}}}}, f)
        merged = self.apigw.json("put-rest-api", "--rest-api-id", self.copy, "--mode", "merge", "--body", f"fileb://{extra}")
        check(merged["name"] == "PetStore", f"merge keeps the API's name: {merged['name']}")
        paths = {r["path"] for r in self.apigw.json("get-resources", "--rest-api-id", self.copy)["items"]}
        check({"/owners", "/pets", "/pets/{petId}"} <= paths, f"merge adds and keeps: {sorted(paths)}")
        over = self.apigw.json("put-rest-api", "--rest-api-id", self.copy, "--mode", "overwrite", "--body",
                               f"fileb://{extra}")
        check(over["name"] == "Owners", over)
        paths = {r["path"] for r in self.apigw.json("get-resources", "--rest-api-id", self.copy)["items"]}
        check(paths == {"/", "/owners"}, f"overwrite keeps only the new document's: {sorted(paths)}")
        self.apigw.json("create-deployment", "--rest-api-id", self.copy, "--stage-name", "dev")
        check(http("GET", self.url(self.copy, "/owners")).status == 200, "the overwritten API serves")
        check(http("GET", self.url(self.copy, "/pets")).status == 403, "its old paths are gone")

    def step_documentation_parts_versions_and_export(self):
        api = self.api
        part = lambda loc, props: self.apigw.json(  # noqa: E731
            "create-documentation-part", "--rest-api-id", api, "--location", loc, "--properties", json.dumps(props))
        top = part("type=API", {"description": "The pet store", "x-team": "pets"})
        check(re.fullmatch(r"[a-z0-9]{6}", top["id"]) and top["location"] == {"type": "API"}, top)
        method = part("type=METHOD,path=/pets,method=GET", {"summary": "List pets", "description": "All of them"})
        ok = part("type=RESPONSE,statusCode=200", {"description": "It worked"})  # every 200 beneath /
        check(ok["location"].get("path") == "/", f"the path defaults to /: {ok}")
        part("type=QUERY_PARAMETER,path=/pets,method=GET,name=type", {"description": "cat or dog"})
        err = self.apigw.error("ConflictException", "create-documentation-part", "--rest-api-id", api,
                               "--location", "type=API", "--properties", "{}")
        check("already exists for the specified location: type 'API'" in err, err)
        err = self.apigw.error("ValidationException", "create-documentation-part", "--rest-api-id", api,
                               "--location", "type=THING", "--properties", "{}")
        check("createDocumentationPartInput.location.type" in err, err)
        self.apigw.error("BadRequestException", "create-documentation-part", "--rest-api-id", api,
                         "--location", "type=API,path=/pets", "--properties", "{}")
        self.apigw.error("BadRequestException", "create-documentation-part", "--rest-api-id", api,
                         "--location", "type=MODEL", "--properties", "{}")
        self.apigw.error("BadRequestException", "create-documentation-part", "--rest-api-id", api,
                         "--location", "type=API,method=GET", "--properties", "not json")
        methods = self.apigw.json("get-documentation-parts", "--rest-api-id", api, "--type", "METHOD")["items"]
        check([p["id"] for p in methods] == [method["id"]], methods)
        self.apigw.json("update-documentation-part", "--rest-api-id", api, "--documentation-part-id", method["id"],
                        "--patch-operations", json.dumps([{"op": "replace", "path": "/properties",
                                                           "value": json.dumps({"summary": "Every pet"})}]))
        err = self.apigw.error("BadRequestException", "update-documentation-part", "--rest-api-id", api,
                               "--documentation-part-id", method["id"], "--patch-operations",
                               "op=replace,path=/location,value=x")
        check("Must be one of: [/properties]" in err, err)
        version = self.apigw.json("create-documentation-version", "--rest-api-id", api, "--documentation-version",
                                  "v1", "--stage-name", "dev", "--description", "first")
        check(version["version"] == "v1" and version["description"] == "first", version)
        check(self.apigw.json("get-stage", "--rest-api-id", api, "--stage-name", "dev").get("documentationVersion")
              == "v1", "the stage publishes v1")
        self.apigw.error("ConflictException", "create-documentation-version", "--rest-api-id", api,
                         "--documentation-version", "v1")
        # A change after the version is not in what the stage publishes.
        self.apigw.json("update-documentation-part", "--rest-api-id", api, "--documentation-part-id", method["id"],
                        "--patch-operations", json.dumps([{"op": "replace", "path": "/properties",
                                                           "value": json.dumps({"summary": "Changed later"})}]))
        for kind in ("oas30", "swagger"):
            path = self.export(api, kind, "integrations")
            self.validate(path)
            with open(path) as f:
                doc = json.load(f)
            ext = doc.get("x-amazon-apigateway-documentation", {})
            check(ext.get("version") == "v1" and len(ext.get("documentationParts", [])) == 4, ext)
            check(doc["info"].get("description") == "The pet store" and doc["info"].get("x-team") == "pets",
                  doc["info"])
            get = doc["paths"]["/pets"]["get"]
            check(get.get("summary") == "Every pet", f"the version's text, not the later one: {get.get('summary')}")
            check(get["responses"]["200"]["description"] == "It worked", get["responses"]["200"])
            query = next(p for p in get["parameters"] if p["name"] == "type")
            check(query.get("description") == "cat or dog", query)
            check(doc["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["description"] == "It worked",
                  "a RESPONSE part at / is inherited by every path")
        err = self.apigw.error("ConflictException", "delete-documentation-version", "--rest-api-id", api,
                               "--documentation-version", "v1")
        check("dev" in err, err)
        # ImportDocumentationParts: merge keeps the others, overwrite keeps only the document's.
        body = os.path.join(self.workdir, "docs.json")
        with open(body, "w") as f:
            json.dump({"openapi": "3.0.1", "info": {"title": "PetStore", "version": "1"}, "paths": {},
                       "x-amazon-apigateway-documentation": {"version": "2", "documentationParts": [
                           {"location": {"type": "API"}, "properties": {"termsOfService": "https://example.test"}},
                           {"location": {"type": "MODEL", "name": "Pet"}, "properties": {"description": "A pet"}}]}},
                      f)
        merged = self.apigw.json("import-documentation-parts", "--rest-api-id", api, "--mode", "merge",
                                 "--body", f"fileb://{body}")
        check(len(merged["ids"]) == 2 and top["id"] in merged["ids"], merged)
        props = json.loads(self.apigw.json("get-documentation-part", "--rest-api-id", api, "--documentation-part-id",
                                           top["id"])["properties"])
        check(props == {"description": "The pet store", "x-team": "pets", "termsOfService": "https://example.test"},
              f"merge merges the properties: {props}")
        check(len(self.apigw.json("get-documentation-parts", "--rest-api-id", api)["items"]) == 5, "merge adds one")
        self.apigw.json("import-documentation-parts", "--rest-api-id", api, "--mode", "overwrite",
                        "--body", f"fileb://{body}")
        check(len(self.apigw.json("get-documentation-parts", "--rest-api-id", api)["items"]) == 2,
              "overwrite keeps only the document's")
        self.apigw.json("update-stage", "--rest-api-id", api, "--stage-name", "dev", "--patch-operations",
                        "op=replace,path=/documentationVersion,value=")
        self.apigw.run("delete-documentation-version", "--rest-api-id", api, "--documentation-version", "v1")
        self.apigw.error("NotFoundException", "get-documentation-version", "--rest-api-id", api,
                         "--documentation-version", "v1")
        # import-rest-api reads the extension (unless ignore=documentation).
        imported = self.apigw.json("import-rest-api", "--body", f"fileb://{body}")
        check(not imported.get("warnings"), imported.get("warnings"))
        check(len(self.apigw.json("get-documentation-parts", "--rest-api-id", imported["id"])["items"]) == 2,
              "import-rest-api creates the documentation parts")
        ignored = self.apigw.json("import-rest-api", "--parameters", "ignore=documentation", "--body", f"fileb://{body}")
        check(self.apigw.json("get-documentation-parts", "--rest-api-id", ignored["id"])["items"] == [],
              "ignore=documentation")
        for extra in (imported["id"], ignored["id"]):
            self.apigw.run("delete-rest-api", "--rest-api-id", extra)

    def step_bad_documents_are_refused(self):
        before = len(self.apigw.json("get-rest-apis")["items"])
        laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in range(1, 9):
            laughs += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
        deep = "openapi: 3.0.1\ninfo: {title: deep}\npaths: " + "[" * 100 + "]" * 100 + "\n"
        cases = {
            "billion-laughs.yaml": ("openapi: 3.0.1\ninfo: {title: bomb}\npaths: {}\n" + laughs).encode(),
            "too-big.yaml": b"openapi: 3.0.1\ninfo: {title: big}\npaths: {}\nx: '" + b"a" * (6 * 1024 * 1024) + b"'\n",
            "bad-utf8.yaml": b"openapi: 3.0.1\ninfo: {title: \xff\xfe}\npaths: {}\n",
            "duplicate.yaml": b"openapi: 3.0.1\ninfo: {title: dup}\npaths:\n  /a: {}\n  /a: {}\n",
            "deep.yaml": deep.encode(),
            "cycle.json": json.dumps({"openapi": "3.0.1", "info": {"title": "cycle"},
                                      "components": {"parameters": {"a": {"$ref": "#/components/parameters/b"},
                                                                    "b": {"$ref": "#/components/parameters/a"}}},
                                      "paths": {"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/a"}],
                                                               "responses": {}}}}}).encode(),
            "no-title.json": b'{"openapi": "3.0.1", "info": {}, "paths": {}}',
            "sibling-variables.yaml": b"openapi: 3.0.1\ninfo: {title: sib}\npaths:\n  /a/{x}: {}\n  /a/{y}: {}\n",
            "greedy-child.yaml": b"openapi: 3.0.1\ninfo: {title: greedy}\npaths:\n  /a/{p+}/b: {}\n",
            "bad-path-part.yaml": b"openapi: 3.0.1\ninfo: {title: part}\npaths:\n  /a b: {}\n",
            "unknown-gateway-response.yaml": (b"openapi: 3.0.1\ninfo: {title: gr}\npaths: {}\n"
                                              b"x-amazon-apigateway-gateway-responses: {NOT_A_TYPE: {statusCode: '400'}}\n"),
            "bad-gateway-response-status.yaml": (b"openapi: 3.0.1\ninfo: {title: gr}\npaths: {}\n"
                                                 b"x-amazon-apigateway-gateway-responses: {DEFAULT_4XX: {statusCode: '99'}}\n"),
            "missing-model.yaml": (b"openapi: 3.0.1\ninfo: {title: model}\npaths:\n  /a:\n    post:\n"
                                   b"      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}\n"),
            "not-a-document.yaml": b"- just\n- a list\n",
        }
        for name, body in cases.items():
            path = os.path.join(self.workdir, name)
            with open(path, "wb") as f:
                f.write(body)
            t0 = time.monotonic()
            res = self.apigw.run("import-rest-api", "--body", f"fileb://{path}")
            took = time.monotonic() - t0
            check(res.rc == 254 and ("BadRequestException" in res.stderr or "RequestEntityTooLarge" in res.stderr
                                     or "(413)" in res.stderr),
                  f"{name}: AWS's 400: {res.describe()}")
            check(took < 15, f"{name}: refused in bounded time ({took:.1f} s)")
        check(len(self.apigw.json("get-rest-apis")["items"]) == before, "nothing half-imported")
        check(self.server.running(), "Portico survives every bad document")
        self.apigw.error("BadRequestException", "get-sdk", "--rest-api-id", self.api, "--stage-name", "dev",
                         "--sdk-type", "javascript", os.path.join(self.workdir, "sdk.zip"))

    def step_declarative_start_and_watch(self):
        """portico serve --import FILE --stage live --watch: imported, deployed, printed, redeployed on change."""
        self.server.stop()
        doc = os.path.join(self.workdir, "watched.json")

        def write(paths):
            body = {"openapi": "3.0.1", "info": {"title": "Watched", "version": "1"}, "paths": {}}
            for p in paths:
                body["paths"][p] = {"get": {"responses": {"200": {"description": "ok"}},
                                            "x-amazon-apigateway-integration": {
                                                "type": "mock",
                                                "requestTemplates": {"application/json": '{"statusCode": 200}'},
                                                "responses": {"default": {"statusCode": "200", "responseTemplates": {
                                                    "application/json": '{"path": "' + p + '"}'}}}}}}
            body["paths"]["/fn"] = {"post": {"x-amazon-apigateway-integration": {
                "type": "aws_proxy", "httpMethod": "POST",
                "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                       "arn:aws:lambda:us-east-1:000000000000:function:not-made-yet/invocations"}}}
            tmp = doc + ".tmp"
            with open(tmp, "w") as f:
                json.dump(body, f)
            os.replace(tmp, doc)  # as editors save: a new file in place

        write(["/one"])
        saved = list(self.server.extra_args)
        self.server.extra_args = ["--import", doc, "--stage", "live", "--watch"]
        self.server.start()
        log = self.server.log_tail()
        m = re.search(r"Imported \S+watched.json as Watched \((\w+)\), stage live: (http://\S+)", log)
        check(m, f"the banner names the import and its invoke URL:\n{log[-3000:]}")
        api, invoke = m.group(1), m.group(2)
        check("not-made-yet does not exist" in log, "a Lambda integration naming a missing function is a warning")
        r = http("GET", invoke + "one")
        check(r.status == 200 and r.json() == {"path": "/one"}, r.describe())
        write(["/one", "/two"])
        t0, served = time.monotonic(), False
        while time.monotonic() - t0 < 5 and not served:
            served = http("GET", invoke + "two").status == 200
            time.sleep(0.05)
        took = time.monotonic() - t0
        check(served, "the edit is served after --watch re-imports it")
        say(f"    the edit was live after {took:.2f} s")
        check(took < 2.0, f"an edit is live quickly ({took:.2f} s)")
        self.server.stop()
        self.server.start()  # the same document again: the same API, overwritten, not a second one
        named = [a for a in self.apigw.json("get-rest-apis")["items"] if a["name"] == "Watched"]
        check([a["id"] for a in named] == [api], f"a restart re-imports into the same API: {named}")
        self.server.stop()
        self.server.extra_args = saved
        self.server.start()

    def step_stop(self):
        self.server.stop()
        self.echo.close()
        say("openapi: all steps passed")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: OpenApiE2E(portico, workdir), "openapi", __doc__))
