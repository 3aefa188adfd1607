#!/usr/bin/env python3
"""End-to-end test of the Method Request stage: models, request validators and the gateway
responses they produce, driven through the real portico binary with Debian's AWS CLI v2 and curl.

    /usr/bin/python3 tests/e2e/method_request_e2e_test.py --portico build/asan-ubsan/portico

Models (default Empty/Error, draft-4 schemas with RE2 patterns, $ref to another model by its
model URL, schemas refused at put time), request validators (parameters, body, both), 400s with
AWS's exact bodies, $context.error.validationErrorString in a customised BAD_REQUEST_BODY, and
validators switched off by a redeploy; API keys (created, imported from CSV), usage plans and their
keys, 403 Forbidden for missing/unknown/disabled/unplanned keys, an exact quota under concurrent
requests that holds across a restart, get-usage, plan throttling measured against its rate, and
stage method throttling. Steps run in order; the first failure stops the run and
prints the server log.
"""
import concurrent.futures
import datetime
import http.client as httpclient
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, E2EFailure, PorticoServer, check, http, run_steps  # noqa: E402

PET_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": "^[A-Z][a-z]+$"},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    },
    "additionalProperties": False,
}
# AWS's idiom for JSON-safe text: escapeJavaScript, then undo its \' (not valid in JSON).
DETAIL = """$util.escapeJavaScript($context.error.validationErrorString).replaceAll("\\\\'","'")"""


