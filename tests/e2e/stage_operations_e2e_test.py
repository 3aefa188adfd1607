#!/usr/bin/env python3
"""End-to-end test of running stages in production with the real portico binary and Debian's AWS CLI v2.

    /usr/bin/python3 tests/e2e/stage_operations_e2e_test.py --portico build/asan-ubsan/portico

* Canary releases: a MOCK method deployed to stage `live` with a stage variable; a second
  deployment made a canary with `create-deployment --canary-settings` (25% of the traffic, a
  stage-variable override): `get-stage` shows it beside the stage's unchanged deployment; of 400
  requests the canary's share falls within a binomial bound, each canary answer carrying the
  override and `$context.isCanaryRequest`; AWS's 400s for a canary without a stage or to a stage
  that does not exist, for a bad promotion, for deleting the canary's deployment; promotion
  (`update-stage` copying the canary's deployment and overrides, traffic to 0) serves the new
  deployment to everyone with the merged variables; removing the canary.
* The stage cache: `update-stage` turns the cache cluster on (status AVAILABLE, size 0.5) and
  `/*/*/caching/enabled` (the method setting filled in with AWS's defaults) for a GET /items/{id}
  HTTP integration keyed on `method.request.path.id`, in front of a backend that counts: repeated
  GETs reach it once per id; `Cache-Control: max-age=0` from an unauthorized caller is served from
  the cache with a warning header (the default strategy), refused 403 under FAIL_WITH_403, and with
  requireAuthorizationForCacheControl off fetches afresh; the TTL ends an entry; `flush-stage-cache`
  (and `flush-stage-authorizers-cache`) answer 202 and the next GET reaches the backend; AWS's
  400s for a cache size it does not sell and a TTL over 3600.
* Access logs (`portico serve --access-log FILE`): each of the console's presets (CLF, JSON, XML,
  CSV) set with `update-stage`, a line per request parsed back; AWS's 400s for an unknown
  `$context` variable, a 100 KB format, no request id, a bad path, an empty value; none once
  removed; the same lines in the CloudWatch Logs group the stage's destinationArn names, read back
  with `aws logs filter-log-events`; execution logs once `/*/*/logging/loglevel` is INFO, in
  `API-Gateway-Execution-Logs_{api}/{stage}`, each line `(<request id>) ...`; `describe-log-groups`,
  `describe-log-streams`, `put-retention-policy` (AWS's 400 for a period it does not offer) and
  `delete-retention-policy`; with the log on a full disk (/dev/full) every request is still answered and the lost
  lines are counted.
* Tags (issue 21): `tag-resource`, `get-tags` and `untag-resource` on a REST API's and a stage's
  ARN (the stage's create-time tags kept), `get-rest-api` showing them; AWS's 400 for a reserved
  `aws:` key and a bad ARN, 404 for an API that does not exist.
* The account (issue 21): `get-account` reports the account throttle Portico applies and the
  UsagePlans feature; `update-account` keeps a cloudwatchRoleArn; AWS's 400s for a malformed role
  ARN and a path it does not patch.
Steps run in order; the first failure stops the run.
"""
import csv
import http.client
import http.server
import threading
import io
import json
import os
import re
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, PorticoServer, check, run_steps, say  # noqa: E402

TEMPLATE = '{"release": "%s", "v": "$stageVariables.v", "keep": "$stageVariables.keep", "canary": "$context.isCanaryRequest"}'


