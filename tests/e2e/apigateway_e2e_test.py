#!/usr/bin/env python3
"""End-to-end test: the real portico binary, driven by Debian's AWS CLI v2 and curl.

    /usr/bin/python3 tests/e2e/apigateway_e2e_test.py --portico build/asan-ubsan/portico

One scenario in ordered steps (a unittest TestCase; the steps share state and the run stops at
the first failing step): build a REST API with MOCK and HTTP_PROXY methods through the management
API, deploy it, call it with both addressing forms, edit without redeploying, redeploy, check
signatures, restart Portico on the same data dir, check graceful shutdown with a request in
flight, and delete everything. AWS behaviour is the spec. Exit code 0 = every step passed.

Needs only the Python standard library, /usr/bin/aws (AWS CLI v2) and curl. Every subprocess has
a timeout and a watchdog ends the whole run after --deadline seconds (default 180; a normal
run takes about 50 s, most of it AWS CLI start-up).
"""
import argparse
import concurrent.futures
import datetime
import faulthandler
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import (AWS_CLI, AwsCli, E2EFailure, PorticoServer, clip, http,  # noqa: E402
                             parse_cli_timestamp, say)
from support.upstream import EchoUpstream  # noqa: E402

OPTS = argparse.Namespace(portico=None, workdir=None)  # set by main()

MISSING_TOKEN = {"message": "Missing Authentication Token"}
REST_API_ID = re.compile(r"^[a-z0-9]{10}$")
RESOURCE_ID = re.compile(r"^[a-z0-9]{6,10}$")  # AWS: 10 chars for the root, 6 for children
DEPLOYMENT_ID = re.compile(r"^[a-z0-9]{6,10}$")  # AWS: 6 chars
UPSTREAM_SLOW_SECONDS = 3.0
WORKERS = 3  # independent CLI chains run side by side (each CLI process costs ~1 s of CPU)