class MethodRequestE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir)
        self.apigw = AwsCli(self.server)
        self.resources = {}

    def fast(self, path, headers=None, stage="dev"):
        """One GET through http.client (cheaper than curl for load); returns (status, body)."""
        host, port = self.server.data_url.split("//")[1].split(":")
        conn = httpclient.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", f"/{stage}/{path}", headers={"Host": f"{self.api}.execute-api.localhost",
                                                          **(headers or {})})
        resp = conn.getresponse()
        out = resp.status, resp.read()
        conn.close()
        return out

    def call(self, method, path, **kw):
        return http(method, f"{self.server.data_url}/dev/{path}", host=f"{self.api}.execute-api.localhost", **kw)

    def mock_method(self, path_part, verb, *method_args):
        rid = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", self.root,
                              "--path-part", path_part)["id"]
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", verb,
                        "--authorization-type", "NONE", *method_args)
        self.apigw.json("put-integration", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", verb,
                        "--type", "MOCK", "--request-templates", json.dumps({"application/json": '{"statusCode": 200}'}))
        self.apigw.json("put-method-response", "--rest-api-id", self.api, "--resource-id", rid, "--http-method",
                        verb, "--status-code", "200")
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", rid,
                        "--http-method", verb, "--status-code", "200", "--response-templates",
                        json.dumps({"application/json": '{"ok": true}'}))
        return rid

    # -- steps
    def step_models(self):
        self.server.start()
        self.api = self.apigw.json("create-rest-api", "--name", "validation")["id"]
        self.root = self.apigw.text("get-resources", "--rest-api-id", self.api, query="items[0].id")
        names = sorted(m["name"] for m in self.apigw.json("get-models", "--rest-api-id", self.api)["items"])
        check(names == ["Empty", "Error"], f"a new API has the Empty and Error models: {names}")
        pet = self.apigw.json("create-model", "--rest-api-id", self.api, "--name", "Pet", "--content-type",
                              "application/json", "--schema", json.dumps(PET_SCHEMA))
        check(pet["name"] == "Pet" and json.loads(pet["schema"]) == PET_SCHEMA and pet["id"], pet)
        url = f"https://apigateway.amazonaws.com/restapis/{self.api}/models/Pet"
        self.apigw.json("create-model", "--rest-api-id", self.api, "--name", "Pets", "--content-type",
                        "application/json", "--schema", json.dumps({"type": "array", "items": {"$ref": url},
                                                                    "minItems": 1}))
        got = self.apigw.json("get-model", "--rest-api-id", self.api, "--model-name", "Pets")
        check(got["name"] == "Pets", got)
        for bad in ("{not json", json.dumps({"$ref": url.replace("/Pet", "/Nope")}),
                    json.dumps({"patternProperties": {"^a": {"type": "string"}}}),
                    json.dumps({"type": "string", "pattern": "(unclosed"})):
            self.apigw.error("BadRequestException", "create-model", "--rest-api-id", self.api, "--name", "Bad",
                             "--content-type", "application/json", "--schema", bad)
        self.apigw.error("ConflictException", "create-model", "--rest-api-id", self.api, "--name", "Pet",
                         "--content-type", "application/json", "--schema", "{}")
        self.apigw.error("BadRequestException", "create-model", "--rest-api-id", self.api, "--name", "not-alnum",
                         "--content-type", "application/json", "--schema", "{}")
        self.apigw.error("NotFoundException", "get-model", "--rest-api-id", self.api, "--model-name", "Nope")

    def step_validators_and_methods(self):
        both = self.apigw.json("create-request-validator", "--rest-api-id", self.api, "--name", "both",
                               "--validate-request-body", "--validate-request-parameters")
        check(both["validateRequestBody"] is True and both["validateRequestParameters"] is True, both)
        self.both = both["id"]
        params = self.apigw.json("create-request-validator", "--rest-api-id", self.api, "--name", "params",
                                 "--validate-request-parameters")
        check(params["validateRequestBody"] is False, params)
        listed = self.apigw.json("get-request-validators", "--rest-api-id", self.api)["items"]
        check(sorted(v["name"] for v in listed) == ["both", "params"], listed)

        self.pets = self.mock_method("pets", "POST", "--request-validator-id", self.both, "--request-models",
                                     json.dumps({"application/json": "Pet"}), "--request-parameters",
                                     json.dumps({"method.request.querystring.owner": True,
                                                 "method.request.header.X-Token": True,
                                                 "method.request.querystring.optional": False}))
        self.mock_method("batch", "POST", "--request-validator-id", self.both, "--request-models",
                         json.dumps({"application/json": "Pets"}))
        self.mock_method("search", "GET", "--request-validator-id", params["id"], "--request-parameters",
                         json.dumps({"method.request.querystring.q": True}))
        rid = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", self.root, "--path-part",
                              "broken")["id"]
        self.apigw.error("BadRequestException", "put-method", "--rest-api-id", self.api, "--resource-id", rid,
                         "--http-method", "POST", "--authorization-type", "NONE", "--request-models",
                         json.dumps({"application/json": "Nope"}))
        self.apigw.error("BadRequestException", "put-method", "--rest-api-id", self.api, "--resource-id", rid,
                         "--http-method", "POST", "--authorization-type", "NONE", "--request-validator-id", "nope00")
        self.apigw.error("ConflictException", "delete-model", "--rest-api-id", self.api, "--model-name", "Pet")
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")

    def step_parameter_validation(self):
        resp = self.call("POST", "pets", headers={"Content-Type": "application/json"}, body='{"name": "Rex"}')
        check(resp.status == 400 and resp.json() == {"message": "Missing required request parameters: [X-Token, owner]"},
              resp.describe())
        check(resp.header("x-amzn-ErrorType") == "BadRequestException", resp.describe())
        resp = self.call("POST", "pets?owner=ann", headers={"Content-Type": "application/json"}, body='{"name": "Rex"}')
        check(resp.status == 400 and resp.json() == {"message": "Missing required request parameters: [X-Token]"},
              resp.describe())
        resp = self.call("GET", "search")
        check(resp.status == 400 and resp.json() == {"message": "Missing required request parameters: [q]"},
              resp.describe())
        resp = self.call("GET", "search?q=cats")
        check(resp.status == 200 and resp.json() == {"ok": True}, resp.describe())

    def step_body_validation(self):
        headers = {"Content-Type": "application/json", "X-Token": "t"}
        ok = self.call("POST", "pets?owner=ann", headers=headers, body='{"name": "Rex", "age": 3, "tags": ["a"]}')
        check(ok.status == 200 and ok.json() == {"ok": True}, ok.describe())
        for bad in ('{"name": "rex"}', '{"age": 3}', '{"name": "Rex", "age": -1}', '{"name": "Rex", "extra": 1}',
                    '{"name": "Rex", "tags": ["a", "b", "c", "d"]}', '[1, 2]', '{"name": ', "not json"):
            resp = self.call("POST", "pets?owner=ann", headers=headers, body=bad)
            check(resp.status == 400 and resp.json() == {"message": "Invalid request body"},
                  f"body {bad!r}: {resp.describe()}")
        ok = self.call("POST", "batch", headers={"Content-Type": "application/json"}, body='[{"name": "Rex"}]')
        check(ok.status == 200, ok.describe())
        for bad in ('[]', '[{"name": 1}]', '{"name": "Rex"}'):
            resp = self.call("POST", "batch", headers={"Content-Type": "application/json"}, body=bad)
            check(resp.status == 400 and resp.json() == {"message": "Invalid request body"},
                  f"batch body {bad!r}: {resp.describe()}")

    def step_validation_error_string(self):
        self.apigw.json("put-gateway-response", "--rest-api-id", self.api, "--response-type", "BAD_REQUEST_BODY",
                        "--response-templates",
                        json.dumps({"application/json": '{"message": $context.error.messageString, '
                                                        '"detail": "' + DETAIL + '"}'}))
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")
        resp = self.call("POST", "pets?owner=ann", headers={"Content-Type": "application/json", "X-Token": "t"},
                         body='{"name": "rex"}')
        out = resp.json()
        check(resp.status == 400 and out["message"] == "Invalid request body", resp.describe())
        check("pattern" in out["detail"], f"the validation error should name the failed pattern: {out}")

    def step_validator_switched_off(self):
        self.apigw.json("update-request-validator", "--rest-api-id", self.api, "--request-validator-id", self.both,
                        "--patch-operations", "op=replace,path=/validateRequestBody,value=false")
        resp = self.call("POST", "batch", headers={"Content-Type": "application/json"}, body="[]")
        check(resp.status == 400, "a validator change waits for the next deployment: " + resp.describe())
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")
        resp = self.call("POST", "batch", headers={"Content-Type": "application/json"}, body="[]")
        check(resp.status == 200, resp.describe())
        resp = self.call("POST", "pets", headers={"Content-Type": "application/json"}, body="[]")
        check(resp.status == 400 and "Missing required request parameters" in resp.json()["message"],
              resp.describe())
        self.apigw.error("ConflictException", "delete-request-validator", "--rest-api-id", self.api,
                         "--request-validator-id", self.both)

    def step_api_keys(self):
        k1 = self.apigw.json("create-api-key", "--name", "k1", "--enabled")
        check(len(k1["value"]) == 40 and k1["enabled"] is True, k1)
        self.k1 = k1
        shown = self.apigw.json("get-api-key", "--api-key", k1["id"])
        check("value" not in shown and shown["name"] == "k1", shown)
        shown = self.apigw.json("get-api-key", "--api-key", k1["id"], "--include-value")
        check(shown["value"] == k1["value"], shown)
        self.k2 = self.apigw.json("create-api-key", "--name", "k2", "--enabled", "--value",
                                  "k2-imported-value-0123456789")
        self.apigw.error("BadRequestException", "create-api-key", "--name", "short", "--value", "tooshort")
        csv = os.path.join(self.workdir, "keys.csv")
        with open(csv, "w") as f:
            f.write("Name,Key,Enabled,Description\nimported,disabled-key-value-0123456789,false,from csv\n")
        imported = self.apigw.json("import-api-keys", "--body", "fileb://" + csv, "--format", "csv")
        check(len(imported["ids"]) == 1, imported)
        self.disabled = "disabled-key-value-0123456789"
        names = self.apigw.text("get-api-keys", "--name-query", "k", query="items[].name").split()
        check(sorted(names) == ["k1", "k2"], names)

    def step_usage_plan_quota(self):
        self.mock_method("keyed", "GET", "--api-key-required")
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")
        plan = self.apigw.json("create-usage-plan", "--name", "basic", "--api-stages",
                               f"apiId={self.api},stage=dev", "--quota", "limit=5,offset=0,period=DAY",
                               "--throttle", "burstLimit=100,rateLimit=100")
        self.plan = plan["id"]
        check(plan["quota"]["limit"] == 5 and plan["apiStages"][0]["stage"] == "dev", plan)
        self.apigw.error("BadRequestException", "create-usage-plan", "--name", "bad", "--api-stages",
                         f"apiId={self.api},stage=nostage")
        self.apigw.json("create-usage-plan-key", "--usage-plan-id", self.plan, "--key-id", self.k1["id"],
                        "--key-type", "API_KEY")
        forbidden = {"message": "Forbidden"}
        for headers in ({}, {"x-api-key": "no-such-key-0000000000"}, {"x-api-key": self.disabled},
                        {"x-api-key": self.k2["value"]}):
            resp = self.call("GET", "keyed", headers=headers)
            check(resp.status == 403 and resp.json() == forbidden, f"{headers}: {resp.describe()}")
        # Exactly the quota's worth of 12 concurrent requests get through.
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            results = list(pool.map(lambda _: self.fast("keyed", {"x-api-key": self.k1["value"]}), range(12)))
        statuses = sorted(status for status, _ in results)
        check(statuses == [200] * 5 + [429] * 7, statuses)
        check(all(json.loads(body) == {"message": "Limit Exceeded"} for status, body in results if status == 429),
              results)

    def step_quota_survives_restart(self):
        self.server.stop()
        self.server.start()
        status, body = self.fast("keyed", {"x-api-key": self.k1["value"]})
        check(status == 429 and json.loads(body) == {"message": "Limit Exceeded"},
              f"the quota must hold across a restart: {status} {body}")
        today = datetime.datetime.utcnow().strftime("%Y-%m-%d")
        usage = self.apigw.json("get-usage", "--usage-plan-id", self.plan, "--start-date", today, "--end-date", today)
        check(usage["items"] == {self.k1["id"]: [[5, 0]]}, usage)
        self.apigw.json("update-usage-plan", "--usage-plan-id", self.plan, "--patch-operations",
                        "op=replace,path=/quota/limit,value=7")
        results = [self.fast("keyed", {"x-api-key": self.k1["value"]})[0] for _ in range(4)]
        check(results == [200, 200, 429, 429], results)

    def step_throttling(self):
        self.mock_method("open", "GET")
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "th")
        plan = self.apigw.json("create-usage-plan", "--name", "throttled", "--api-stages",
                               f"apiId={self.api},stage=th", "--throttle", "burstLimit=5,rateLimit=10")
        self.apigw.json("create-usage-plan-key", "--usage-plan-id", plan["id"], "--key-id", self.k2["id"],
                        "--key-type", "API_KEY")
        # As fast as the client can for ~2 s. The exact count (burst + rate × elapsed) is unit-tested
        # with injected time (tests/gateway/token_bucket_test.cpp); here only what a loaded machine
        # cannot break: (1) no more than burst 5 + 10/s × elapsed (+1) are ever admitted, so
        # throttling that is off fails as soon as the client outruns 10/s; (2) the bucket refills: a
        # request sent 0.15 s (> 1/rate) after a 429 came back finds a token unless one sent after
        # that 429 already took it (refusals take nothing, and nobody else uses this key).
        t0, admitted, throttled = time.monotonic(), 0, 0
        first_429 = None  # when the first 429 came back
        admitted_since_429, sent_late = 0, False
        while time.monotonic() - t0 < 2.0 and admitted + throttled < 2000:
            sent = time.monotonic()
            status, body = self.fast("keyed", {"x-api-key": self.k2["value"]}, stage="th")
            if status == 200:
                admitted += 1
                if first_429 is not None:
                    admitted_since_429 += 1
            else:
                check(status == 429 and json.loads(body) == {"message": "Too Many Requests"}, (status, body))
                throttled += 1
                if first_429 is None:
                    first_429 = time.monotonic()
            if first_429 is not None and sent - first_429 >= 0.15:
                sent_late = True
        elapsed = time.monotonic() - t0
        limit = 5 + 10 * elapsed + 1
        check(admitted <= limit,
              f"admitted {admitted} in {elapsed:.2f} s, more than burst 5 + 10/s allows ({limit:.1f}); "
              f"throttled {throttled}")
        if sent_late:
            check(admitted_since_429 > 0, f"no token came back after the first 429 (admitted {admitted}, "
                                          f"throttled {throttled} in {elapsed:.2f} s)")
        if throttled == 0:
            print(f"  note: the client sent only {admitted} requests in {elapsed:.2f} s, too slow to be throttled")
        # A per-method throttle in the plan's stage replaces the plan's for that method.
        prefix = f"/apiStages/{self.api}:th/throttle/~1keyed/GET"
        self.apigw.json("update-usage-plan", "--usage-plan-id", plan["id"], "--patch-operations",
                        f"op=replace,path={prefix}/burstLimit,value=1",
                        f"op=replace,path={prefix}/rateLimit,value=0.01")
        shown = self.apigw.json("get-usage-plan", "--usage-plan-id", plan["id"])
        check(shown["apiStages"][0]["throttle"] == {"/keyed/GET": {"burstLimit": 1, "rateLimit": 0.01}}, shown)
        results = [self.fast("keyed", {"x-api-key": self.k2["value"]}, stage="th")[0] for _ in range(3)]
        check(results == [200, 429, 429], f"burst 1 for GET /keyed: {results}")
        self.apigw.json("update-usage-plan", "--usage-plan-id", plan["id"], "--patch-operations",
                        f"op=remove,path={prefix}")
        shown = self.apigw.json("get-usage-plan", "--usage-plan-id", plan["id"])
        check(not shown["apiStages"][0].get("throttle"), shown)
        status, _ = self.fast("keyed", {"x-api-key": self.k2["value"]}, stage="th")
        check(status == 200, "back to the plan's throttle")
        for bad in ("value=-5", "value=nan", "value=10abc"):
            self.apigw.error("BadRequestException", "update-usage-plan", "--usage-plan-id", plan["id"],
                             "--patch-operations", f"op=replace,path={prefix}/rateLimit,{bad}")
        self.apigw.error("NotFoundException", "update-usage-plan", "--usage-plan-id", plan["id"],
                         "--patch-operations", "op=replace,path=/apiStages/nope:th/throttle/~1keyed/GET/rateLimit,value=1")
        # Stage-level method throttling, without keys.
        self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "th", "--patch-operations",
                        "op=replace,path=/*/*/throttling/rateLimit,value=1",
                        "op=replace,path=/*/*/throttling/burstLimit,value=2")
        results = [self.fast("open", stage="th")[0] for _ in range(6)]
        check(results.count(200) in (2, 3) and results[:2] == [200, 200] and results.count(429) >= 3, results)


def main():
    return run_steps(MethodRequestE2E, "METHOD REQUEST", __doc__)


if __name__ == "__main__":
    sys.exit(main())
