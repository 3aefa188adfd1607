#!/usr/bin/env python3
"""End-to-end test of the gateway's Lambda integrations and mapping templates: the real portico
binary, configured with Debian's AWS CLI v2, called with curl (and http.client where a header must
repeat).

    /usr/bin/python3 tests/e2e/integration_e2e_test.py --portico build/asan-ubsan/portico

AWS_PROXY to Node and Python functions (every event field, multi-value query and headers, {proxy+},
a binary body round trip, the function chosen by a stage variable), a malformed proxy response and
a function error (502), an integration timeout (504), an AWS (non-proxy) integration to a Lambda
alias whose selectionPattern maps a function error to 400, the console's "method request
passthrough" template, 415 under passthroughBehavior NEVER, and a template syntax error refused at
put time, and customised gateway responses. Steps run in order; the first failure stops the run and prints the server log.
"""
import http.client as httpclient
import json
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, E2EFailure, PorticoServer, check, http, run_steps  # noqa: E402
from support.upstream import EchoUpstream  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "integration_fixtures")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
REGION_ARN = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
FN_ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe binary \x00 tail"


def lambda_uri(function):
    return REGION_ARN + FN_ARN + function + "/invocations"


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


class IntegrationE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        # A CA of the test's own for HTTPS upstreams: a certificate for localhost and 127.0.0.1, and
        # one for another name (which must be refused). Portico trusts the first via SSL_CERT_FILE.
        self.certs = {}
        for name, san in (("good", "DNS:localhost,IP:127.0.0.1"), ("wrong", "DNS:other.example")):
            cert, key = os.path.join(workdir, name + ".pem"), os.path.join(workdir, name + ".key")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                            "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=" + san],
                           check=True, capture_output=True, timeout=60)
            self.certs[name] = (cert, key)
        bundle = os.path.join(workdir, "trusted.pem")
        with open(bundle, "w") as out:
            for name in ("good", "wrong"):
                with open(self.certs[name][0]) as f:
                    out.write(f.read())
        self.server = PorticoServer(portico, workdir, ["--function-idle-seconds", "60"],
                                    env={"SSL_CERT_FILE": bundle})
        self.apigw = AwsCli(self.server)
        self.lam = AwsCli(self.server, service="lambda")
        self.resources = {}

    # -- helpers
    def zip_of(self, name, files):
        path = os.path.join(self.workdir, name)
        with zipfile.ZipFile(path, "w") as z:
            for archive_name, fixture_name in files.items():
                z.writestr(archive_name, fixture(fixture_name))
        return path

    def call(self, method, path, **kw):
        return http(method, f"{self.server.data_url}/dev/{path}", host=f"{self.api}.execute-api.localhost", **kw)

    def raw(self, method, path, headers, body=None):
        """http.client, for repeated header names (curl -H via a dict cannot repeat one)."""
        host, port = self.server.data_url.split("//")[1].split(":")
        conn = httpclient.HTTPConnection(host, int(port), timeout=30)
        conn.putrequest(method, f"/dev/{path}", skip_host=True)
        conn.putheader("Host", f"{self.api}.execute-api.localhost")
        for k, v in headers:
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        out = resp.status, resp.getheaders(), resp.read()
        conn.close()
        return out

    def resource(self, path):
        """Creates each missing part of `path` under the root; returns the resource id."""
        parent, so_far = self.resources["/"], ""
        for part in path.strip("/").split("/"):
            so_far += "/" + part
            if so_far not in self.resources:
                self.resources[so_far] = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id",
                                                         parent, "--path-part", part)["id"]
            parent = self.resources[so_far]
        return parent

    def method(self, path, verb, integration_type, uri=None, *extra, http_method="POST"):
        rid = self.resource(path) if path != "/" else self.resources["/"]
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", verb,
                        "--authorization-type", "NONE")
        args = ["--rest-api-id", self.api, "--resource-id", rid, "--http-method", verb, "--type", integration_type]
        if uri:
            args += ["--integration-http-method", http_method, "--uri", uri]
        self.apigw.json("put-integration", *args, *extra)
        return rid

    # -- steps
    def step_create_functions(self):
        self.server.start()
        specs = [("proxy-node", "nodejs20.x", "proxy.handler", {"proxy.js": "proxy.js"}),
                 ("proxy-py", "python3.12", "proxy.handler", {"proxy.py": "proxy.py"}),
                 ("calc", "python3.12", "calc.handler", {"calc.py": "calc.py"})]
        for name, runtime, handler, files in specs:
            self.lam.json("create-function", "--function-name", name, "--runtime", runtime, "--handler", handler,
                          "--role", ROLE, "--zip-file", "fileb://" + self.zip_of(name + ".zip", files))
        version = self.lam.json("publish-version", "--function-name", "calc")["Version"]
        self.lam.json("create-alias", "--function-name", "calc", "--name", "live", "--function-version", version)

    def step_build_api(self):
        api = self.apigw.json("create-rest-api", "--name", "lambda-integrations", "--binary-media-types", "image/png")
        self.api = api["id"]
        self.resources["/"] = self.apigw.text("get-resources", "--rest-api-id", self.api, query="items[0].id")
        # The function comes from a stage variable, as AWS allows in Lambda URIs.
        self.method("/{proxy+}", "ANY", "AWS_PROXY", lambda_uri("${stageVariables.proxyFn}"))
        self.method("/py", "GET", "AWS_PROXY", lambda_uri("proxy-py"))
        self.method("/slow", "GET", "AWS_PROXY", lambda_uri("proxy-node"), "--timeout-in-millis", "500")
        self.method("/missing", "GET", "AWS_PROXY", lambda_uri("no-such-function"))
        self.method("/wrong-verb", "GET", "AWS_PROXY", lambda_uri("proxy-node"), http_method="GET")

        calc_template = ('#if($input.params(\'fail\') != "")\n'
                         '{"fail": "$util.escapeJavaScript($input.params(\'fail\'))"}\n'
                         '#else\n'
                         '{"a": $input.json(\'$.a\'), "b": $input.json(\'$.b\')}\n'
                         '#end\n')
        rid = self.method("/calc", "POST", "AWS", lambda_uri("calc:live"), "--request-templates",
                          json.dumps({"application/json": calc_template}))
        for status, extra in (("200", []), ("400", ["--response-parameters", "method.response.header.X-Error=false"])):
            self.apigw.json("put-method-response", "--rest-api-id", self.api, "--resource-id", rid, "--http-method",
                            "POST", "--status-code", status, *extra)
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", rid,
                        "--http-method", "POST", "--status-code", "200", "--response-templates",
                        json.dumps({"application/json": '{"total": $input.json(\'$.sum\'), '
                                                        '"version": $input.json(\'$.version\')}'}))
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", rid,
                        "--http-method", "POST", "--status-code", "400", "--selection-pattern", "BadInput.*",
                        "--response-parameters", json.dumps({"method.response.header.X-Error": "'bad'"}),
                        "--response-templates",
                        json.dumps({"application/json": '{"error": $input.json(\'$.errorMessage\')}'}))

        rid = self.method("/passthrough/{id}", "POST", "AWS", lambda_uri("calc"), "--request-templates",
                          json.dumps({"application/json": fixture("passthrough.vtl").decode()}),
                          "--passthrough-behavior", "WHEN_NO_TEMPLATES")
        self.apigw.json("put-method-response", "--rest-api-id", self.api, "--resource-id", rid, "--http-method",
                        "POST", "--status-code", "200")
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", rid,
                        "--http-method", "POST", "--status-code", "200", "--selection-pattern", "")

        rid = self.method("/never", "POST", "MOCK", None, "--passthrough-behavior", "NEVER", "--request-templates",
                          json.dumps({"application/json": '{"statusCode": 200}'}))
        self.apigw.json("put-method-response", "--rest-api-id", self.api, "--resource-id", rid, "--http-method",
                        "POST", "--status-code", "200")
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", rid,
                        "--http-method", "POST", "--status-code", "200", "--selection-pattern", "")

        err = self.apigw.error("BadRequestException", "put-integration", "--rest-api-id", self.api, "--resource-id",
                               rid, "--http-method", "POST", "--type", "MOCK", "--request-templates",
                               json.dumps({"application/json": '{\n  "a": #if($x == 1) "one"\n}'}))
        check("line" in err and "column" in err, f"a template syntax error must name line and column: {err}")

        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev", "--variables",
                        "proxyFn=proxy-node")

    def step_proxy_event_node(self):
        status, headers, body = self.raw("GET", "a/b%20c?x=1&x=2&y=two+words", [
            ("X-Multi", "one"), ("X-Multi", "two"), ("User-Agent", "e2e-agent")])
        check(status == 200, (status, body))
        event = json.loads(body)
        check(event["resource"] == "/{proxy+}" and event["path"] == "/a/b%20c" and event["httpMethod"] == "GET",
              event)
        check(event["pathParameters"] == {"proxy": "a/b%20c"}, event["pathParameters"])
        check(event["queryStringParameters"] == {"x": "2", "y": "two words"}, event["queryStringParameters"])
        check(event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["two words"]},
              event["multiValueQueryStringParameters"])
        check(event["headers"]["X-Multi"] == "two" and event["multiValueHeaders"]["X-Multi"] == ["one", "two"],
              event["multiValueHeaders"])
        check(event["stageVariables"] == {"proxyFn": "proxy-node"}, event["stageVariables"])
        check(event["body"] is None and event["isBase64Encoded"] is False, event)
        rc = event["requestContext"]
        check(rc["stage"] == "dev" and rc["path"] == "/dev/a/b%20c" and rc["resourcePath"] == "/{proxy+}", rc)
        check(rc["apiId"] == self.api and rc["httpMethod"] == "GET" and rc["identity"]["sourceIp"] == "127.0.0.1",
              rc)
        check(rc["identity"]["userAgent"] == "e2e-agent" and rc["requestId"] and rc["accountId"], rc)
        check(isinstance(rc["requestTimeEpoch"], int) and rc["protocol"] == "HTTP/1.1", rc)
        cookies = [v for k, v in headers if k.lower() == "set-cookie"]
        named = {k.lower(): v for k, v in headers}
        check(cookies == ["a=1", "b=2"], headers)
        check(named["x-echo"] == "node" and named["x-both"] == "m1, solo", headers)
        check(named["content-type"] == "application/json" and named.get("x-amzn-requestid") == rc["requestId"],
              headers)

        resp = self.call("POST", "items", headers={"Content-Type": "application/json"}, body='{"n": 1}')
        check(resp.status == 200 and resp.json()["body"] == '{"n": 1}' and resp.json()["httpMethod"] == "POST",
              resp.describe())

    def step_proxy_event_python(self):
        resp = self.call("GET", "py?q=1")
        check(resp.status == 201, resp.describe())
        out = resp.json()
        check(out["function"] == "proxy-py" and out["event"]["queryStringParameters"] == {"q": "1"}, out)
        check(out["event"]["resource"] == "/py" and out["event"]["pathParameters"] is None, out)

    def step_binary_round_trip(self):
        resp = self.call("POST", "binary", headers={"Content-Type": "image/png", "Accept": "image/png"}, body=PNG)
        check(resp.status == 200 and resp.body == PNG, f"binary body must round-trip: {resp.describe()}")
        check(resp.header("Content-Type") == "image/png", resp.describe())
        # Without a binary Accept type, the client gets the base64 text the function returned.
        import base64
        resp = self.call("POST", "binary", headers={"Content-Type": "image/png", "Accept": "application/json"},
                         body=PNG)
        check(resp.status == 200 and base64.b64decode(resp.body) == PNG, resp.describe())

    def step_proxy_failures(self):
        for path, status, message in (("malformed", 502, "Internal server error"),
                                      ("boom", 502, "Internal server error"),
                                      ("slow", 504, "Endpoint request timed out"),
                                      ("missing", 502, "Internal server error"),
                                      ("wrong-verb", 500, "Internal server error")):
            resp = self.call("GET", path)
            check(resp.status == status and resp.json() == {"message": message}, f"{path}: {resp.describe()}")
            check(resp.header("x-amzn-RequestId"), resp.describe())
        check("Malformed Lambda proxy response" in self.server.log_tail(400), "the log must say why a 502 happened")

    def step_aws_integration_selection_pattern(self):
        resp = self.call("POST", "calc", headers={"Content-Type": "application/json"}, body='{"a": 2, "b": 3}')
        check(resp.status == 200 and resp.json() == {"total": 5, "version": "1"}, resp.describe())
        resp = self.call("POST", "calc?fail=oops", headers={"Content-Type": "application/json"}, body="{}")
        check(resp.status == 400 and resp.json() == {"error": "BadInput: oops"}, resp.describe())
        check(resp.header("X-Error") == "bad", resp.describe())

    def step_method_request_passthrough_template(self):
        resp = self.call("POST", "passthrough/p-7?q=v%26w", headers={"Content-Type": "application/json",
                                                                     "X-Test": "yes"}, body='{"k": [1, 2]}')
        check(resp.status == 200, resp.describe())
        event = resp.json()["event"]
        check(event["body-json"] == {"k": [1, 2]}, event)
        check(event["params"]["path"] == {"id": "p-7"} and event["params"]["querystring"] == {"q": "v&w"}, event)
        check(event["params"]["header"]["X-Test"] == "yes", event)
        check(event["stage-variables"] == {"proxyFn": "proxy-node"}, event)
        ctx = event["context"]
        check(ctx["api-id"] == self.api and ctx["stage"] == "dev" and ctx["http-method"] == "POST", ctx)
        check(ctx["resource-path"] == "/passthrough/{id}" and ctx["source-ip"] == "127.0.0.1", ctx)
        check(ctx["request-id"] == resp.header("x-amzn-RequestId"), ctx)

    def step_never_is_415(self):
        resp = self.call("POST", "never", headers={"Content-Type": "text/plain"}, body="hello")
        check(resp.status == 415 and resp.json() == {"message": "Unsupported Media Type"}, resp.describe())
        resp = self.call("POST", "never", headers={"Content-Type": "application/json"}, body="{}")
        check(resp.status == 200, resp.describe())

    def step_gateway_responses(self):
        default = self.apigw.json("get-gateway-response", "--rest-api-id", self.api, "--response-type", "UNAUTHORIZED")
        check(default["defaultResponse"] is True and default["statusCode"] == "401", default)
        check(default["responseTemplates"] == {"application/json": '{"message":$context.error.messageString}'},
              default)
        self.apigw.json("put-gateway-response", "--rest-api-id", self.api, "--response-type",
                        "MISSING_AUTHENTICATION_TOKEN", "--status-code", "404", "--response-parameters",
                        json.dumps({"gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                                    "gatewayresponse.header.X-Asked": "method.request.header.X-Req"}),
                        "--response-templates",
                        json.dumps({"application/json": '{"error": $context.error.messageString, '
                                                        '"type": "$context.error.responseType", '
                                                        '"stage": "$context.stage"}'}))
        self.apigw.json("put-gateway-response", "--rest-api-id", self.api, "--response-type", "DEFAULT_5XX",
                        "--response-parameters", json.dumps({"gatewayresponse.header.X-Five": "'yes'"}))
        items = self.apigw.json("get-gateway-responses", "--rest-api-id", self.api)["items"]
        check(len(items) == 21 and sum(1 for i in items if not i["defaultResponse"]) == 2, items)
        self.apigw.error("BadRequestException", "put-gateway-response", "--rest-api-id", self.api,
                         "--response-type", "UNAUTHORIZED", "--response-templates",
                         json.dumps({"application/json": "#if("}))
        # Customisations take effect with the next deployment.
        resp = self.call("GET", "", headers={"X-Req": "hello"})
        check(resp.status == 403 and resp.json() == {"message": "Missing Authentication Token"}, resp.describe())
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")
        resp = self.call("GET", "", headers={"X-Req": "hello"})
        check(resp.status == 404 and resp.json() == {"error": "Missing Authentication Token",
                                                     "type": "MISSING_AUTHENTICATION_TOKEN", "stage": "dev"},
              resp.describe())
        check(resp.header("Access-Control-Allow-Origin") == "*" and resp.header("X-Asked") == "hello",
              resp.describe())
        check(resp.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException", resp.describe())
        resp = self.call("GET", "malformed")
        check(resp.status == 502 and resp.header("X-Five") == "yes", resp.describe())
        check(resp.json() == {"message": "Internal server error"}, resp.describe())
        self.apigw.silent("delete-gateway-response", "--rest-api-id", self.api, "--response-type", "DEFAULT_5XX")
        again = self.apigw.json("get-gateway-response", "--rest-api-id", self.api, "--response-type", "DEFAULT_5XX")
        check(again["defaultResponse"] is True and "statusCode" not in again, again)


    def step_https_upstreams(self):
        good = EchoUpstream(tls=self.certs["good"])
        wrong = EchoUpstream(tls=self.certs["wrong"])
        plain = EchoUpstream()
        try:
            self.method("tls/name/{proxy+}", "ANY", "HTTP_PROXY", f"https://localhost:{good.port}/{{proxy}}",
                        http_method="ANY")
            self.method("tls/ip", "GET", "HTTP_PROXY", f"https://127.0.0.1:{good.port}/by-ip", http_method="GET")
            self.method("tls/wrong", "GET", "HTTP_PROXY", f"https://localhost:{wrong.port}/x", http_method="GET")
            self.method("tls/plain", "GET", "HTTP_PROXY", f"https://127.0.0.1:{plain.port}/x", http_method="GET")
            self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")
            for i in range(3):  # several in a row (a pooled connection after the first)
                resp = self.call("POST", f"tls/name/a/b?i={i}", body="sealed")
                check(resp.status == 201, resp.describe())
                echo = resp.json()
                check(echo["path"] == "/a/b" and echo["query"] == f"i={i}" and echo["body"] == "sealed", echo)
                check(echo["headers"]["host"] == f"localhost:{good.port}", echo)
            resp = self.call("GET", "tls/ip")
            check(resp.status == 200 and resp.json()["path"] == "/by-ip", resp.describe())
            # A certificate for another name, and a server that does not speak TLS, are refused.
            for path in ("tls/wrong", "tls/plain"):
                resp = self.call("GET", path)
                check(resp.status >= 500 and resp.json() == {"message": "Internal server error"},
                      f"{path}: {resp.describe()}")
            check(not wrong.requests() and not plain.requests(), "nothing was sent to a peer that failed TLS")
        finally:
            for s in (good, wrong, plain):
                s.close()


def main():
    return run_steps(IntegrationE2E, "INTEGRATION", __doc__)


if __name__ == "__main__":
    sys.exit(main())
