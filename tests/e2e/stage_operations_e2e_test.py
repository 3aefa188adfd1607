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
Steps run in order; the first failure stops the run.
"""
import http.client
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, PorticoServer, check, run_steps, say  # noqa: E402

TEMPLATE = '{"release": "%s", "v": "$stageVariables.v", "keep": "$stageVariables.keep", "canary": "$context.isCanaryRequest"}'


class StageOperationsE2E:
    def __init__(self, portico, workdir):
        self.server = PorticoServer(portico, workdir)
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

    def step_stop(self):
        self.server.stop()
        say("stage operations: all steps passed")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: StageOperationsE2E(portico, workdir), "stage operations", __doc__))