def parallel(*fns):
    """Runs the callables concurrently; returns their results in order, re-raises the first error."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(WORKERS, len(fns))) as ex:
        futures = [ex.submit(f) for f in fns]
        concurrent.futures.wait(futures)
    for f in futures:
        if f.exception() is not None:
            raise f.exception()
    return [f.result() for f in futures]


class ApiGatewayE2E(unittest.TestCase):
    """Steps run in name order and share state through the class (`S`)."""

    server = None     # PorticoServer
    upstream = None   # EchoUpstream
    cli = None        # AwsCli
    S = {}            # api id, resource ids, deployment ids, ... filled by the steps
    current_step = None

    @classmethod
    def setUpClass(cls):
        cls.upstream = EchoUpstream(slow_seconds=UPSTREAM_SLOW_SECONDS)
        cls.server = PorticoServer(OPTS.portico, OPTS.workdir)
        cls.cli = AwsCli(cls.server)

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.kill()
        if cls.upstream is not None:
            cls.upstream.close()

    def setUp(self):
        doc = ((self._testMethodDoc or "").strip().splitlines() or [""])[0]
        type(self).current_step = self._testMethodName
        say(f"\n== {self._testMethodName}: {doc}")

    # ------------------------------------------------------------------------------------------
    # assertion helpers: every message says what was checked, what was expected and what came back

    @staticmethod
    def expect(what, expected, got, detail=""):
        if expected != got:
            raise E2EFailure(f"{what}: expected {expected!r}, got {got!r}" + (f"\n  {detail}" if detail else ""))

    @staticmethod
    def expect_true(what, cond, detail=""):
        if not cond:
            raise E2EFailure(what + (f"\n  {detail}" if detail else ""))

    @staticmethod
    def expect_match(what, pattern, got):
        if not isinstance(got, str) or not pattern.match(got):
            raise E2EFailure(f"{what}: expected to match {pattern.pattern}, got {got!r}")

    def host(self, api_id=None):
        return f"{api_id or self.S['api']}.execute-api.localhost"

    def invoke(self, method, stage, path, form="host", api_id=None, **kw):
        """Calls the data plane: form "host" = /{stage}/{path} with Host: {api}.execute-api.localhost,
        form "path" = /restapis/{api}/{stage}/_user_request_/{path}."""
        api_id = api_id or self.S["api"]
        path = path.lstrip("/")
        if form == "host":
            return http(method, f"{self.server.data_url}/{stage}/{path}", host=self.host(api_id), **kw)
        return http(method, f"{self.server.data_url}/restapis/{api_id}/{stage}/_user_request_/{path}", **kw)

    def expect_response(self, what, resp, status, body=None, content_type=None):
        """Checks status, the JSON body (parsed, so whitespace does not matter) and the request-id headers."""
        say(f"    curl {resp.request} -> {resp.status} {clip(resp.text, 160)!r} ({resp.seconds:.2f} s)")
        self.expect(f"{what}: HTTP status of {resp.request}", status, resp.status, resp.describe())
        if body is not None:
            self.expect(f"{what}: JSON body of {resp.request}", body, resp.json(), resp.describe())
        for h in ("x-amzn-RequestId", "x-amz-apigw-id"):
            self.expect_true(f"{what}: expected a non-empty {h} header on {resp.request}", resp.header(h),
                             resp.describe())
        if content_type is not None:
            got = (resp.header("Content-Type") or "").split(";")[0].strip().lower()
            self.expect(f"{what}: Content-Type of {resp.request}", content_type, got, resp.describe())
        return resp

    def expect_missing_token(self, what, resp):
        """AWS's answer for no resource/method/stage/API: 403 Missing Authentication Token."""
        self.expect_response(what, resp, 403, MISSING_TOKEN)
        error_type = (resp.header("x-amzn-ErrorType") or "").split(":")[0]
        self.expect(f"{what}: x-amzn-ErrorType header of {resp.request}", "MissingAuthenticationTokenException",
                    error_type, resp.describe())

    def expect_echo(self, what, resp, status, method, path, query=""):
        """An HTTP_PROXY answer from the echo upstream, passed through unchanged."""
        self.expect_response(what, resp, status)
        echo = resp.json()
        self.expect(f"{what}: X-Upstream header passed back from the upstream", "yes", resp.header("X-Upstream"),
                    resp.describe())
        # The backend's own Server, Date and Content-Length come back remapped, as API Gateway does.
        self.expect_true(f"{what}: X-Amzn-Remapped-Server from the upstream",
                         (resp.header("X-Amzn-Remapped-Server") or "").startswith("e2e-upstream"), resp.describe())
        self.expect_true(f"{what}: X-Amzn-Remapped-Date from the upstream", resp.header("X-Amzn-Remapped-Date"),
                         resp.describe())
        self.expect_true(f"{what}: no Server header of the upstream's", not (resp.header("Server") or "").startswith(
            "e2e-upstream"), resp.describe())
        if method != "HEAD":
            self.expect(f"{what}: X-Amzn-Remapped-Content-Length", str(len(resp.body)),
                        resp.header("X-Amzn-Remapped-Content-Length"), resp.describe())
        self.expect(f"{what}: method the upstream saw", method, echo.get("method"))
        self.expect(f"{what}: path the upstream saw", path, echo.get("path"))
        self.expect(f"{what}: query the upstream saw", query, echo.get("query"))
        return echo

    # ------------------------------------------------------------------------------------------
    # management API helpers

    def api_args(self, resource_id=None, verb=None):
        args = ["--rest-api-id", self.S["api"]]
        if resource_id:
            args += ["--resource-id", resource_id]
        if verb:
            args += ["--http-method", verb]
        return args

    def create_resource(self, parent_key, part):
        parent = self.S["res"][parent_key]
        r = self.cli.json("create-resource", "--rest-api-id", self.S["api"], "--parent-id", parent, "--path-part", part)
        path = (parent_key.rstrip("/") + "/" + part)
        self.expect(f"create-resource {part}: printed path", path, r.get("path"))
        self.expect(f"create-resource {part}: printed pathPart", part, r.get("pathPart"))
        self.expect(f"create-resource {part}: printed parentId", parent, r.get("parentId"))
        self.expect_match(f"create-resource {part}: printed id", RESOURCE_ID, r.get("id"))
        self.S["res"][path] = r["id"]
        return r["id"]

    def put_method(self, path, verb, request_parameters=None):
        args = self.api_args(self.S["res"][path], verb) + ["--authorization-type", "NONE"]
        if request_parameters:
            args += ["--request-parameters", ",".join(f"{k}=true" for k in request_parameters)]
        m = self.cli.json("put-method", *args)
        self.expect(f"put-method {verb} {path}: printed httpMethod", verb, m.get("httpMethod"))
        self.expect(f"put-method {verb} {path}: printed authorizationType", "NONE", m.get("authorizationType"))
        if request_parameters:
            self.expect(f"put-method {verb} {path}: printed requestParameters",
                        {k: True for k in request_parameters}, m.get("requestParameters"))

    def put_mock(self, path, verb, status, response_body, selection_pattern=None):
        """A MOCK method: template {"statusCode": N}, method response N, integration response N -> body."""
        rid, code = self.S["res"][path], str(status)
        self.put_method(path, verb)
        request_templates = {"application/json": json.dumps({"statusCode": status})}
        i = self.cli.json("put-integration", *self.api_args(rid, verb), "--type", "MOCK",
                          "--request-templates", json.dumps(request_templates))
        self.expect(f"put-integration MOCK {verb} {path}: printed type", "MOCK", i.get("type"))
        self.expect(f"put-integration MOCK {verb} {path}: printed requestTemplates", request_templates,
                    i.get("requestTemplates"))
        mr = self.cli.json("put-method-response", *self.api_args(rid, verb), "--status-code", code)
        self.expect(f"put-method-response {code} {verb} {path}: printed statusCode", code, mr.get("statusCode"))
        self.put_integration_response(path, verb, status, response_body, selection_pattern)

    def put_integration_response(self, path, verb, status, response_body, selection_pattern=None):
        code = str(status)
        args = self.api_args(self.S["res"][path], verb) + ["--status-code", code, "--response-templates",
                                                           json.dumps({"application/json": response_body})]
        if selection_pattern is not None:
            args += ["--selection-pattern", selection_pattern]
        ir = self.cli.json("put-integration-response", *args)
        what = f"put-integration-response {code} {verb} {path}"
        self.expect(f"{what}: printed statusCode", code, ir.get("statusCode"))
        self.expect(f"{what}: printed responseTemplates", {"application/json": response_body},
                    ir.get("responseTemplates"))
        if selection_pattern is not None:
            self.expect(f"{what}: printed selectionPattern", selection_pattern, ir.get("selectionPattern"))

    def put_http_proxy(self, path, verb, uri, path_params=(), timeout_ms=None):
        """An HTTP_PROXY method; path_params maps integration.request.path.X <- method.request.path.X."""
        rid = self.S["res"][path]
        self.put_method(path, verb, [f"method.request.path.{p}" for p in path_params])
        args = self.api_args(rid, verb) + ["--type", "HTTP_PROXY", "--integration-http-method", verb, "--uri", uri]
        mapping = {f"integration.request.path.{p}": f"method.request.path.{p}" for p in path_params}
        if mapping:
            args += ["--request-parameters", ",".join(f"{k}={v}" for k, v in mapping.items())]
        if timeout_ms is not None:
            args += ["--timeout-in-millis", str(timeout_ms)]
        i = self.cli.json("put-integration", *args)
        what = f"put-integration HTTP_PROXY {verb} {path}"
        self.expect(f"{what}: printed type", "HTTP_PROXY", i.get("type"))
        self.expect(f"{what}: printed httpMethod (the integration method)", verb, i.get("httpMethod"))
        self.expect(f"{what}: printed uri", uri, i.get("uri"))
        if mapping:
            self.expect(f"{what}: printed requestParameters", mapping, i.get("requestParameters"))
        self.expect(f"{what}: printed timeoutInMillis", timeout_ms if timeout_ms is not None else 29000,
                    i.get("timeoutInMillis"))

    def resource_paths(self):
        items = self.cli.json("get-resources", "--rest-api-id", self.S["api"], query="items")
        self.expect_true("get-resources: expected a list under `items`", isinstance(items, list), repr(items))
        return {r.get("path"): r.get("id") for r in items}

    def stage_pets(self, stage, expected_animal, form="host"):
        resp = self.invoke("GET", stage, "pets", form=form)
        self.expect_response(f"GET /{stage}/pets", resp, 200, {"pets": [expected_animal]})

    # ------------------------------------------------------------------------------------------
    # the steps

    def test_01_start(self):
        """start the upstream and a fresh Portico: no REST APIs yet"""
        r = http("GET", f"{self.upstream.base_url}/ping")
        self.expect("upstream self-check: status", 200, r.status, r.describe())
        self.expect("upstream self-check: echoed path", "/ping", r.json().get("path"))
        info = self.server.start()
        say(f"    portico ready: {info} (log: {self.server.log_path})")
        apis = self.cli.json("get-rest-apis", query="items")
        self.expect("get-rest-apis on a fresh data dir (--query items)", [], apis)

    def test_02_rest_api(self):
        """create-rest-api / get-rest-api / get-rest-apis / update-rest-api"""
        api = self.cli.json("create-rest-api", "--name", "e2e", "--description", "d")
        self.expect_match("create-rest-api: printed id (10 lowercase alphanumerics)", REST_API_ID, api.get("id"))
        self.S["api"] = api["id"]
        self.expect("create-rest-api: printed name", "e2e", api.get("name"))
        self.expect("create-rest-api: printed description", "d", api.get("description"))
        created = parse_cli_timestamp(api.get("createdDate"))
        skew = abs((created - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
        self.expect_true(f"create-rest-api: createdDate {api.get('createdDate')!r} should be within 10 minutes of "
                         f"now (epoch seconds on the wire)", skew < 600)

        got, listed = parallel(lambda: self.cli.json("get-rest-api", "--rest-api-id", self.S["api"]),
                               lambda: self.cli.json("get-rest-apis", query="items"))
        self.expect("get-rest-api: id", self.S["api"], got.get("id"))
        self.expect("get-rest-api: name", "e2e", got.get("name"))
        self.expect("get-rest-api: description", "d", got.get("description"))
        self.expect("get-rest-api: createdDate", api.get("createdDate"), got.get("createdDate"))
        self.expect("get-rest-apis: [(id, name)]", [(self.S["api"], "e2e")],
                    [(a.get("id"), a.get("name")) for a in listed])

        upd = self.cli.json("update-rest-api", "--rest-api-id", self.S["api"], "--patch-operations",
                            "op=replace,path=/description,value=changed")
        self.expect("update-rest-api /description: printed description", "changed", upd.get("description"))
        self.expect("update-rest-api /description: printed name (unchanged)", "e2e", upd.get("name"))
        self.expect("get-rest-api after update: description", "changed",
                    self.cli.text("get-rest-api", "--rest-api-id", self.S["api"], query="description"))

    def test_03_resources(self):
        """resources: root only at first, then a tree with literal, {var} and {proxy+} parts"""
        items = self.cli.json("get-resources", "--rest-api-id", self.S["api"], query="items")
        self.expect("get-resources on a new API: paths", ["/"], [r.get("path") for r in items or []])
        root = items[0]
        self.expect_match("root resource id", RESOURCE_ID, root.get("id"))
        self.expect_true(f"root resource should have no parentId/pathPart, got {root!r}",
                         "parentId" not in root and "pathPart" not in root)
        self.S["res"] = {"/": root["id"]}

        self.create_resource("/", "pets")
        parallel(lambda: self.create_resource("/pets", "{petId}"),
                 lambda: self.create_resource("/pets", "special"),
                 lambda: self.create_resource("/", "{proxy+}"))
        parallel(lambda: self.create_resource("/", "slow"),
                 lambda: self.create_resource("/", "slow2"))
        ids = list(self.S["res"].values())
        self.expect_true(f"resource ids should be distinct, got {self.S['res']!r}", len(set(ids)) == len(ids))

        _, _, paths = parallel(
            lambda: self.cli.error("ConflictException", "create-resource", "--rest-api-id", self.S["api"],
                                   "--parent-id", root["id"], "--path-part", "pets"),
            lambda: self.cli.error("NotFoundException", "get-resource", "--rest-api-id", self.S["api"],
                                   "--resource-id", "nosuch1"),
            lambda: self.resource_paths())
        self.expect("get-resources: every path with its id", self.S["res"], paths)
        pets = self.cli.json("get-resource", "--rest-api-id", self.S["api"], "--resource-id", self.S["res"]["/pets"])
        self.expect("get-resource /pets: (path, parentId)", ("/pets", root["id"]), (pets.get("path"), pets.get("parentId")))

    def test_04_mock_methods(self):
        """MOCK methods: GET and POST /pets, GET /pets/special answering 404; get-method / get-integration"""
        parallel(lambda: self.put_mock("/pets", "GET", 200, '{"pets": ["cat"]}'),
                 lambda: self.put_mock("/pets", "POST", 201, '{"created":true}'),
                 lambda: self.put_mock("/pets/special", "GET", 404, '{"error":"nope"}', selection_pattern="404"))
        pets = self.S["res"]["/pets"]
        method, integ, special = parallel(
            lambda: self.cli.json("get-method", *self.api_args(pets, "GET")),
            lambda: self.cli.json("get-integration", *self.api_args(pets, "GET")),
            lambda: self.cli.json("get-integration", *self.api_args(self.S["res"]["/pets/special"], "GET")))
        self.expect("get-method GET /pets: httpMethod", "GET", method.get("httpMethod"))
        self.expect("get-method GET /pets: authorizationType", "NONE", method.get("authorizationType"))
        self.expect("get-method GET /pets: methodIntegration.type", "MOCK",
                    (method.get("methodIntegration") or {}).get("type"), json.dumps(method))
        self.expect("get-method GET /pets: methodResponses keys", ["200"], sorted(method.get("methodResponses") or {}))
        self.expect("get-integration GET /pets: type", "MOCK", integ.get("type"))
        self.expect("get-integration GET /pets: requestTemplates", {"application/json": '{"statusCode": 200}'},
                    integ.get("requestTemplates"))
        self.expect("get-integration GET /pets: passthroughBehavior (AWS default)", "WHEN_NO_MATCH",
                    integ.get("passthroughBehavior"))
        self.expect("get-integration GET /pets: timeoutInMillis (AWS default)", 29000, integ.get("timeoutInMillis"))
        self.expect("get-integration GET /pets: integrationResponses.200.responseTemplates",
                    {"application/json": '{"pets": ["cat"]}'},
                    ((integ.get("integrationResponses") or {}).get("200") or {}).get("responseTemplates"),
                    json.dumps(integ))
        self.expect("get-integration GET /pets/special: integrationResponses.404.selectionPattern", "404",
                    ((special.get("integrationResponses") or {}).get("404") or {}).get("selectionPattern"),
                    json.dumps(special))

    def test_05_http_proxy_methods(self):
        """HTTP_PROXY methods: ANY /{proxy+}, GET /pets/{petId}, GET /slow (1 s timeout), GET /slow2 (5 s)"""
        up = self.upstream.base_url
        parallel(lambda: self.put_http_proxy("/{proxy+}", "ANY", f"{up}/backend/{{proxy}}", ["proxy"]),
                 lambda: self.put_http_proxy("/pets/{petId}", "GET", f"{up}/pet/{{petId}}", ["petId"]),
                 lambda: self.put_http_proxy("/slow", "GET", f"{up}/slow", timeout_ms=1000))
        self.put_http_proxy("/slow2", "GET", f"{up}/slow", timeout_ms=5000)
        integ = self.cli.json("get-integration", *self.api_args(self.S["res"]["/{proxy+}"], "ANY"))
        self.expect("get-integration ANY /{proxy+}: (type, httpMethod, uri)",
                    ("HTTP_PROXY", "ANY", f"{up}/backend/{{proxy}}"),
                    (integ.get("type"), integ.get("httpMethod"), integ.get("uri")))

    def test_06_deploy(self):
        """create-deployment --stage-name dev; get-stage / get-deployments / get-stages"""
        dep = self.cli.json("create-deployment", "--rest-api-id", self.S["api"], "--stage-name", "dev",
                            "--description", "first")
        self.expect_match("create-deployment: printed id", DEPLOYMENT_ID, dep.get("id"))
        self.S["dep1"] = dep["id"]
        parse_cli_timestamp(dep.get("createdDate"))
        stage, deps, stages = parallel(
            lambda: self.cli.json("get-stage", "--rest-api-id", self.S["api"], "--stage-name", "dev"),
            lambda: self.cli.json("get-deployments", "--rest-api-id", self.S["api"], query="items"),
            # GetStages is the one list whose member the CLI prints as `item` (its model says so)
            lambda: self.cli.json("get-stages", "--rest-api-id", self.S["api"], query="item"))
        self.expect("get-stage dev: (stageName, deploymentId)", ("dev", self.S["dep1"]),
                    (stage.get("stageName"), stage.get("deploymentId")))
        self.expect("get-deployments: ids", [self.S["dep1"]], [d.get("id") for d in deps or []])
        self.expect("get-stages (--query item): [(stageName, deploymentId)]", [("dev", self.S["dep1"])],
                    [(s.get("stageName"), s.get("deploymentId")) for s in stages or []])

    def test_07_invoke(self):
        """data plane: MOCK and HTTP_PROXY, both addressing forms, routing precedence, timeouts, 403s"""
        r1 = self.expect_response("MOCK GET /dev/pets (Host form)", self.invoke("GET", "dev", "pets"), 200,
                                  {"pets": ["cat"]}, content_type="application/json")
        r2 = self.expect_response("MOCK GET /dev/pets (path form)", self.invoke("GET", "dev", "pets", form="path"),
                                  200, {"pets": ["cat"]})
        self.expect_true("x-amzn-RequestId should differ between two requests, got "
                         f"{r1.header('x-amzn-RequestId')!r} twice",
                         r1.header("x-amzn-RequestId") != r2.header("x-amzn-RequestId"))
        self.expect_response("MOCK POST /dev/pets (exact verb, 201)",
                             self.invoke("POST", "dev", "pets", body='{"name": "rex"}',
                                         headers={"Content-Type": "application/json"}), 201, {"created": True})
        self.expect_response("literal /pets/special beats /pets/{petId} (MOCK 404)",
                             self.invoke("GET", "dev", "pets/special"), 404, {"error": "nope"})
        self.expect_response("literal /pets/special, path form", self.invoke("GET", "dev", "pets/special", form="path"),
                             404, {"error": "nope"})

        self.expect_echo("HTTP_PROXY GET /dev/pets/42", self.invoke("GET", "dev", "pets/42"), 200, "GET", "/pet/42")
        self.expect_echo("HTTP_PROXY GET /dev/pets/7 (path form) routes to {petId}",
                         self.invoke("GET", "dev", "pets/7", form="path"), 200, "GET", "/pet/7")
        self.expect_echo("HTTP_PROXY GET /dev/x/y routes to {proxy+}", self.invoke("GET", "dev", "x/y"), 200,
                         "GET", "/backend/x/y")
        body = '{"hello": "world", "n": [1, 2]}'
        resp = self.invoke("POST", "dev", "a/b/c?x=1&x=2", body=body,
                           headers={"X-Custom": "v", "Content-Type": "application/json"})
        echo = self.expect_echo("HTTP_PROXY POST /dev/a/b/c?x=1&x=2 (upstream answers 201)", resp, 201, "POST",
                                "/backend/a/b/c", query="x=1&x=2")
        headers = echo.get("headers") or {}
        self.expect("HTTP_PROXY POST: X-Custom header the upstream saw", "v", headers.get("x-custom"), repr(headers))
        self.expect("HTTP_PROXY POST: body the upstream saw", body, echo.get("body"))
        self.expect("HTTP_PROXY POST: Host header the upstream saw (AWS sends the integration's host)",
                    f"127.0.0.1:{self.upstream.port}", headers.get("host"), repr(headers))
        self.expect_echo("HTTP_PROXY DELETE /dev/a/b (path form) via ANY",
                         self.invoke("DELETE", "dev", "a/b", form="path"), 200, "DELETE", "/backend/a/b")

        # HEAD: its own method (ANY covers it); headers as for GET, no body.
        resp = self.invoke("HEAD", "dev", "x/y")
        self.expect("HEAD /dev/x/y via ANY: status", 200, resp.status, resp.describe())
        self.expect("HEAD /dev/x/y: no body", b"", resp.body, resp.describe())
        self.expect("HEAD /dev/x/y: X-Upstream", "yes", resp.header("X-Upstream"), resp.describe())
        self.expect("HEAD /dev/x/y: the Content-Length the upstream announced",
                    resp.header("X-Amzn-Remapped-Content-Length"), resp.header("Content-Length"), resp.describe())
        self.expect_true("HEAD /dev/x/y: the upstream saw a HEAD",
                         self.upstream.wait_for(lambda r: r["method"] == "HEAD" and r["path"] == "/backend/x/y", 5),
                         repr(self.upstream.requests()[-3:]))
        resp = self.invoke("HEAD", "dev", "pets")
        self.expect("HEAD /dev/pets (GET only): status", 403, resp.status, resp.describe())
        self.expect("HEAD /dev/pets: no body", b"", resp.body, resp.describe())
        self.expect("HEAD /dev/pets: x-amzn-ErrorType", "MissingAuthenticationTokenException",
                    (resp.header("x-amzn-ErrorType") or "").split(":")[0], resp.describe())
        self.expect("HEAD /dev/pets: Content-Length of the body a GET would get",
                    str(len('{"message":"Missing Authentication Token"}')), resp.header("Content-Length"),
                    resp.describe())

        resp = self.invoke("GET", "dev", "slow")
        self.expect_response("GET /dev/slow (1000 ms integration timeout, upstream sleeps 3 s)", resp, 504,
                             {"message": "Endpoint request timed out"})
        self.expect_true(f"GET /dev/slow should time out after about 1 s, took {resp.seconds:.2f} s",
                         0.8 <= resp.seconds < UPSTREAM_SLOW_SECONDS - 0.1)

        self.expect_missing_token("DELETE /dev/pets (no DELETE method on /pets)", self.invoke("DELETE", "dev", "pets"))
        self.expect_missing_token("GET /dev (no method on /; {proxy+} does not match its parent)",
                                  http("GET", f"{self.server.data_url}/dev", host=self.host()))
        self.expect_missing_token("GET /nostage/pets (unknown stage)", self.invoke("GET", "nostage", "pets"))
        self.expect_missing_token("GET /dev/pets on an unknown API id (Host form)",
                                  self.invoke("GET", "dev", "pets", api_id="zzzzzzzzzz"))
        self.expect_missing_token("GET /dev/pets on an unknown API id (path form)",
                                  self.invoke("GET", "dev", "pets", form="path", api_id="zzzzzzzzzz"))

    def test_08_redeploy(self):
        """edits do not reach a stage until redeployed; a second stage on the old deployment"""
        self.put_integration_response("/pets", "GET", 200, '{"pets": ["dog"]}')
        self.stage_pets("dev", "cat")  # not redeployed yet: the stage serves its snapshot
        dep2 = self.cli.text("create-deployment", "--rest-api-id", self.S["api"], "--stage-name", "dev",
                             "--description", "second", query="id")
        self.expect_match("second create-deployment: printed id", DEPLOYMENT_ID, dep2)
        self.expect_true(f"second deployment id should differ from the first ({dep2!r})", dep2 != self.S["dep1"])
        self.S["dep2"] = dep2
        self.stage_pets("dev", "dog")
        self.stage_pets("dev", "dog", form="path")

        st = self.cli.json("create-stage", "--rest-api-id", self.S["api"], "--stage-name", "prod",
                           "--deployment-id", self.S["dep1"])
        self.expect("create-stage prod: (stageName, deploymentId)", ("prod", self.S["dep1"]),
                    (st.get("stageName"), st.get("deploymentId")))
        self.stage_pets("prod", "cat")
        self.stage_pets("dev", "dog")
        _, dev_dep, deps = parallel(
            lambda: self.cli.error("BadRequestException", "delete-deployment", "--rest-api-id", self.S["api"],
                                   "--deployment-id", self.S["dep1"]),
            lambda: self.cli.text("get-stage", "--rest-api-id", self.S["api"], "--stage-name", "dev",
                                  query="deploymentId"),
            lambda: self.cli.json("get-deployments", "--rest-api-id", self.S["api"], query="items[].id"))
        self.expect("get-stage dev after redeploy: deploymentId", dep2, dev_dep)
        self.expect("get-deployments after the failed delete: ids (any order)", sorted([self.S["dep1"], dep2]),
                    sorted(deps or []))
        self.stage_pets("prod", "cat")

    def test_09_signatures(self):
        """SigV4 is verified: wrong secret, unknown key id, no signature at all"""
        _, _, resp = parallel(
            lambda: self.cli.error("InvalidSignatureException", "get-rest-apis", env={"AWS_SECRET_ACCESS_KEY": "wrong"}),
            lambda: self.cli.error("UnrecognizedClientException", "get-rest-apis",
                                   env={"AWS_ACCESS_KEY_ID": "AKIDUNKNOWNE2E"}),
            lambda: http("GET", f"{self.server.admin_url}/restapis", headers={"Accept": "application/json"}))
        say(f"    curl {resp.request} -> {resp.status} {clip(resp.text, 160)!r}")
        self.expect("unsigned GET /restapis on the admin port: status", 403, resp.status, resp.describe())
        self.expect_true("unsigned GET /restapis: x-amzn-ErrorType should contain MissingAuthenticationTokenException",
                         "MissingAuthenticationTokenException" in (resp.header("x-amzn-ErrorType") or ""),
                         resp.describe())
        self.expect_true("unsigned GET /restapis: body should be JSON with a message",
                         isinstance(resp.json(), dict) and "message" in {k.lower() for k in resp.json()},
                         resp.describe())
        self.expect("get-rest-apis with good credentials still works: ids", [self.S["api"]],
                    self.cli.json("get-rest-apis", query="items[].id"))

    def test_10_restart(self):
        """SIGTERM exits 0; a restart on the same data dir keeps APIs, resources and deployed stages"""
        rc = self.server.stop()
        self.expect("portico exit code after SIGTERM", 0, rc)
        info = self.server.start()
        say(f"    portico restarted: {info}")
        apis, paths, stages, integ = parallel(
            lambda: self.cli.json("get-rest-apis", query="items"),
            lambda: self.resource_paths(),
            lambda: self.cli.json("get-stages", "--rest-api-id", self.S["api"], query="item"),
            lambda: self.cli.json("get-integration", *self.api_args(self.S["res"]["/pets"], "GET")))
        self.expect("get-rest-apis after restart: [(id, name, description)]", [(self.S["api"], "e2e", "changed")],
                    [(a.get("id"), a.get("name"), a.get("description")) for a in apis or []])
        self.expect("get-resources after restart: every path with its id", self.S["res"], paths)
        self.expect("get-stages after restart: {stageName: deploymentId}",
                    {"dev": self.S["dep2"], "prod": self.S["dep1"]},
                    {s.get("stageName"): s.get("deploymentId") for s in stages or []})
        self.expect("get-integration GET /pets after restart: the undeployed edit survived",
                    {"application/json": '{"pets": ["dog"]}'},
                    ((integ.get("integrationResponses") or {}).get("200") or {}).get("responseTemplates"))
        self.stage_pets("dev", "dog")
        self.stage_pets("prod", "cat", form="path")
        self.expect_response("literal /pets/special after restart", self.invoke("GET", "dev", "pets/special"), 404,
                             {"error": "nope"})
        self.expect_echo("HTTP_PROXY GET /dev/pets/42 after restart", self.invoke("GET", "dev", "pets/42"), 200,
                         "GET", "/pet/42")

    def test_11_graceful_shutdown(self):
        """SIGTERM with a request in flight: the request completes with 200 and Portico exits 0"""
        started = time.time()
        result = {}

        def slow_request():
            try:
                result["resp"] = self.invoke("GET", "dev", "slow2", timeout=20)
            except BaseException as e:  # reported below
                result["error"] = e

        t = threading.Thread(target=slow_request, name="in-flight", daemon=True)
        t.start()
        seen = self.upstream.wait_for(lambda r: r["path"] == "/slow" and r["time"] >= started, timeout=10)
        self.expect_true("the upstream should see GET /slow (via /dev/slow2) within 10 s", seen is not None)
        say("    upstream has the request; sending SIGTERM")
        rc = self.server.stop()
        t.join(25)
        self.expect_true("the in-flight request should have finished", not t.is_alive())
        if "error" in result:
            raise E2EFailure(f"the in-flight GET /dev/slow2 failed: {result['error']}")
        self.expect_echo("in-flight GET /dev/slow2 across SIGTERM", result["resp"], 200, "GET", "/slow")
        self.expect("portico exit code after SIGTERM with a request in flight", 0, rc)
        info = self.server.start()
        say(f"    portico restarted: {info}")

    def test_12_delete(self):
        """delete-resource, delete-stage, delete-rest-api"""
        api, special = self.S["api"], self.S["res"]["/pets/special"]
        self.cli.silent("delete-resource", "--rest-api-id", api, "--resource-id", special)
        expected = {p: i for p, i in self.S["res"].items() if p != "/pets/special"}
        _, paths = parallel(
            lambda: self.cli.error("NotFoundException", "get-resource", "--rest-api-id", api, "--resource-id", special),
            lambda: self.resource_paths())
        self.expect("get-resources after delete-resource special: every path with its id", expected, paths)
        self.expect_response("GET /dev/pets/special after delete-resource (deployed snapshot unchanged)",
                             self.invoke("GET", "dev", "pets/special"), 404, {"error": "nope"})

        self.cli.silent("delete-stage", "--rest-api-id", api, "--stage-name", "prod")
        self.expect("get-stages after delete-stage prod: names", ["dev"],
                    self.cli.json("get-stages", "--rest-api-id", api, query="item[].stageName"))
        self.expect_missing_token("GET /prod/pets after delete-stage", self.invoke("GET", "prod", "pets"))
        self.stage_pets("dev", "dog")

        self.cli.silent("delete-rest-api", "--rest-api-id", api)
        _, apis = parallel(lambda: self.cli.error("NotFoundException", "get-rest-api", "--rest-api-id", api),
                           lambda: self.cli.json("get-rest-apis", query="items"))
        self.expect("get-rest-apis after delete-rest-api", [], apis)
        self.expect_missing_token("GET /dev/pets after delete-rest-api", self.invoke("GET", "dev", "pets"))

    def test_13_shutdown(self):
        """final SIGTERM: exit code 0"""
        self.expect("portico exit code after SIGTERM", 0, self.server.stop())


# ----------------------------------------------------------------------------------------------


class StepResult(unittest.TextTestResult):
    """Prints one header per step (from setUp) and its outcome; details of a failure come at the end."""

    def startTest(self, test):
        self._step_started = time.monotonic()
        unittest.TestResult.startTest(self, test)

    def _outcome(self, what):
        say(f"   {what} ({time.monotonic() - self._step_started:.1f} s)")

    def addSuccess(self, test):
        unittest.TestResult.addSuccess(self, test)
        self._outcome("step passed")

    def addFailure(self, test, err):
        unittest.TestResult.addFailure(self, test, err)
        self._outcome(f"STEP FAILED: {clip(str(err[1]), 600)}")

    def addError(self, test, err):
        unittest.TestResult.addError(self, test, err)
        self._outcome(f"STEP ERROR: {err[0].__name__}: {clip(str(err[1]), 600)}")


def _watchdog(deadline):
    say(f"\nE2E FAILED: the whole test exceeded its {deadline:.0f} s deadline during step "
        f"{ApiGatewayE2E.current_step}; workdir kept: {OPTS.workdir}; stacks:")
    faulthandler.dump_traceback(file=sys.stdout, all_threads=True)
    server = ApiGatewayE2E.server
    if server is not None:
        say("---- portico log (tail) ----\n" + server.log_tail() + "\n----")
        server.kill()
    sys.stdout.flush()
    os._exit(3)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--portico", required=True, help="path to the portico binary")
    ap.add_argument("--deadline", type=float, default=180.0, help="seconds before the watchdog ends the run")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (data dir, log) even on success")
    args = ap.parse_args()

    problems = []
    if not (os.path.isfile(args.portico) and os.access(args.portico, os.X_OK)):
        problems.append(f"--portico {args.portico!r} is not an executable file")
    if not os.access(AWS_CLI, os.X_OK):
        problems.append(f"{AWS_CLI} (Debian's AWS CLI v2, package awscli) is missing")
    if shutil.which("curl") is None:
        problems.append("curl is not on PATH")
    if problems:
        print("E2E SETUP ERROR: " + "; ".join(problems), flush=True)
        return 2

    OPTS.portico = os.path.abspath(args.portico)
    OPTS.workdir = tempfile.mkdtemp(prefix="portico-e2e-")
    say(f"e2e: portico {OPTS.portico}, workdir {OPTS.workdir}")
    timer = threading.Timer(args.deadline, _watchdog, args=(args.deadline,))
    timer.daemon = True
    timer.start()
    t0 = time.monotonic()
    suite = unittest.TestLoader().loadTestsFromTestCase(ApiGatewayE2E)
    total = suite.countTestCases()
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=1, failfast=True,
                                     resultclass=StepResult).run(suite)
    timer.cancel()
    elapsed = time.monotonic() - t0

    ok = result.wasSuccessful() and result.testsRun == total
    if ok:
        say(f"\nE2E PASSED: {total} steps in {elapsed:.1f} s")
        if not args.keep:
            shutil.rmtree(OPTS.workdir, ignore_errors=True)
        return 0
    failed = [t.id().rsplit(".", 1)[-1] for t, _ in result.failures + result.errors]
    server = ApiGatewayE2E.server
    if server is not None:
        say(f"\n---- portico log (tail of {server.log_path}) ----\n{server.log_tail()}\n----")
    say(f"\nE2E FAILED at {', '.join(failed) or '(unknown step)'} after {elapsed:.1f} s "
        f"({result.testsRun} of {total} steps ran); workdir kept: {OPTS.workdir}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
