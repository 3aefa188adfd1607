#!/usr/bin/env python3
"""S3 GetObject through Portico's AWS integration vs the same GET sent straight to the S3 server,
with the same keep-alive client, in one run. Not a test.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/s3_integration_bench.py [--portico build/release/portico] [--seconds 5]

The S3 server is s3rver (npm, from tests/e2e/peers' lockfile; it verifies SigV4), pinned to CPU 1.
  * direct:  wrk replays one GET /bench/object.json signed with s3rver's keys (S3's SigV4 rules);
  * Portico: wrk sends GET /dev/objects/object.json to a stage whose method is an AWS integration
             `arn:aws:apigateway:us-east-1:s3:path/bench/{item}` (credentials: a role mapped to
             s3rver's keys), so Portico signs and forwards each request on its pooled connections.
wrk (-t1, same connections) and Portico share CPU 0. Rounds alternate direct / Portico. The aim
(issue 18): Portico >= 0.8x the direct requests/s, p99 <= 1.5x. Appends to bench/RESULTS.md.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import support



def _e2e_peers():
    """tests/e2e/support/peers.py (a package named like this directory's support.py: loaded by path)."""
    import importlib
    import importlib.util
    pkg_dir = os.path.join(support.ROOT, "tests", "e2e", "support")
    spec = importlib.util.spec_from_file_location("e2e_support", os.path.join(pkg_dir, "__init__.py"),
                                                  submodule_search_locations=[pkg_dir])
    pkg = importlib.util.module_from_spec(spec)
    sys.modules["e2e_support"] = pkg
    spec.loader.exec_module(pkg)
    return importlib.import_module("e2e_support.peers")


peers = _e2e_peers()

ROLE = "arn:aws:iam::000000000000:role/bench-s3"
S3_KEYS = Credentials("S3RVER", "S3RVER")
OBJECT = json.dumps({"items": [{"id": i, "name": f"item-{i}"} for i in range(40)]}).encode()  # ~1 KB


def s3_request(method, url, body=b""):
    """S3-signed headers (s3rver's keys) for one request."""
    req = AWSRequest(method=method, url=url, data=body or None)
    S3SigV4Auth(S3_KEYS, "s3", "us-east-1").add_auth(req)
    return dict(req.headers.items())


def s3_call(method, url, body=b""):
    status, reply = support.fetch(url, method, body or None, s3_request(method, url, body))
    if not 200 <= status < 300:
        raise RuntimeError(f"s3rver {method} {url}: {status} {reply[:300]!r}")


def deploy_s3_api(admin):
    api = admin.call("POST", "/restapis", {"name": "s3-bench"})["id"]
    root = admin.call("GET", f"/restapis/{api}/resources")["item"][0]["id"]
    objects = admin.call("POST", f"/restapis/{api}/resources/{root}", {"pathPart": "objects"})["id"]
    item = admin.call("POST", f"/restapis/{api}/resources/{objects}", {"pathPart": "{item}"})["id"]
    base = f"/restapis/{api}/resources/{item}/methods/GET"
    admin.call("PUT", base, {"authorizationType": "NONE", "requestParameters": {"method.request.path.item": True}})
    admin.call("PUT", base + "/integration", {
        "type": "AWS", "httpMethod": "GET", "uri": "arn:aws:apigateway:us-east-1:s3:path/bench/{item}",
        "credentials": ROLE, "requestParameters": {"integration.request.path.item": "method.request.path.item"}})
    admin.call("PUT", base + "/responses/200", {})
    admin.call("PUT", base + "/integration/responses/200", {"selectionPattern": ""})
    admin.call("POST", f"/restapis/{api}/deployments", {"stageName": "dev"})
    return api


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    support.ensure_wrk()
    work = tempfile.mkdtemp(prefix="portico-s3-bench-")
    modules = peers.install_peers(os.path.join(os.path.dirname(os.path.abspath(args.portico)), "peers-cache"))
    s3 = peers.start_s3rver(modules, work, launcher=("taskset", "-c", "1"))
    try:
        s3_call("PUT", f"{s3.url}/bench")
        s3_call("PUT", f"{s3.url}/bench/object.json", OBJECT)
        roles = os.path.join(work, "roles.txt")
        with open(roles, "w") as f:
            f.write(f"{ROLE} S3RVER S3RVER\n")
        direct_url = f"{s3.url}/bench/object.json"
        lua = os.path.join(work, "direct.lua")
        with open(lua, "w") as f:
            f.write('wrk.method = "GET"\n')
            for k, v in s3_request("GET", direct_url).items():
                f.write(f'wrk.headers["{k}"] = "{v}"\n')
        with support.portico(args.portico, work, ["--threads", "1", "--aws-endpoint", f"s3={s3.url}",
                                                  "--aws-role-credentials", roles, *support.UNTHROTTLED],
                             launcher=("taskset", "-c", "0")) as info:
            admin = support.AdminApi(info["admin"])
            api = deploy_s3_api(admin)
            via = f"http://{info['data']}/restapis/{api}/dev/_user_request_/objects/object.json"
            status, body = support.fetch(via)
            if status != 200 or body != OBJECT:
                raise RuntimeError(f"through Portico: {status} {body[:300]!r}")
            status, body = support.fetch(direct_url, headers=s3_request("GET", direct_url))
            if status != 200 or body != OBJECT:
                raise RuntimeError(f"direct: {status} {body[:300]!r}")
            runs = {"direct": [], "portico": []}
            for _ in range(args.rounds):
                runs["direct"].append(support.wrk(direct_url, args.seconds, args.connections, lua=lua))
                runs["portico"].append(support.wrk(via, args.seconds, args.connections))
        best = {k: max(v, key=lambda r: r.rps) for k, v in runs.items()}
        d, p = best["direct"], best["portico"]
        lines = support.section_heading("S3 GetObject through Portico's AWS integration vs direct (issue 18)")
        lines += [f"- Command: `/usr/bin/python3 bench/s3_integration_bench.py --seconds {args.seconds} "
                  f"--connections {args.connections} --rounds {args.rounds}` (s3rver on CPU 1; wrk -t1 and "
                  f"Portico --threads 1 on CPU 0; a {len(OBJECT)}-byte object; best of {args.rounds} rounds each)",
                  "", "| case | requests/s | p50 (µs) | p99 (µs) | non-2xx |", "|---|---:|---:|---:|---:|"]
        for name, r in (("direct to s3rver (signed GET)", d), ("through Portico (AWS integration)", p)):
            lines.append(f"| {name} | {r.rps:.0f} | {r.p50_us:.0f} | {r.p99_us:.0f} | {r.non2xx} |")
        lines += ["", f"All rounds (requests/s): direct {', '.join(f'{r.rps:.0f}' for r in runs['direct'])}; "
                      f"Portico {', '.join(f'{r.rps:.0f}' for r in runs['portico'])}.", "",
                  f"Portico/direct: requests/s **{p.rps / d.rps:.2f}×** (aim ≥ 0.8×), p99 **{p.p99_us / d.p99_us:.2f}×** "
                  f"(aim ≤ 1.5×)."]
        support.record(lines)
    finally:
        s3.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
