#!/usr/bin/env python3
"""End-to-end test of Portico's metrics with the real binary, Debian's Prometheus and AWS CLI v2.

    /usr/bin/python3 tests/e2e/metrics_e2e_test.py --portico build/asan-ubsan/portico

* A REST API `metrics-demo` (MOCK GET /hello answering 200, GET /missing answering 404) deployed
  to stage `prod`; 7 requests to /hello, 3 to /missing and 2 to a path no method has.
* `GET /metrics` on the management listener, unsigned, in the Prometheus text format: each
  method's request and 4xx counters and latency histogram with its labels; 405 for a POST.
* Debian's `prometheus`, started here on 127.0.0.1 with a temporary config, scrapes it: its query
  API returns the request counts this test sent.
* `aws cloudwatch get-metric-statistics` returns the same counts for AWS's dimension sets (ApiName;
  ApiName + Stage), 4XXError's Sum and Average, Latency's statistics and a percentile; per-method
  dimensions only once `/*/*/metrics/enabled` is on; `get-metric-data` and `list-metrics`; AWS's
  400s for a period it does not take, a start after the end, no statistic and too many datapoints.
* Lambda: a Python function invoked three times (one error) counts Invocations and Errors in
  /metrics and in CloudWatch (FunctionName, and FunctionName + Resource for an alias).
* `--metrics-listen`: /metrics moves to a listener of its own (404 for anything else there); the
  management listener then wants a signature for it.
Steps run in order; the first failure stops the run.
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.peers import free_port  # noqa: E402
from support.portico import AwsCli, PorticoServer, check, http, make_zip, read, run_steps, say  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
HANDLER = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"ok": True}
"""


