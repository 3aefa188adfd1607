#!/usr/bin/env python3
"""Cost of the Method Request stage: the same MOCK method bare and fully guarded, in one run.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/method_request_bench.py [--portico build/release/portico] [--seconds 5]

Two methods on one stage, measured with wrk (-t1, same connections) against one Portico:
  * bare:    GET /dev/bare, MOCK, no auth, no key, no validation;
  * guarded: GET /dev/guarded, MOCK, a Lambda TOKEN authorizer (Node, result cached for 300 s),
             apiKeyRequired with the key in a usage plan (throttle and a quota high enough not to
             bite), and a request validator requiring a query parameter and a header.
The aim (issue: Method Request stage) is guarded ≥ 0.8 × bare requests/s. Appends a dated
markdown section to bench/RESULTS.md. Not a test.
"""
import argparse
import base64
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CREDS = Credentials("test", "test")
AUTHORIZER = b"""exports.handler = async (event) => ({
  principalId: 'bench',
  policyDocument: { Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn.split('/')[0] + '/*' }] },
});
"""
KEY = "bench-api-key-value-0123456789"


def call(admin, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = AWSRequest(method=method, url=admin + path, data=data, headers={"Content-Type": "application/json"})
    service = "lambda" if path.startswith("/2015-03-31") else "apigateway"
    SigV4Auth(CREDS, service, "us-east-1").add_auth(req)
    r = urllib.request.Request(admin + path, data=data, method=method, headers=dict(req.headers.items()))
    with urllib.request.urlopen(r, timeout=30) as resp:
        text = resp.read()
        return json.loads(text) if text else {}


def wrk(url, seconds, connections, headers):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        lat[pct] = float(m.group(1)) * {"us": 1, "ms": 1000, "s": 1e6}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat["50"], lat["99"], int(non2xx.group(1)) if non2xx else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=os.path.join(ROOT, "build", "release", "portico"))
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=20)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    work = tempfile.mkdtemp(prefix="portico-mr-bench-")
    ready = os.path.join(work, "ready.json")
    proc = subprocess.Popen([args.portico, "serve", "--data-dir", os.path.join(work, "data"), "--admin-listen",
                             "127.0.0.1:0", "--listen", "127.0.0.1:0", "--ready-file", ready, "--log-level", "warn",
                             # AWS's account throttle (10,000 rps) would cap the run; measure Portico instead.
                             "--account-rate-limit", "10000000", "--account-burst-limit", "10000000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(ready):
                break
            time.sleep(0.05)
        info = json.load(open(ready))
        admin, data = "http://" + info["admin"], "http://" + info["data"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("index.js", AUTHORIZER)
        call(admin, "POST", "/2015-03-31/functions", {
            "FunctionName": "authz", "Runtime": "nodejs20.x", "Handler": "index.handler",
            "Role": "arn:aws:iam::000000000000:role/x", "Code": {"ZipFile": base64.b64encode(buf.getvalue()).decode()}})
        api = call(admin, "POST", "/restapis", {"name": "bench"})["id"]
        root = call(admin, "GET", f"/restapis/{api}/resources")["item"][0]["id"]
        uri = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
               "arn:aws:lambda:us-east-1:000000000000:function:authz/invocations")
        authorizer = call(admin, "POST", f"/restapis/{api}/authorizers", {
            "name": "tok", "type": "TOKEN", "authorizerUri": uri,
            "identitySource": "method.request.header.Authorization", "authorizerResultTtlInSeconds": 300})["id"]
        validator = call(admin, "POST", f"/restapis/{api}/requestvalidators",
                         {"name": "params", "validateRequestParameters": True})["id"]
        for name, method in (("bare", {"authorizationType": "NONE"}),
                             ("guarded", {"authorizationType": "CUSTOM", "authorizerId": authorizer,
                                          "apiKeyRequired": True, "requestValidatorId": validator,
                                          "requestParameters": {"method.request.querystring.q": True,
                                                                "method.request.header.X-Trace": True}})):
            rid = call(admin, "POST", f"/restapis/{api}/resources/{root}", {"pathPart": name})["id"]
            base = f"/restapis/{api}/resources/{rid}/methods/GET"
            call(admin, "PUT", base, method)
            call(admin, "PUT", base + "/integration",
                 {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}})
            call(admin, "PUT", base + "/responses/200", {})
            call(admin, "PUT", base + "/integration/responses/200",
                 {"responseTemplates": {"application/json": '{"ok": true}'}})
        call(admin, "POST", f"/restapis/{api}/deployments", {"stageName": "dev"})
        key = call(admin, "POST", "/apikeys", {"name": "bench", "enabled": True, "value": KEY})["id"]
        plan = call(admin, "POST", "/usageplans", {
            "name": "bench", "apiStages": [{"apiId": api, "stage": "dev"}],
            "throttle": {"rateLimit": 1000000.0, "burstLimit": 1000000},
            "quota": {"limit": 100000000, "period": "DAY", "offset": 0}})["id"]
        call(admin, "POST", f"/usageplans/{plan}/keys", {"keyId": key, "keyType": "API_KEY"})

        host = f"{api}.execute-api.localhost"
        bare = (data + "/dev/bare", {"Host": host})
        guarded = (data + "/dev/guarded?q=1", {"Host": host, "x-api-key": KEY, "Authorization": "Bearer t",
                                               "X-Trace": "1"})
        for url, headers in (bare, guarded):
            req = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(req, timeout=30) as r:
                assert r.status == 200 and json.loads(r.read()) == {"ok": True}
            wrk(url, 2, args.connections, headers)  # warm-up
        b = wrk(bare[0], args.seconds, args.connections, bare[1])
        g = wrk(guarded[0], args.seconds, args.connections, guarded[1])
        assert b[3] == 0 and g[3] == 0, ("non-2xx responses", b, g)
        load = open("/proc/loadavg").read().split()[:3]
        lines = [f"## {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC — Method Request stage cost",
                 "",
                 f"- Machine: {os.cpu_count()} cores, load before the run {' '.join(load)}",
                 f"- Command: `/usr/bin/python3 bench/method_request_bench.py --seconds {args.seconds} "
                 f"--connections {args.connections}` (wrk -t1 -c{args.connections}, one Portico, default threads)",
                 "",
                 "| case | requests/s | p50 (µs) | p99 (µs) |",
                 "|---|---:|---:|---:|",
                 f"| bare MOCK | {b[0]:.0f} | {b[1]:.0f} | {b[2]:.0f} |",
                 f"| MOCK + Lambda TOKEN authorizer (cached) + API key/usage plan (throttle, quota) + validator "
                 f"| {g[0]:.0f} | {g[1]:.0f} | {g[2]:.0f} |",
                 "",
                 f"Guarded/bare requests/s: **{g[0] / b[0]:.2f}×** (aim ≥ 0.80×)."]
        table = "\n".join(lines) + "\n"
        print(table)
        with open(os.path.join(HERE, "RESULTS.md"), "a") as f:
            f.write("\n" + table)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