class StageOperationsE2E:
    def __init__(self, portico, workdir):
        self.access_log = os.path.join(workdir, "access.log")
        self.server = PorticoServer(portico, workdir, extra_args=("--access-log", self.access_log))
        self.apigw = AwsCli(self.server)

    def get_many(self, n):
        """n GETs of /hello on stage live over one keep-alive connection: the parsed bodies."""
        url = urllib.parse.urlparse(self.server.data_url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        out = []
        try:
            for _ in range(n):
                conn.request("GET", f"/restapis/{self.api}/live/_user_request_/hello")
                res = conn.getresponse()
                body = res.read()
                check(res.status == 200, f"{res.status} {body[:300]}")
                out.append(json.loads(body))
        finally:
            conn.close()
        return out

    def set_release(self, name):
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", self.rid,
                        "--http-method", "GET", "--status-code", "200", "--response-templates",
                        json.dumps({"application/json": TEMPLATE % name}))

    # -- steps
    def step_start(self):
        self.server.start()

    def step_a_stage_with_one_release(self):
        self.api = self.apigw.json("create-rest-api", "--name", "canary")["id"]
        root = self.apigw.json("get-resources", "--rest-api-id", self.api)["items"][0]["id"]
        self.rid = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", root,
                                   "--path-part", "hello")["id"]
        common = ["--rest-api-id", self.api, "--resource-id", self.rid, "--http-method", "GET"]
        self.apigw.json("put-method", *common, "--authorization-type", "NONE")
        self.apigw.json("put-integration", *common, "--type", "MOCK", "--request-templates",
                        json.dumps({"application/json": '{"statusCode": 200}'}))
        self.apigw.json("put-method-response", *common, "--status-code", "200")
        self.set_release("one")
        self.first = self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "live",
                                     "--variables", "v=base,keep=k")["id"]
        bodies = self.get_many(3)
        check(all(b == {"release": "one", "v": "base", "keep": "k", "canary": "false"} for b in bodies), bodies)

    def step_canary_deployment(self):
        self.set_release("two")
        err = self.apigw.error("BadRequestException", "create-deployment", "--rest-api-id", self.api,
                               "--canary-settings", "percentTraffic=25")
        check("Non null and non empty stageName must be provided for canary deployment. Provided value is null" in err,
              err)
        err = self.apigw.error("BadRequestException", "create-deployment", "--rest-api-id", self.api,
                               "--stage-name", "nowhere", "--canary-settings", "percentTraffic=25")
        check("Stage nowhere must already be created before making a canary release deployment" in err, err)
        self.second = self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "live",
                                      "--canary-settings", json.dumps({"percentTraffic": 25,
                                                                       "stageVariableOverrides": {"v": "canary"}}))["id"]
        stage = self.apigw.json("get-stage", "--rest-api-id", self.api, "--stage-name", "live")
        check(stage["deploymentId"] == self.first, f"the stage's own deployment stays: {stage}")
        c = stage.get("canarySettings", {})
        check(c.get("deploymentId") == self.second and c.get("percentTraffic") == 25.0
              and c.get("stageVariableOverrides") == {"v": "canary"} and c.get("useStageCache") is False, c)

    def step_the_split(self):
        bodies = self.get_many(400)
        canary = [b for b in bodies if b["canary"] == "true"]
        main = [b for b in bodies if b["canary"] == "false"]
        check(len(canary) + len(main) == 400, bodies[:5])
        # n = 400, p = 0.25: mean 100, standard deviation 8.7; 4.6 sigma either side.
        check(60 <= len(canary) <= 140, f"{len(canary)} of 400 requests went to the 25% canary")
        check(all(b == {"release": "two", "v": "canary", "keep": "k", "canary": "true"} for b in canary), canary[:3])
        check(all(b == {"release": "one", "v": "base", "keep": "k", "canary": "false"} for b in main), main[:3])
        say(f"    {len(canary)} of 400 requests on the canary")

    def step_refusals(self):
        err = self.apigw.error("BadRequestException", "update-stage", "--rest-api-id", self.api, "--stage-name", "live",
                               "--patch-operations", "op=copy,from=/variables,path=/canarySettings/stageVariableOverrides")
        check("Valid copy:path are [/deploymentId, /variables]" in err, err)
        self.apigw.error("BadRequestException", "update-stage", "--rest-api-id", self.api, "--stage-name", "live",
                         "--patch-operations", "op=add,path=/canarySettings/deploymentId,value=" + self.first)
        err = self.apigw.error("BadRequestException", "delete-deployment", "--rest-api-id", self.api,
                               "--deployment-id", self.second)
        check("Active stages pointing to this deployment" in err, err)

    def step_promotion(self):
        ops = [{"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
               {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"},
               {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0.0"}]
        stage = self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "live",
                                "--patch-operations", json.dumps(ops))
        check(stage["deploymentId"] == self.second and stage["variables"] == {"v": "canary", "keep": "k"}, stage)
        check(stage["canarySettings"]["percentTraffic"] == 0.0, "promotion keeps the canary settings")
        bodies = self.get_many(50)
        check(all(b == {"release": "two", "v": "canary", "keep": "k", "canary": "false"} for b in bodies), bodies[:3])
        stage = self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "live",
                                "--patch-operations", "op=remove,path=/canarySettings")
        check("canarySettings" not in stage, stage)
        self.apigw.silent("delete-deployment", "--rest-api-id", self.api, "--deployment-id", self.first)

    def start_backend(self):
        """An HTTP backend on 127.0.0.1 that counts the requests it gets: 'call N <path>'."""
        test = self

        class Counting(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                test.backend_calls += 1
                body = f"call {test.backend_calls} {self.path}".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.backend_calls = 0
        self.backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
        threading.Thread(target=self.backend.serve_forever, daemon=True).start()
        return self.backend.server_address[1]

    def cached_get(self, item, headers=None):
        url = urllib.parse.urlparse(self.server.data_url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            conn.request("GET", f"/restapis/{self.cache_api}/c/_user_request_/items/{item}", headers=headers or {})
            res = conn.getresponse()
            return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read().decode()
        finally:
            conn.close()

    def patch_stage(self, api, stage, *ops):
        return self.apigw.json("update-stage", "--rest-api-id", api, "--stage-name", stage,
                               "--patch-operations", json.dumps([{"op": "replace", "path": p, "value": v}
                                                                 for p, v in ops]))

    def step_stage_cache(self):
        port = self.start_backend()
        api = self.cache_api = self.apigw.json("create-rest-api", "--name", "cached")["id"]
        root = self.apigw.json("get-resources", "--rest-api-id", api)["items"][0]["id"]
        items = self.apigw.json("create-resource", "--rest-api-id", api, "--parent-id", root,
                                "--path-part", "items")["id"]
        item = self.apigw.json("create-resource", "--rest-api-id", api, "--parent-id", items,
                               "--path-part", "{id}")["id"]
        common = ["--rest-api-id", api, "--resource-id", item, "--http-method", "GET"]
        self.apigw.json("put-method", *common, "--authorization-type", "NONE",
                        "--request-parameters", "method.request.path.id=true")
        self.apigw.json("put-integration", *common, "--type", "HTTP", "--integration-http-method", "GET",
                        "--uri", f"http://127.0.0.1:{port}/items/{{id}}",
                        "--request-parameters", "integration.request.path.id=method.request.path.id",
                        "--cache-key-parameters", "method.request.path.id")
        self.apigw.json("put-method-response", *common, "--status-code", "200")
        self.apigw.json("put-integration-response", *common, "--status-code", "200", "--selection-pattern", "")
        self.apigw.json("create-deployment", "--rest-api-id", api, "--stage-name", "c")
        stage = self.apigw.json("get-stage", "--rest-api-id", api, "--stage-name", "c")
        check(stage["cacheClusterEnabled"] is False and stage["cacheClusterStatus"] == "NOT_AVAILABLE", stage)
        err = self.apigw.error("BadRequestException", "update-stage", "--rest-api-id", api, "--stage-name", "c",
                               "--patch-operations", "op=replace,path=/cacheClusterSize,value=3")
        check("Invalid cache cluster size specified: 3" in err, err)
        stage = self.patch_stage(api, "c", ("/cacheClusterEnabled", "true"), ("/*/*/caching/enabled", "true"))
        check(stage["cacheClusterEnabled"] is True and stage["cacheClusterStatus"] == "AVAILABLE"
              and stage["cacheClusterSize"] == "0.5", stage)
        setting = stage["methodSettings"]["*/*"]
        check(setting["cachingEnabled"] is True and setting["cacheTtlInSeconds"] == 300
              and setting["requireAuthorizationForCacheControl"] is True
              and setting["unauthorizedCacheControlHeaderStrategy"] == "SUCCEED_WITH_RESPONSE_HEADER", setting)
        err = self.apigw.error("BadRequestException", "update-stage", "--rest-api-id", api, "--stage-name", "c",
                               "--patch-operations", "op=replace,path=/*/*/caching/ttlInSeconds,value=3601")
        check("3600" in err, err)

        bodies = [self.cached_get(i)[2] for i in ("1", "1", "2", "1", "2")]
        check(self.backend_calls == 2, f"one backend call per id: {self.backend_calls} for {bodies}")
        check(bodies[0] == bodies[1] == bodies[3] == "call 1 /items/1" and bodies[2] == bodies[4] == "call 2 /items/2",
              bodies)
        status, headers, body = self.cached_get("1", {"Cache-Control": "max-age=0"})
        check(status == 200 and body == "call 1 /items/1" and "warning" in headers and self.backend_calls == 2,
              f"an unauthorized max-age=0 is served from the cache with a warning: {status} {headers} {body}")
        self.patch_stage(api, "c", ("/*/*/caching/unauthorizedCacheControlHeaderStrategy", "FAIL_WITH_403"))
        status, _, body = self.cached_get("1", {"Cache-Control": "max-age=0"})
        check(status == 403 and json.loads(body) == {"Message": "User is not authorized to access this resource"},
              f"{status} {body}")
        self.patch_stage(api, "c", ("/*/*/caching/requireAuthorizationForCacheControl", "false"))
        status, _, body = self.cached_get("1", {"Cache-Control": "max-age=0"})
        check(status == 200 and body == "call 3 /items/1", f"invalidated: {status} {body}")
        check(self.cached_get("1")[2] == "call 3 /items/1", "the fresh response is the entry now")

        self.apigw.silent("flush-stage-cache", "--rest-api-id", api, "--stage-name", "c")
        self.apigw.silent("flush-stage-authorizers-cache", "--rest-api-id", api, "--stage-name", "c")
        check(self.cached_get("2")[2] == "call 4 /items/2", "a flush empties the cache")
        self.patch_stage(api, "c", ("/*/*/caching/ttlInSeconds", "1"))  # a stage edit keeps the entries
        check(self.cached_get("2")[2] == "call 4 /items/2", "entries outlive a stage edit")
        check(self.cached_get("3")[2] == "call 5 /items/3" and self.cached_get("3")[2] == "call 5 /items/3",
              "a 1 s entry")
        time.sleep(1.2)
        check(self.cached_get("3")[2] == "call 6 /items/3", "the TTL ends an entry")
        stage = self.patch_stage(api, "c", ("/cacheClusterEnabled", "false"))
        check(stage["cacheClusterStatus"] == "NOT_AVAILABLE", stage)
        self.cached_get("2")
        self.cached_get("2")
        check(self.backend_calls == 8, f"no cache once the cluster is off: {self.backend_calls}")
        self.apigw.error("NotFoundException", "flush-stage-cache", "--rest-api-id", api, "--stage-name", "nope")
        self.backend.shutdown()
        say(f"    stage cache: {self.backend_calls} backend calls")

    def log_lines(self, after, count):
        """The access log's lines after the first `after`, once there are `count` of them (5 s at most)."""
        deadline = time.monotonic() + 5
        while True:
            lines = open(self.access_log).read().splitlines() if os.path.exists(self.access_log) else []
            if len(lines) >= after + count or time.monotonic() > deadline:
                return lines[after:]
            time.sleep(0.05)

    def step_access_logs(self):
        patch = lambda *ops: self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "live",  # noqa
                                             "--patch-operations", json.dumps(list(ops)))
        bad = lambda code, *ops: self.apigw.error(code, "update-stage", "--rest-api-id", self.api,  # noqa: E731
                                                  "--stage-name", "live", "--patch-operations", json.dumps(list(ops)))
        fmt = lambda value: {"op": "replace", "path": "/accessLogSettings/format", "value": value}  # noqa: E731
        err = bad("BadRequestException", fmt("$context.requestId $context.nothing"))
        check("$context.nothing is not a $context variable" in err, err)
        err = bad("BadRequestException", fmt("$context.status " + "x" * 100_000))
        check("longer than 4096 characters" in err, err)
        check("must contain $context.requestId" in bad("BadRequestException", fmt("$context.status")), "no id")
        err = bad("BadRequestException", {"op": "replace", "path": "/accessLogSettings/level", "value": "x"})
        check("Invalid accessLogSettings path. Must be one of : [/accessLogSettings/destinationArn, "
              "/accessLogSettings/format]" in err, err)
        check("Access Log value must not be empty" in bad("BadRequestException", fmt("")), "empty")
        err = bad("BadRequestException", {"op": "remove", "path": "/accessLogSettings/destinationArn"})
        check("Cannot remove method setting accessLogSettings/destinationArn" in err, err)
        presets = {
            "clf": '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] '
                   '"$context.httpMethod $context.resourcePath $context.protocol" $context.status '
                   '$context.responseLength $context.requestId $context.extendedRequestId',
            "json": '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": '
                    '"$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", '
                    '"requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", '
                    '"resourcePath":"$context.resourcePath", "status":"$context.status", '
                    '"protocol":"$context.protocol", "responseLength":"$context.responseLength" }',
            "xml": '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> '
                   '<httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> '
                   '<status>$context.status</status> <responseLength>$context.responseLength</responseLength> </request>',
            "csv": '$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,'
                   '$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,'
                   '$context.responseLength,$context.requestId,$context.extendedRequestId',
        }
        seen = 0
        for name, preset in presets.items():
            stage = patch(fmt(preset), {"op": "replace", "path": "/accessLogSettings/destinationArn",
                                        "value": "arn:aws:logs:us-east-1:000000000000:log-group:access"})
            check(stage["accessLogSettings"]["format"] == preset, stage.get("accessLogSettings"))
            self.get_many(3)
            lines = self.log_lines(seen, 3)
            check(len(lines) == 3, f"{name}: {len(lines)} lines after 3 requests: {lines}")
            seen += 3
            for line in lines:
                if name == "clf":
                    m = re.fullmatch(r'127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                                     r'"GET /hello HTTP/1\.1" 200 (\d+) [0-9a-f-]{36} \S+', line)
                    check(m, f"CLF line: {line}")
                elif name == "json":
                    doc = json.loads(line)
                    check(doc["status"] == "200" and doc["resourcePath"] == "/hello" and doc["ip"] == "127.0.0.1"
                          and doc["caller"] == "-", doc)
                elif name == "xml":
                    el = ET.fromstring(line)
                    check(el.find("status").text == "200" and el.find("httpMethod").text == "GET"
                          and len(el.get("id")) == 36, line)
                else:
                    row = next(csv.reader(io.StringIO(line)))
                    check(len(row) == 11 and row[4] == "GET" and row[5] == "/hello" and row[7] == "200", row)
        stage = patch({"op": "remove", "path": "/accessLogSettings"})
        check("accessLogSettings" not in stage, stage)
        self.get_many(2)
        time.sleep(0.3)
        check(len(self.log_lines(seen, 0)) == 0, "no lines once the settings are removed")

    def step_log_groups(self):
        logs = AwsCli(self.server, service="logs")
        logs.silent("create-log-group", "--log-group-name", "portico-access")
        logs.error("ResourceAlreadyExistsException", "create-log-group", "--log-group-name", "portico-access")
        arn = "arn:aws:logs:us-east-1:000000000000:log-group:portico-access"
        self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "live", "--patch-operations",
                        json.dumps([{"op": "replace", "path": "/accessLogSettings/format",
                                     "value": "$context.requestId $context.status"},
                                    {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": arn},
                                    {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"}]))
        ids = [self.get_with_id() for _ in range(3)]
        events = logs.json("filter-log-events", "--log-group-name", "portico-access")["events"]
        check([e["message"] for e in events] == [f"{i} 200" for i in ids], f"{ids} {events}")
        group = f"API-Gateway-Execution-Logs_{self.api}/live"
        found = logs.json("filter-log-events", "--log-group-name", group, "--filter-pattern", '"Starting execution"')
        lines = [e["message"] for e in found["events"]]
        check(lines == [f"({i}) Starting execution for request: {i}" for i in ids], lines)
        every = [e["message"] for e in logs.json("filter-log-events", "--log-group-name", group)["events"]]
        check(any(m == f"({ids[0]}) Method completed with status: 200" for m in every), every[:20])
        check(not any("Method response body" in m for m in every), "no data without dataTrace")
        streams = logs.json("describe-log-streams", "--log-group-name", group)["logStreams"]
        check(len(streams) == 1 and re.fullmatch(r"[0-9a-f]{32}", streams[0]["logStreamName"]), streams)
        listed = logs.json("describe-log-groups", "--log-group-name-prefix", "API-Gateway-Execution-Logs_")
        check([g["logGroupName"] for g in listed["logGroups"]] == [group], listed)
        check(listed["logGroups"][0]["arn"] == f"arn:aws:logs:us-east-1:000000000000:log-group:{group}:*", listed)
        err = logs.error("InvalidParameterException", "put-retention-policy", "--log-group-name", group,
                         "--retention-in-days", "2")
        check("retentionInDays" in err, err)
        logs.silent("put-retention-policy", "--log-group-name", group, "--retention-in-days", "7")
        listed = logs.json("describe-log-groups", "--log-group-name-prefix", group)["logGroups"]
        check(listed[0].get("retentionInDays") == 7, listed)
        logs.silent("delete-retention-policy", "--log-group-name", group)
        logs.error("ResourceNotFoundException", "put-retention-policy", "--log-group-name", "nope",
                   "--retention-in-days", "7")
        self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "live", "--patch-operations",
                        "op=replace,path=/*/*/logging/loglevel,value=OFF")
        self.get_with_id()
        after = logs.json("filter-log-events", "--log-group-name", group)["events"]
        check(len(after) == len(every), "no execution logs once the level is OFF")

    def get_with_id(self):
        url = urllib.parse.urlparse(self.server.data_url)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            conn.request("GET", f"/restapis/{self.api}/live/_user_request_/hello")
            res = conn.getresponse()
            res.read()
            check(res.status == 200, res.status)
            return res.getheader("x-amzn-RequestId")
        finally:
            conn.close()

    def step_tags(self):
        api_arn = f"arn:aws:apigateway:us-east-1::/restapis/{self.api}"
        stage_arn = api_arn + "/stages/tagged"
        self.apigw.json("create-stage", "--rest-api-id", self.api, "--stage-name", "tagged", "--deployment-id",
                        self.second, "--tags", "owner=core")
        self.apigw.silent("tag-resource", "--resource-arn", api_arn, "--tags", "team=edge,env=dev")
        check(self.apigw.json("get-tags", "--resource-arn", api_arn)["tags"] == {"team": "edge", "env": "dev"},
              "the API's tags")
        check(self.apigw.json("get-rest-api", "--rest-api-id", self.api).get("tags") == {"team": "edge", "env": "dev"},
              "get-rest-api shows them")
        self.apigw.silent("untag-resource", "--resource-arn", api_arn, "--tag-keys", "team")
        check(self.apigw.json("get-tags", "--resource-arn", api_arn)["tags"] == {"env": "dev"}, "untagged")
        self.apigw.silent("tag-resource", "--resource-arn", stage_arn, "--tags", "tier=gold")
        check(self.apigw.json("get-tags", "--resource-arn", stage_arn)["tags"] == {"owner": "core", "tier": "gold"},
              "the stage's tags")
        self.apigw.error("BadRequestException", "tag-resource", "--resource-arn", api_arn, "--tags", "aws:x=y")
        self.apigw.error("BadRequestException", "get-tags", "--resource-arn", "arn:aws:s3:::bucket")
        self.apigw.error("NotFoundException", "get-tags", "--resource-arn", "arn:aws:apigateway:us-east-1::/restapis/nope")
        self.apigw.silent("delete-stage", "--rest-api-id", self.api, "--stage-name", "tagged")

    def step_account(self):
        account = self.apigw.json("get-account")
        check(account["throttleSettings"] == {"burstLimit": 5000, "rateLimit": 10000}
              and account["features"] == ["UsagePlans"] and "cloudwatchRoleArn" not in account, account)
        role = "arn:aws:iam::000000000000:role/apigateway-logs"
        updated = self.apigw.json("update-account", "--patch-operations",
                                  f"op=replace,path=/cloudwatchRoleArn,value={role}")
        check(updated["cloudwatchRoleArn"] == role, updated)
        check(self.apigw.json("get-account")["cloudwatchRoleArn"] == role, "kept")
        self.apigw.error("BadRequestException", "update-account", "--patch-operations",
                         "op=replace,path=/cloudwatchRoleArn,value=not-a-role")
        self.apigw.error("BadRequestException", "update-account", "--patch-operations",
                         "op=replace,path=/features,value=x")

    def step_a_full_disk_loses_lines_not_requests(self):
        self.server.stop()
        self.server.extra_args = ["--access-log", "/dev/full"]  # every write fails with ENOSPC
        self.server.start()
        self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "live", "--patch-operations",
                        "op=replace,path=/accessLogSettings/format,value=$context.requestId $context.status")
        bodies = self.get_many(30)
        check(len(bodies) == 30, "every request is answered while the log cannot be written")
        self.server.stop()
        check(re.search(r"access log: \d+ line\(s\) dropped", self.server.log_tail(200)),
              "the drops are counted and reported:\n" + self.server.log_tail(20))

    def step_stop(self):
        if self.server.running():
            self.server.stop()
        say("stage operations: all steps passed")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: StageOperationsE2E(portico, workdir), "stage operations", __doc__))
