#!/usr/bin/env python3
"""Security e2e: a usage-plan quota survives kill -9 (the real binary, boto3 and raw HTTP).

    /usr/bin/python3 tests/security/quota_crash_test.py --portico build/asan-ubsan/portico

A quota of 100 requests a day. Five rounds of 40 requests, each round ended by SIGKILL right
after its last answer (before the once-a-second flush can run): at most 100 are served in all,
the rest get 429 Limit Exceeded, and get-usage reports what was served.
"""
import datetime
import http.client
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.portico import PorticoServer, check, run_steps, say  # noqa: E402


class QuotaCrash:
    def __init__(self, portico, workdir):
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def apigw(self):
        import boto3
        return boto3.client("apigateway", endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    def step_setup(self):
        self.server.start()
        c = self.apigw()
        self.api = c.create_rest_api(name="quota")["id"]
        root = [r for r in c.get_resources(restApiId=self.api)["items"] if r["path"] == "/"][0]["id"]
        res = c.create_resource(restApiId=self.api, parentId=root, pathPart="keyed")["id"]
        c.put_method(restApiId=self.api, resourceId=res, httpMethod="GET", authorizationType="NONE",
                     apiKeyRequired=True)
        c.put_integration(restApiId=self.api, resourceId=res, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
        c.put_method_response(restApiId=self.api, resourceId=res, httpMethod="GET", statusCode="200")
        c.put_integration_response(restApiId=self.api, resourceId=res, httpMethod="GET", statusCode="200",
                                   responseTemplates={"application/json": '{"ok": true}'})
        c.create_deployment(restApiId=self.api, stageName="s")
        self.plan = c.create_usage_plan(name="p", apiStages=[{"apiId": self.api, "stage": "s"}],
                                        quota={"limit": 100, "period": "DAY"},
                                        throttle={"burstLimit": 1000, "rateLimit": 1000})["id"]
        key = c.create_api_key(name="k", enabled=True)
        self.key_id, self.key = key["id"], key["value"]
        c.create_usage_plan_key(usagePlanId=self.plan, keyId=self.key_id, keyType="API_KEY")

    def step_kill_minus_nine_forgets_no_count(self):
        served = limited = 0
        for round_ in range(5):
            host, port = self.server.data.split(":")
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            for _ in range(40):
                conn.request("GET", f"/restapis/{self.api}/s/_user_request_/keyed", headers={"x-api-key": self.key})
                r = conn.getresponse()
                body = r.read()
                if r.status == 200:
                    served += 1
                else:
                    check(r.status == 429 and b"Limit Exceeded" in body, (r.status, body))
                    limited += 1
            conn.close()
            os.kill(self.server.proc.pid, signal.SIGKILL)  # at once: no flush has run since
            self.server.proc.wait(10)
            say(f"round {round_}: {served} served, {limited} limited so far; killed")
            self.server.start()
        check(served == 100 and limited == 100, f"a quota of 100 served {served} across kills")
        today = datetime.datetime.utcnow().strftime("%Y-%m-%d")
        usage = self.apigw().get_usage(usagePlanId=self.plan, startDate=today, endDate=today)
        used = usage["items"][self.key_id][0][0]
        check(100 <= used <= 102, f"get-usage reports {used} after kills (served {served})")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: QuotaCrash(portico, workdir), "Quota crash", __doc__))
