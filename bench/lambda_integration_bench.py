#!/usr/bin/env python3
"""Gateway AWS_PROXY vs direct Invoke, against one warm `provided` (C) function, in one run.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/lambda_integration_bench.py [--portico build/release/portico] [--seconds 5]

Both cases run through wrk (-t1, same connection count) against the same Portico process:
  * direct: POST /2015-03-31/functions/bench-proxy/invocations on the management port, a SigV4
    signature computed once (valid 15 minutes, so wrk can replay it) with a small proxy-shaped event;
  * gateway: GET /dev/items/42 on the data plane, an AWS_PROXY integration building the proxy event
    and parsing the proxy response.
The C bootstrap answers a proxy event with {"statusCode":200,...}. The ratio gateway/direct is the
cost of the Lambda proxy integration (routing, event building, response parsing) next to the
invoke itself. Then, when built (PORTICO_BENCH=ON), vtl_render_bench reports template render
throughput. Appends a dated markdown section to bench/RESULTS.md. Not a test.
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
C_BOOTSTRAP = os.path.join(ROOT, "tests", "e2e", "lambda_fixtures", "bootstrap.c")
CREDS = Credentials("test", "test")
EVENT = json.dumps({"resource": "/items/{id}", "path": "/items/42", "httpMethod": "GET", "headers": None,
                    "requestContext": {"stage": "dev"}, "body": None, "isBase64Encoded": False})


def signed_headers(method, url, body, service):
    req = AWSRequest(method=method, url=url, data=body)
    SigV4Auth(CREDS, service, "us-east-1").add_auth(req)
    return dict(req.headers.items())


def call(method, url, body=None, service=None, headers=None):
    hdrs = dict(headers or {})
    data = body.encode() if isinstance(body, str) else body
    if service:
        hdrs.update(signed_headers(method, url, data, service))
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wrk(url, seconds, connections, lua=None, host=None):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if host:
        cmd += ["-H", f"Host: {host}"]
    if lua:
        cmd += ["-s", lua]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        scale = {"us": 1, "ms": 1000, "s": 1e6}[m.group(2)]
        lat[pct] = float(m.group(1)) * scale
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat["50"], lat["99"], int(non2xx.group(1)) if non2xx else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=os.path.join(ROOT, "build", "release", "portico"))
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=4)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    work = tempfile.mkdtemp(prefix="portico-lambda-int-bench-")
    subprocess.run(["cc", "-O2", "-o", os.path.join(work, "bootstrap"), C_BOOTSTRAP], check=True)
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
            zi = zipfile.ZipInfo("bootstrap")
            zi.external_attr = (0o100755) << 16
            z.writestr(zi, open(os.path.join(work, "bootstrap"), "rb").read())
        status, body = call("POST", admin + "/2015-03-31/functions", json.dumps({
            "FunctionName": "bench-proxy", "Runtime": "provided.al2023", "Handler": "bootstrap",
            "Role": "arn:aws:iam::000000000000:role/x", "Code": {"ZipFile": base64.b64encode(buf.getvalue()).decode()}}),
            service="lambda")
        assert status == 201, body
        status, body = call("POST", admin + "/restapis", json.dumps({"name": "bench"}), service="apigateway",
                            headers={"Content-Type": "application/json"})
        api = json.loads(body)["id"]
        root = json.loads(call("GET", admin + f"/restapis/{api}/resources", service="apigateway")[1])["item"][0]["id"]
        parent = root
        for part in ("items", "{id}"):
            status, body = call("POST", admin + f"/restapis/{api}/resources/{parent}", json.dumps({"pathPart": part}),
                                service="apigateway", headers={"Content-Type": "application/json"})
            parent = json.loads(body)["id"]
        base = admin + f"/restapis/{api}/resources/{parent}/methods/GET"
        call("PUT", base, json.dumps({"authorizationType": "NONE"}), service="apigateway",
             headers={"Content-Type": "application/json"})
        uri = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
               "arn:aws:lambda:us-east-1:000000000000:function:bench-proxy/invocations")
        status, body = call("PUT", base + "/integration", json.dumps({"type": "AWS_PROXY", "httpMethod": "POST",
                                                                     "uri": uri}),
                            service="apigateway", headers={"Content-Type": "application/json"})
        assert status == 201, body
        status, body = call("POST", admin + f"/restapis/{api}/deployments", json.dumps({"stageName": "dev"}),
                            service="apigateway", headers={"Content-Type": "application/json"})
        assert status == 201, body
        host = f"{api}.execute-api.localhost"
        gateway_url = data + "/dev/items/42"
        status, body = call("GET", gateway_url, headers={"Host": host})
        assert status == 200 and b'"n"' in body, (status, body)

        invoke_url = admin + "/2015-03-31/functions/bench-proxy/invocations"
        headers = signed_headers("POST", invoke_url, EVENT.encode(), "lambda")
        lua = os.path.join(work, "invoke.lua")
        with open(lua, "w") as f:
            f.write('wrk.method = "POST"\n')
            f.write(f"wrk.body = {json.dumps(EVENT)}\n")
            for k, v in headers.items():
                f.write(f'wrk.headers["{k}"] = "{v}"\n')
        status, body = call("POST", invoke_url, EVENT, headers=headers)
        assert status == 200 and b"statusCode" in body, (status, body)

        # Warm every environment the connections will use, then measure each case.
        wrk(gateway_url, 2, args.connections, host=host)
        wrk(invoke_url, 2, args.connections, lua=lua)
        direct = wrk(invoke_url, args.seconds, args.connections, lua=lua)
        gateway = wrk(gateway_url, args.seconds, args.connections, host=host)
        assert direct[3] == 0 and gateway[3] == 0, ("non-2xx responses", direct, gateway)

        render = ""
        bench_bin = os.path.join(os.path.dirname(args.portico), "vtl_render_bench")
        if os.path.exists(bench_bin):
            out = subprocess.run([bench_bin, "--benchmark_min_time=0.5"], capture_output=True, text=True).stdout
            render = "\n".join(line for line in out.splitlines() if line.startswith(("BM_", "Benchmark", "---")))

        load = open("/proc/loadavg").read().split()[:3]
        lines = [f"## {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC — Lambda integration (AWS_PROXY) vs direct Invoke",
                 "",
                 f"- Machine: {os.cpu_count()} cores, load before the run {' '.join(load)}",
                 f"- Command: `/usr/bin/python3 bench/lambda_integration_bench.py --seconds {args.seconds} "
                 f"--connections {args.connections}` (wrk -t1 -c{args.connections}, one Portico, default threads; "
                 "a warm `provided` C function)",
                 "",
                 "| case | requests/s | p50 (µs) | p99 (µs) |",
                 "|---|---:|---:|---:|",
                 f"| direct Invoke (SigV4, management port) | {direct[0]:.0f} | {direct[1]:.0f} | {direct[2]:.0f} |",
                 f"| gateway AWS_PROXY (data plane) | {gateway[0]:.0f} | {gateway[1]:.0f} | {gateway[2]:.0f} |",
                 "",
                 f"Gateway/direct requests/s: **{gateway[0] / direct[0]:.2f}×**."]
        if render:
            lines += ["", "Template render (`build/release/vtl_render_bench`, Google Benchmark):", "", "```",
                      render, "```"]
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
