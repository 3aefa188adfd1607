#!/usr/bin/env python3
"""Security e2e: costly mapping templates are bounded and never hold up other requests.

    /usr/bin/python3 tests/security/template_cost_test.py --portico build/asan-ubsan/portico

1. A response template that would compute for minutes (a 1 MB string searched 10^6 times) is
   stopped at its 1 s budget with API Gateway's 500, through the data plane and test-invoke alike.
2. While four such requests render, a cheap API on the same two worker threads keeps answering
   fast: a long render leaves the serving loop (it is started over on the render thread).
3. A template that piles copies of a 1 MB string into a list is stopped by its memory budget, and
   Portico's memory stays where it was.
"""
import concurrent.futures
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.portico import PorticoServer, check, http, rss_mb, run_steps, say  # noqa: E402

MEGABYTE = '#set($s = "a")#foreach($i in [1..20])#set($s = "$s$s")#end'
SLOW = MEGABYTE + ('#foreach($a in [1..100])#foreach($b in [1..100])#foreach($c in [1..100])'
                   '#set($n = $s.indexOf("b"))#end#end#end{"done": true}')
HUNGRY = MEGABYTE + '#set($l = [])#foreach($i in [1..1000])#set($d = $l.add($s))#end{"size": $l.size()}'



class TemplateCost:
    def __init__(self, portico, workdir):
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def client(self):
        import boto3
        from botocore.config import Config
        return boto3.client("apigateway", endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, read_timeout=60))

    def mock_api(self, name, template):
        """A deployed MOCK API (stage s) whose GET / answers with `template`; returns (id, root id, url)."""
        ag = self.client()
        api = ag.create_rest_api(name=name)["id"]
        root = ag.get_resources(restApiId=api)["items"][0]["id"]
        ag.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        ag.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        ag.put_method_response(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200")
        ag.put_integration_response(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200",
                                    responseTemplates={"application/json": template})
        ag.create_deployment(restApiId=api, stageName="s")
        return api, root, f"{self.server.data_url}/restapis/{api}/s/_user_request_/"

    # -- steps
    def step_setup(self):
        self.server.start()
        self.slow_api, self.slow_root, self.slow = self.mock_api("slow", SLOW)
        _, _, self.fast = self.mock_api("fast", '{"fast": true}')
        _, _, self.hungry = self.mock_api("hungry", HUNGRY)
        check(http("GET", self.fast).status == 200, "the cheap API answers")

    def step_cpu_budget(self):
        t0 = time.monotonic()
        res = http("GET", self.slow, timeout=30)
        seconds = time.monotonic() - t0
        say(f"slow template: {res.status} {res.text!r} in {seconds:.2f} s")
        check(res.status == 500 and "Internal server error" in res.text, res.describe())
        check(0.9 < seconds < 5, f"stopped at its 1 s budget, not {seconds:.2f} s")
        t0 = time.monotonic()
        out = self.client().test_invoke_method(restApiId=self.slow_api, resourceId=self.slow_root, httpMethod="GET")
        seconds = time.monotonic() - t0
        say(f"test-invoke: {out['status']} in {seconds:.2f} s")
        check(out["status"] == 500 and seconds < 5, f"test-invoke shares the budget: {out['status']} {seconds:.2f} s")

    def step_long_renders_leave_the_loop(self):
        latencies = []
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            slow = [pool.submit(http, "GET", self.slow, None, None, None, 60) for _ in range(4)]
            time.sleep(0.2)  # all four are rendering (or queued for the render thread)
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and len(latencies) < 20:
                t0 = time.monotonic()
                res = http("GET", self.fast)
                latencies.append(time.monotonic() - t0)
                check(res.status == 200, res.describe())
            statuses = [f.result().status for f in slow]
        worst = max(latencies)
        say(f"cheap requests while 4 slow ones render: {len(latencies)}, worst {worst * 1000:.0f} ms; "
            f"slow ones answered {statuses}")
        check(statuses == [500] * 4, statuses)
        check(worst < 0.5, f"a cheap request waited {worst:.2f} s behind a render")

    def step_memory_budget(self):
        before = rss_mb(self.server.proc.pid)
        for _ in range(3):
            res = http("GET", self.hungry, timeout=30)
            check(res.status == 500, res.describe())
        after = rss_mb(self.server.proc.pid)
        say(f"RSS {before:.0f} MB -> {after:.0f} MB after three 1,000 x 1 MB lists")
        check(after - before < 400, f"memory grew by {after - before:.0f} MB")
        check(http("GET", self.fast).status == 200, "still serving")
        self.server.stop()


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: TemplateCost(portico, workdir), "Template cost", __doc__))
