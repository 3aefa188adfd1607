#!/usr/bin/env python3
"""Import, deploy and export of a 1,000-path OpenAPI document (generated here). Not a test.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/openapi_import_bench.py [--portico build/release/portico] [--paths 1000] [--rounds 3]

Each round imports the document as a new API (POST /restapis?mode=import, SigV4-signed, one
keep-alive-less request like the CLI's), deploys it to a stage, and exports the stage (oas30 with
extensions); times are wall-clock at the client, peak memory is the server's VmHWM (high-water
resident set) before the first and after the last round. The aim (issue 19): import + deploy under
1 s. Appends to bench/RESULTS.md.
"""
import argparse
import json
import shutil
import tempfile
import time

import support


def document(paths):
    doc = {"openapi": "3.0.1", "info": {"title": "big", "version": "1"}, "paths": {},
           "components": {"schemas": {"Item": {"type": "object", "properties": {"id": {"type": "string"}}}}}}
    for i in range(paths):
        doc["paths"][f"/group{i // 50}/item{i}/{{id}}"] = {
            "get": {"parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                                   {"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}},
                    "x-amazon-apigateway-integration": {
                        "type": "http", "httpMethod": "GET", "uri": f"http://127.0.0.1:9/items/{i}/{{id}}",
                        "requestParameters": {"integration.request.path.id": "method.request.path.id"},
                        "responses": {"default": {"statusCode": "200"}}}}}
    return json.dumps(doc).encode()


def hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def signed(method, url, body=None):
    headers = support.signed_headers(method, url, body, {"Content-Type": "application/json"})
    t0 = time.monotonic()
    status, reply = support.fetch(url, method, body, headers)
    took = time.monotonic() - t0
    if not 200 <= status < 300:
        raise RuntimeError(f"{method} {url}: {status} {reply[:300]!r}")
    return took, reply


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="portico-openapi-bench-")
    body = document(args.paths)
    rows = []
    try:
        with support.portico(args.portico, work) as info:
            base = "http://" + info["admin"]
            before = hwm_kb(info["pid"])
            for _ in range(args.rounds):
                t_import, reply = signed("POST", base + "/restapis?mode=import", body)
                api = json.loads(reply)["id"]
                t_deploy, _ = signed("POST", f"{base}/restapis/{api}/deployments",
                                     json.dumps({"stageName": "dev"}).encode())
                t_export, exported = signed("GET", f"{base}/restapis/{api}/stages/dev/exports/oas30?extensions=integrations")
                rows.append((t_import, t_deploy, t_export, len(exported)))
            after = hwm_kb(info["pid"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = support.section_heading(f"OpenAPI import / deploy / export of a {args.paths}-path document (issue 19)")
    lines += [f"- Command: `/usr/bin/python3 bench/openapi_import_bench.py --paths {args.paths} --rounds {args.rounds}` "
              f"(document {len(body) / 1e6:.2f} MB JSON; each round a new API)", "",
              "| round | import (s) | deploy (s) | import + deploy (s) | export (s) | export bytes |",
              "|---:|---:|---:|---:|---:|---:|"]
    for i, (a, b, c, n) in enumerate(rows, 1):
        lines.append(f"| {i} | {a:.3f} | {b:.3f} | {a + b:.3f} | {c:.3f} | {n} |")
    best = min(a + b for a, b, _, _ in rows)
    lines += ["", f"Server peak resident memory (VmHWM): {before / 1024:.0f} MB before, {after / 1024:.0f} MB after "
                  f"the rounds. Best import + deploy **{best:.3f} s** (aim < 1 s)."]
    support.record(lines)


if __name__ == "__main__":
    main()
