#!/usr/bin/env python3
"""End-to-end test of TestInvokeMethod and of the web console's session API: the real portico
binary, driven with Debian's AWS CLI v2 and curl.

    /usr/bin/python3 tests/e2e/test_invoke_e2e_test.py --portico build/asan-ubsan/portico

test-invoke-method on MOCK and HTTP_PROXY methods (status, body, headers, the execution log's
steps), stage variables, an undeployed edit seen by test-invoke but not by the stage, errors for
unknown resources and methods; the console: its pages, login (wrong secret refused), a session
cookie (HttpOnly, SameSite=Strict) that authorizes management calls only with the CSRF header,
logout revoking the session. Steps run in order; the first failure stops the run.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, E2EFailure, PorticoServer, check, http, run_steps  # noqa: E402
from support.upstream import EchoUpstream  # noqa: E402

LOG_STEPS = ["Starting execution for request: ", "HTTP Method: GET, Resource Path: /pets/7",
             "Method request path: {id=7}", "Method request query string: {q=1}",
             "Method request headers: {", "Method request body before transformations: ",
             "Endpoint request body after transformations: ", "Method response body after transformations: ",
             "Successfully completed execution", "Method completed with status: 200"]
LOG_LINE = re.compile(r"^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : ")


class TestInvokeE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        console = os.path.join(workdir, "console")
        os.makedirs(os.path.join(console, "assets"))
        with open(os.path.join(console, "index.html"), "w") as f:
            f.write("<!doctype html><title>Portico</title><div id=app></div>")
        with open(os.path.join(console, "assets", "app-1234.js"), "w") as f:
            f.write("console.log('console');\n")
        self.server = PorticoServer(portico, workdir, ["--console-dir", console])
        self.apigw = AwsCli(self.server)
        self.upstream = EchoUpstream()

    def invoke(self, rid, *args, method="GET"):
        return self.apigw.json("test-invoke-method", "--rest-api-id", self.api, "--resource-id", rid,
                               "--http-method", method, *args)

    def put_mock(self, rid, template):
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", "GET",
                        "--authorization-type", "NONE", "--api-key-required")
        self.apigw.json("put-integration", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", "GET",
                        "--type", "MOCK", "--request-templates",
                        json.dumps({"application/json": '{"statusCode": 200}'}))
        self.apigw.json("put-method-response", "--rest-api-id", self.api, "--resource-id", rid, "--http-method",
                        "GET", "--status-code", "200")
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", rid,
                        "--http-method", "GET", "--status-code", "200", "--response-templates",
                        json.dumps({"application/json": template}))

    # -- steps
    def step_setup(self):
        self.server.start()
        self.api = self.apigw.json("create-rest-api", "--name", "test-invoke")["id"]
        root = self.apigw.text("get-resources", "--rest-api-id", self.api, query="items[0].id")
        pets = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", root,
                               "--path-part", "pets")["id"]
        self.pet = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", pets,
                                   "--path-part", "{id}")["id"]
        # The method requires an API key: test invoke bypasses that, as AWS's does.
        self.put_mock(self.pet, '{"id": "$input.params(\'id\')", "q": "$input.params(\'q\')", '
                                '"stage": "$stageVariables.color", "version": 1}')
        self.up = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", root,
                                  "--path-part", "up")["id"]
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", self.up, "--http-method", "POST",
                        "--authorization-type", "NONE")
        self.apigw.json("put-integration", "--rest-api-id", self.api, "--resource-id", self.up, "--http-method",
                        "POST", "--type", "HTTP_PROXY", "--integration-http-method", "POST", "--uri",
                        self.upstream.base_url + "/echo")
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev", "--variables",
                        "color=blue")

    def step_mock(self):
        out = self.invoke(self.pet, "--path-with-query-string", "/pets/7?q=1", "--headers", "X-Trace=abc",
                          "--stage-variables", "color=green")
        check(out["status"] == 200, out)
        body = json.loads(out["body"])
        check(body == {"id": "7", "q": "1", "stage": "green", "version": 1}, out)
        check(out["headers"]["Content-Type"] == "application/json" and "x-amzn-RequestId" in out["headers"], out)
        check(out["multiValueHeaders"]["Content-Type"] == ["application/json"], out)
        check(isinstance(out["latency"], int) and out["latency"] >= 0, out)
        log = out["log"].splitlines()
        check(log[0].startswith("Execution log for request "), out["log"])
        check(all(LOG_LINE.match(line) for line in log[1:]), out["log"])
        at = 0
        for step in LOG_STEPS:  # every step, in order
            while at < len(log) and step not in log[at]:
                at += 1
            check(at < len(log), f"execution log lacks {step!r} (in order):\n{out['log']}")
        check("X-Trace=abc" in out["log"], out["log"])

    def step_http_proxy(self):
        out = self.invoke(self.up, "--path-with-query-string", "/up?x=y", "--body", '{"a":1}', "--headers",
                          "X-Trace=proxy", method="POST")
        check(out["status"] == 201, out)
        echoed = json.loads(out["body"])
        check(echoed["path"] == "/echo" and echoed["query"] == "x=y" and echoed["body"] == '{"a":1}', out)
        check(echoed["headers"].get("x-trace") == "proxy", out)
        check(out["headers"].get("X-Upstream") == "yes", out)
        uri = self.upstream.base_url + "/echo?x=y"
        for step in ("Endpoint request URI: " + uri, "Endpoint request headers: {", "Sending request to " + uri,
                     "Received response. Status: 201, Integration latency: ",
                     "Endpoint response body before transformations: {", "Method completed with status: 201"):
            check(step in out["log"], f"execution log lacks {step!r}:\n{out['log']}")

    def step_undeployed_edit(self):
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", self.pet,
                        "--http-method", "GET", "--status-code", "200", "--response-templates",
                        json.dumps({"application/json": '{"version": 2}'}))
        out = self.invoke(self.pet, "--path-with-query-string", "/pets/7")
        check(json.loads(out["body"]) == {"version": 2}, f"test invoke sees the edit: {out}")
        key = self.apigw.json("create-api-key", "--name", "k", "--enabled")
        plan = self.apigw.json("create-usage-plan", "--name", "p", "--api-stages", f"apiId={self.api},stage=dev")
        self.apigw.json("create-usage-plan-key", "--usage-plan-id", plan["id"], "--key-id", key["id"],
                        "--key-type", "API_KEY")
        value = self.apigw.text("get-api-key", "--api-key", key["id"], "--include-value", query="value")
        resp = http("GET", f"{self.server.data_url}/restapis/{self.api}/dev/_user_request_/pets/7",
                    headers={"x-api-key": value})
        check(resp.status == 200 and resp.json()["version"] == 1, f"the stage still serves v1: {resp.describe()}")
        # Without a key the deployed stage refuses; test invoke did not need one.
        resp = http("GET", f"{self.server.data_url}/restapis/{self.api}/dev/_user_request_/pets/7")
        check(resp.status == 403, resp.describe())

    def step_errors(self):
        self.apigw.error("NotFoundException", "test-invoke-method", "--rest-api-id", self.api, "--resource-id",
                         "nope00", "--http-method", "GET")
        self.apigw.error("NotFoundException", "test-invoke-method", "--rest-api-id", self.api, "--resource-id",
                         self.pet, "--http-method", "DELETE")
        self.apigw.error("NotFoundException", "test-invoke-method", "--rest-api-id", "nope000000",
                         "--resource-id", self.pet, "--http-method", "GET")
        # An unreachable backend is answered (and logged) as the stage would answer it.
        down = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", self.up,
                               "--path-part", "down")["id"]
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", down, "--http-method", "GET",
                        "--authorization-type", "NONE")
        self.apigw.json("put-integration", "--rest-api-id", self.api, "--resource-id", down, "--http-method",
                        "GET", "--type", "HTTP_PROXY", "--integration-http-method", "GET", "--uri",
                        "http://127.0.0.1:1/nothing")
        out = self.invoke(down, "--path-with-query-string", "/up/down")
        check(out["status"] >= 500 and f"Method completed with status: {out['status']}" in out["log"], out)
        check("Execution failed due to configuration error" in out["log"], out["log"])

    def step_console_pages(self):
        base = self.server.admin_url
        resp = http("GET", base + "/console")
        check(resp.status == 301 and resp.header("Location") == "/console/", resp.describe())
        for path in ("/console/", "/console/apis/abc/resources"):
            resp = http("GET", base + path)
            check(resp.status == 200 and "<div id=app>" in resp.text, resp.describe())
            check(resp.header("Content-Security-Policy").startswith("default-src 'self'"), resp.describe())
            check(resp.header("Cache-Control") == "no-cache", resp.describe())
        resp = http("GET", base + "/console/assets/app-1234.js")
        check(resp.status == 200 and resp.header("Content-Type").startswith("text/javascript"), resp.describe())
        check("immutable" in resp.header("Cache-Control"), resp.describe())
        for path in ("/console/assets/missing.js", "/console/.env.js", "/console/assets//x.js",
                     "/console/%2e%2e/data/portico.db"):
            resp = http("GET", base + path)
            check(resp.status == 404, f"{path}: {resp.describe()}")

    def step_console_session(self):
        base = self.server.admin_url
        resp = http("GET", base + "/console/api/session")
        check(resp.status == 401 and resp.header("x-amzn-ErrorType") == "UnrecognizedClientException",
              resp.describe())
        resp = http("POST", base + "/console/api/login", body=json.dumps({"accessKeyId": "test",
                                                                           "secretAccessKey": "wrong"}))
        check(resp.status == 401 and "wrong" in resp.json()["message"], resp.describe())
        check(not resp.header("Set-Cookie"), resp.describe())
        resp = http("POST", base + "/console/api/login", body="{not json")
        check(resp.status == 400, resp.describe())
        resp = http("POST", base + "/console/api/login", body=json.dumps({"accessKeyId": "test",
                                                                           "secretAccessKey": "test"}),
                    headers={"Origin": "http://evil.example"})
        check(resp.status == 403, f"a cross-site login is refused: {resp.describe()}")
        resp = http("POST", base + "/console/api/login", body=json.dumps({"accessKeyId": "test",
                                                                           "secretAccessKey": "test"}))
        check(resp.status == 200, resp.describe())
        session = resp.json()
        check(session["accessKeyId"] == "test" and len(session["csrfToken"]) == 64, session)
        check(session["dataPlaneUrl"] == self.server.data_url, session)
        cookie = resp.header("Set-Cookie")
        check("HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie, cookie)
        token = cookie.split(";", 1)[0]
        csrf = {"Cookie": token, "X-Portico-Csrf": session["csrfToken"]}
        resp = http("GET", base + "/console/api/session", headers={"Cookie": token})
        check(resp.status == 200 and resp.json()["csrfToken"] == session["csrfToken"], resp.describe())
        # Browsers send the cookie to the data plane's port too: it must never reach a backend.
        resp = http("POST", f"{self.server.data_url}/restapis/{self.api}/dev/_user_request_/up",
                    headers={"Cookie": f"theme=dark; {token}; lang=en"}, body="x")
        check(resp.status == 201 and resp.json()["headers"].get("cookie") == "theme=dark; lang=en", resp.describe())
        resp = http("POST", f"{self.server.data_url}/restapis/{self.api}/dev/_user_request_/up",
                    headers={"Cookie": token}, body="x")
        check(resp.status == 201 and "cookie" not in resp.json()["headers"], resp.describe())
        # The cookie alone does not authorize a management call: the CSRF header must match.
        resp = http("GET", base + "/restapis", headers={"Cookie": token})
        check(resp.status == 403 and resp.header("x-amzn-ErrorType") == "AccessDeniedException", resp.describe())
        resp = http("GET", base + "/restapis", headers={"Cookie": token, "X-Portico-Csrf": "0" * 64})
        check(resp.status == 403, resp.describe())
        resp = http("GET", base + "/restapis", headers=csrf)
        check(resp.status == 200 and any(i["id"] == self.api for i in resp.json()["item"]), resp.describe())
        resp = http("POST", base + "/restapis", headers=dict(csrf, **{"Content-Type": "application/json"}),
                    body=json.dumps({"name": "from-console"}))
        check(resp.status == 201 and resp.json()["name"] == "from-console", resp.describe())
        # A tampered cookie is refused.
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        resp = http("GET", base + "/restapis", headers={"Cookie": bad, "X-Portico-Csrf": session["csrfToken"]})
        check(resp.status == 401, resp.describe())
        # The console's test invoke is the same operation.
        resp = http("POST", f"{base}/restapis/{self.api}/resources/{self.pet}/methods/GET",
                    headers=dict(csrf, **{"Content-Type": "application/json"}),
                    body=json.dumps({"pathWithQueryString": "/pets/9"}))
        check(resp.status == 200 and resp.json()["status"] == 200, resp.describe())
        # Sessions survive a restart (the signing key lives in the data dir).
        self.server.stop()
        self.server.start()
        base = self.server.admin_url
        resp = http("GET", base + "/restapis", headers=csrf)
        check(resp.status == 200, f"the session outlives a restart: {resp.describe()}")
        # Logout needs the CSRF header, clears the cookie and revokes the session.
        resp = http("POST", base + "/console/api/logout", headers={"Cookie": token})
        check(resp.status == 403, resp.describe())
        resp = http("POST", base + "/console/api/logout", headers=csrf)
        check(resp.status == 204 and "Max-Age=0" in resp.header("Set-Cookie"), resp.describe())
        resp = http("GET", base + "/restapis", headers=csrf)
        check(resp.status == 401, f"a logged-out session is refused: {resp.describe()}")


if __name__ == "__main__":
    sys.exit(run_steps(TestInvokeE2E, "Test invoke",
                       "TestInvokeMethod and the console session API, end to end"))
