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
import json
import os
import shutil
import subprocess
import sys
import tempfile

import support

EVENT = json.dumps({"resource": "/items/{id}", "path": "/items/42", "httpMethod": "GET", "headers": None,
                    "requestContext": {"stage": "dev"}, "body": None, "isBase64Encoded": False})


def deploy_proxy_api(admin, bootstrap):
    """Creates the bench-proxy function and GET /items/{id} → AWS_PROXY on stage dev; returns the API id."""
    admin.call("POST", "/2015-03-31/functions", support.create_function_request(
        "bench-proxy", "provided.al2023", "bootstrap", {"bootstrap": (bootstrap, 0o755)}))
    api = admin.call("POST", "/restapis", {"name": "bench"})["id"]
    parent = admin.call("GET", f"/restapis/{api}/resources")["item"][0]["id"]
    for part in ("items", "{id}"):
        parent = admin.call("POST", f"/restapis/{api}/resources/{parent}", {"pathPart": part})["id"]
    base = f"/restapis/{api}/resources/{parent}/methods/GET"
    admin.call("PUT", base, {"authorizationType": "NONE"})
    uri = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
           "arn:aws:lambda:us-east-1:000000000000:function:bench-proxy/invocations")
    admin.call("PUT", base + "/integration", {"type": "AWS_PROXY", "httpMethod": "POST", "uri": uri})
    admin.call("POST", f"/restapis/{api}/deployments", {"stageName": "dev"})
    return api


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=4)
    args = ap.parse_args()
    support.ensure_wrk()
    work = tempfile.mkdtemp(prefix="portico-lambda-int-bench-")
    bootstrap = support.build_c_bootstrap(work)
    try:
        with support.portico(args.portico, work, support.UNTHROTTLED) as ready:
            admin = support.AdminApi(ready["admin"])
            api = deploy_proxy_api(admin, bootstrap)
            host = f"{api}.execute-api.localhost"
            gateway_url = "http://" + ready["data"] + "/dev/items/42"
            status, body = support.fetch(gateway_url, headers={"Host": host})
            assert status == 200 and b'"n"' in body, (status, body)

            invoke_url = admin.url + "/2015-03-31/functions/bench-proxy/invocations"
            headers = support.signed_headers("POST", invoke_url, EVENT.encode())
            lua = support.signed_wrk_script(work, "invoke", "POST", invoke_url, EVENT.encode())
            status, body = support.fetch(invoke_url, "POST", EVENT.encode(), headers)
            assert status == 200 and b"statusCode" in body, (status, body)

            # Warm every environment the connections will use, then measure each case.
            support.wrk(gateway_url, 2, args.connections, headers={"Host": host})
            support.wrk(invoke_url, 2, args.connections, lua=lua)
            direct = support.wrk(invoke_url, args.seconds, args.connections, lua=lua)
            gateway = support.wrk(gateway_url, args.seconds, args.connections, headers={"Host": host})
            assert direct.non2xx == 0 and gateway.non2xx == 0, ("non-2xx responses", direct, gateway)

            render = ""
            bench_bin = os.path.join(os.path.dirname(args.portico), "vtl_render_bench")
            if os.path.exists(bench_bin):
                out = subprocess.run([bench_bin, "--benchmark_min_time=0.5"], capture_output=True, text=True).stdout
                render = "\n".join(line for line in out.splitlines() if line.startswith(("BM_", "Benchmark", "---")))

            lines = support.section_heading("Lambda integration (AWS_PROXY) vs direct Invoke") + [
                f"- Command: `/usr/bin/python3 bench/lambda_integration_bench.py --seconds {args.seconds} "
                f"--connections {args.connections}` (wrk -t1 -c{args.connections}, one Portico, default threads; "
                "a warm `provided` C function)",
                "",
                "| case | requests/s | p50 (µs) | p99 (µs) |",
                "|---|---:|---:|---:|",
                f"| direct Invoke (SigV4, management port) | {direct.rps:.0f} | {direct.p50_us:.0f} | "
                f"{direct.p99_us:.0f} |",
                f"| gateway AWS_PROXY (data plane) | {gateway.rps:.0f} | {gateway.p50_us:.0f} | {gateway.p99_us:.0f} |",
                "",
                f"Gateway/direct requests/s: **{gateway.rps / direct.rps:.2f}×**."]
            if render:
                lines += ["", "Template render (`build/release/vtl_render_bench`, Google Benchmark):", "", "```",
                          render, "```"]
            support.record(lines)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