def sample(text, name, **labels):
    """The value of one sample of the exposition whose labels include `labels`, or None."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', line.split("}")[0] if "{" in line else ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


class MetricsE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])
        self.apigw = AwsCli(self.server)
        self.cw = AwsCli(self.server, service="cloudwatch")
        self.prometheus = None

    # -- helpers
    def mock_method(self, path_part, status):
        rid = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", self.root,
                              "--path-part", path_part)["id"]
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", "GET",
                        "--authorization-type", "NONE")
        self.apigw.json("put-integration", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", "GET",
                        "--type", "MOCK", "--request-templates",
                        json.dumps({"application/json": '{"statusCode": %d}' % status}))
        self.apigw.json("put-method-response", "--rest-api-id", self.api, "--resource-id", rid, "--http-method",
                        "GET", "--status-code", str(status))
        self.apigw.json("put-integration-response", "--rest-api-id", self.api, "--resource-id", rid,
                        "--http-method", "GET", "--status-code", str(status), "--selection-pattern", "",
                        "--response-templates", json.dumps({"application/json": '{"path": "%s"}' % path_part}))

    def get(self, path, times, status):
        for _ in range(times):
            res = http("GET", f"{self.server.data_url}/restapis/{self.api}/prod/_user_request_{path}")
            check(res.status == status, f"GET {path}: {res.describe()}")

    def exposition(self):
        res = http("GET", f"{self.server.admin_url}/metrics")
        check(res.status == 200, res.describe())
        return res

    def window(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        return ((now - datetime.timedelta(minutes=10)).strftime(fmt), (now + datetime.timedelta(minutes=2)).strftime(fmt))

    def statistics(self, metric, dims, *stats, namespace="AWS/ApiGateway", extra=()):
        start, end = self.window()
        args = ["--namespace", namespace, "--metric-name", metric, "--start-time", start, "--end-time", end,
                "--period", "60", *extra]
        if dims:
            args += ["--dimensions", *[f"Name={k},Value={v}" for k, v in dims]]
        if stats:
            args += ["--statistics", *stats]
        return self.cw.json("get-metric-statistics", *args)

    @staticmethod
    def total(result, stat):
        return sum(dp[stat] for dp in result["Datapoints"])

    # -- steps
    def step_start_and_deploy(self):
        self.server.start()
        self.api = self.apigw.json("create-rest-api", "--name", "metrics-demo")["id"]
        self.root = self.apigw.json("get-resources", "--rest-api-id", self.api)["items"][0]["id"]
        self.mock_method("hello", 200)
        self.mock_method("missing", 404)
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "prod")
        self.get("/hello", 7, 200)
        self.get("/missing", 3, 404)
        self.get("/nowhere", 2, 403)

    def step_exposition_on_the_management_listener(self):
        res = self.exposition()
        check(res.header("Content-Type").startswith("text/plain; version=0.0.4"), res.describe())
        text = res.text
        method = dict(api_id=self.api, api_name="metrics-demo", stage="prod", method="GET")
        check(sample(text, "portico_apigateway_requests_total", resource="/hello", **method) == 7, text[:3000])
        check(sample(text, "portico_apigateway_4xx_errors_total", resource="/hello", **method) == 0, "no 4xx on /hello")
        check(sample(text, "portico_apigateway_4xx_errors_total", resource="/missing", **method) == 3, text[:3000])
        check(sample(text, "portico_apigateway_requests_total", resource="", method="", stage="prod") == 2,
              "requests no method matches count in the stage's series")
        check(sample(text, "portico_apigateway_latency_milliseconds_count", resource="/hello", **method) == 7,
              "the latency histogram")
        check(sample(text, "portico_apigateway_latency_milliseconds_bucket", resource="/hello", le="+Inf", **method) == 7,
              "its +Inf bucket")
        check("# TYPE portico_apigateway_latency_milliseconds histogram" in text, "typed a histogram")
        check(sample(text, "portico_build_info") == 1, "Portico's own gauges, from prometheus-cpp's registry")
        refused = http("POST", f"{self.server.admin_url}/metrics")
        check(refused.status == 405, refused.describe())
        with_body = http("POST", f"{self.server.admin_url}/metrics", body=b"x")
        check(with_body.status == 413, f"an unsigned /metrics holds no body: {with_body.describe()}")

    def step_prometheus_scrapes_it(self):
        check(os.path.exists(PROMETHEUS), f"{PROMETHEUS} is missing: scripts/deps.sh installs Debian's prometheus")
        port = free_port()
        home = tempfile.mkdtemp(prefix="prometheus-", dir=self.workdir)
        config = os.path.join(home, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: portico\n    metrics_path: /metrics\n"
                    f"    static_configs:\n      - targets: ['{self.server.admin}']\n")
        log = open(os.path.join(home, "prometheus.log"), "wb")
        self.prometheus = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={os.path.join(home, 'data')}",
             f"--web.listen-address=127.0.0.1:{port}"], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        query = ('sum(portico_apigateway_requests_total{api_name="metrics-demo",stage="prod",resource="/hello"})')
        url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": query})
        deadline, last = time.monotonic() + 60, None
        try:
            while time.monotonic() < deadline:
                check(self.prometheus.poll() is None, "prometheus exited:\n" + read(log.name).decode()[-3000:])
                try:
                    with urllib.request.urlopen(url, timeout=5) as r:
                        last = json.loads(r.read())
                    results = last["data"]["result"]
                    if results and float(results[0]["value"][1]) == 7:
                        say(f"    prometheus answers {results[0]['value'][1]} for {query}")
                        return
                except OSError:
                    pass
                time.sleep(0.5)
            raise AssertionError(f"prometheus never answered 7 for {query}: last {last}\n"
                                 + read(log.name).decode()[-3000:])
        finally:
            self.prometheus.terminate()
            try:
                self.prometheus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.prometheus.kill()
            log.close()
            shutil.rmtree(home, ignore_errors=True)

    def step_cloudwatch_statistics(self):
        by_api = self.statistics("Count", [("ApiName", "metrics-demo")], "Sum", "SampleCount")
        check(self.total(by_api, "Sum") == 12 and self.total(by_api, "SampleCount") == 12, by_api)
        check(by_api["Label"] == "Count" and all(dp["Unit"] == "Count" for dp in by_api["Datapoints"]), by_api)
        by_stage = self.statistics("Count", [("ApiName", "metrics-demo"), ("Stage", "prod")], "Sum")
        check(self.total(by_stage, "Sum") == 12, by_stage)
        errors = self.statistics("4XXError", [("ApiName", "metrics-demo"), ("Stage", "prod")], "Sum", "SampleCount")
        check(self.total(errors, "Sum") == 5 and self.total(errors, "SampleCount") == 12, errors)
        latency = self.statistics("Latency", [("ApiName", "metrics-demo")], "SampleCount", "Maximum", "Average")
        check(self.total(latency, "SampleCount") == 12, latency)
        check(all(dp["Unit"] == "Milliseconds" and dp["Maximum"] >= dp["Average"] >= 0 for dp in latency["Datapoints"]),
              latency)
        p99 = self.statistics("Latency", [("ApiName", "metrics-demo")], extra=("--extended-statistics", "p99"))
        check(p99["Datapoints"] and all("p99" in dp["ExtendedStatistics"] for dp in p99["Datapoints"]), p99)
        per_method = [("ApiName", "metrics-demo"), ("Stage", "prod"), ("Resource", "/hello"), ("Method", "GET")]
        check(self.statistics("Count", per_method, "Sum")["Datapoints"] == [],
              "per-method metrics need detailed metrics")
        check(self.statistics("Count", [("ApiName", "nope")], "Sum")["Datapoints"] == [], "another API: nothing")

        self.apigw.json("update-stage", "--rest-api-id", self.api, "--stage-name", "prod", "--patch-operations",
                        "op=replace,path=/*/*/metrics/enabled,value=true")
        self.get("/hello", 2, 200)
        one = self.statistics("Count", per_method, "Sum")
        check(self.total(one, "Sum") >= 2, f"per-method once metricsEnabled: {one}")

        start, end = self.window()
        query = [{"Id": "hello", "MetricStat": {"Metric": {"Namespace": "AWS/ApiGateway", "MetricName": "Count",
                                                           "Dimensions": [{"Name": "ApiName", "Value": "metrics-demo"}]},
                                                "Period": 60, "Stat": "Sum"}}]
        data = self.cw.json("get-metric-data", "--metric-data-queries", json.dumps(query), "--start-time", start,
                            "--end-time", end)
        results = data["MetricDataResults"]
        check(len(results) == 1 and results[0]["Id"] == "hello" and sum(results[0]["Values"]) == 14
              and results[0]["StatusCode"] == "Complete", data)
        listed = self.cw.json("list-metrics", "--namespace", "AWS/ApiGateway", "--metric-name", "Count")
        check({"Namespace": "AWS/ApiGateway", "MetricName": "Count",
               "Dimensions": [{"Name": "ApiName", "Value": "metrics-demo"}]} in listed["Metrics"], listed)

        dims = ["--dimensions", "Name=ApiName,Value=metrics-demo"]
        base = ["--namespace", "AWS/ApiGateway", "--metric-name", "Count", *dims]
        self.cw.error("InvalidParameterValue", "get-metric-statistics", *base, "--start-time", start, "--end-time",
                      end, "--period", "7", "--statistics", "Sum")
        self.cw.error("InvalidParameterValue", "get-metric-statistics", *base, "--start-time", end, "--end-time",
                      start, "--period", "60", "--statistics", "Sum")
        self.cw.error("InvalidParameterCombination", "get-metric-statistics", *base, "--start-time", start,
                      "--end-time", end, "--period", "60")
        self.cw.error("InvalidParameterCombination", "get-metric-statistics", *base, "--start-time", start,
                      "--end-time", end, "--period", "60", "--statistics", "Sum", "--extended-statistics", "p90")
        self.cw.error("InvalidParameterCombination", "get-metric-statistics", *base, "--start-time",
                      "2026-01-01T00:00:00Z", "--end-time", "2026-01-03T00:00:00Z", "--period", "60",
                      "--statistics", "Sum")

    def step_lambda_invocations(self):
        import boto3
        from botocore.config import Config
        lam = boto3.client("lambda", endpoint_url=self.server.admin_url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(retries={"max_attempts": 1}, read_timeout=60))
        code = read(make_zip(os.path.join(self.workdir, "fn.zip"), {"app.py": HANDLER.encode()}))
        lam.create_function(FunctionName="counted", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                            Code={"ZipFile": code})
        version = lam.publish_version(FunctionName="counted")["Version"]
        lam.create_alias(FunctionName="counted", Name="live", FunctionVersion=version)
        for payload, qualifier in (({}, None), ({"fail": True}, None), ({}, "live")):
            args = {"FunctionName": "counted", "Payload": json.dumps(payload).encode()}
            if qualifier:
                args["Qualifier"] = qualifier
            r = lam.invoke(**args)
            check(("FunctionError" in r) == bool(payload.get("fail")), r)
        text = self.exposition().text
        latest = dict(function_name="counted", resource="", executed_version="$LATEST")
        check(sample(text, "portico_lambda_invocations_total", **latest) == 2, text[-3000:])
        check(sample(text, "portico_lambda_errors_total", **latest) == 1, "one error")
        check(sample(text, "portico_lambda_invocations_total", function_name="counted", resource="counted:live",
                      executed_version=version) == 1, "the alias's invocation, with the version it ran")
        check(sample(text, "portico_lambda_cold_starts_total", **latest) == 1, "one cold start, then warm")
        check(sample(text, "portico_lambda_duration_milliseconds_count", **latest) == 2, "durations")
        by_name = self.statistics("Invocations", [("FunctionName", "counted")], "Sum", namespace="AWS/Lambda")
        check(self.total(by_name, "Sum") == 3, by_name)
        errors = self.statistics("Errors", [("FunctionName", "counted")], "Sum", namespace="AWS/Lambda")
        check(self.total(errors, "Sum") == 1, errors)
        alias = self.statistics("Invocations", [("FunctionName", "counted"), ("Resource", "counted:live")], "Sum",
                                namespace="AWS/Lambda")
        check(self.total(alias, "Sum") == 1, alias)
        duration = self.statistics("Duration", [("FunctionName", "counted")], "Maximum", namespace="AWS/Lambda")
        check(all(dp["Unit"] == "Milliseconds" and dp["Maximum"] > 0 for dp in duration["Datapoints"])
              and duration["Datapoints"], duration)

    def step_a_listener_of_its_own(self):
        self.server.stop()
        port = free_port()
        self.server.extra_args += ["--metrics-listen", f"127.0.0.1:{port}"]
        self.server.start()
        self.get("/hello", 1, 200)
        res = http("GET", f"http://127.0.0.1:{port}/metrics")
        check(res.status == 200 and "portico_apigateway_requests_total" in res.text, res.describe())
        other = http("GET", f"http://127.0.0.1:{port}/restapis")
        check(other.status == 404, other.describe())
        signed_only = http("GET", f"{self.server.admin_url}/metrics")
        check(signed_only.status == 403, f"the management listener no longer serves it unsigned: {signed_only.describe()}")

    def step_stop(self):
        if self.server.running():
            self.server.stop()
        say("metrics: all steps passed")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: MetricsE2E(portico, workdir), "metrics", __doc__))
