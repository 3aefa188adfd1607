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
import json
import shutil
import sys
import tempfile

import support

AUTHORIZER = b"""exports.handler = async (event) => ({
  principalId: 'bench',
  policyDocument: { Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn.split('/')[0] + '/*' }] },
});
"""
KEY = "bench-api-key-value-0123456789"


def deploy_mock_api(admin):
    """Creates GET /bare and GET /guarded (both MOCK) on stage dev and the API key's usage plan; returns the API id."""
    admin.call("POST", "/2015-03-31/functions", support.create_function_request(
        "authz", "nodejs20.x", "index.handler", {"index.js": (AUTHORIZER, 0o644)}))
    api = admin.call("POST", "/restapis", {"name": "bench"})["id"]
    root = admin.call("GET", f"/restapis/{api}/resources")["item"][0]["id"]
    uri = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
           "arn:aws:lambda:us-east-1:000000000000:function:authz/invocations")
    authorizer = admin.call("POST", f"/restapis/{api}/authorizers", {
        "name": "tok", "type": "TOKEN", "authorizerUri": uri,
        "identitySource": "method.request.header.Authorization", "authorizerResultTtlInSeconds": 300})["id"]
    validator = admin.call("POST", f"/restapis/{api}/requestvalidators",
                           {"name": "params", "validateRequestParameters": True})["id"]
    for name, method in (("bare", {"authorizationType": "NONE"}),
                         ("guarded", {"authorizationType": "CUSTOM", "authorizerId": authorizer,
                                      "apiKeyRequired": True, "requestValidatorId": validator,
                                      "requestParameters": {"method.request.querystring.q": True,
                                                            "method.request.header.X-Trace": True}})):
        rid = admin.call("POST", f"/restapis/{api}/resources/{root}", {"pathPart": name})["id"]
        base = f"/restapis/{api}/resources/{rid}/methods/GET"
        admin.call("PUT", base, method)
        admin.call("PUT", base + "/integration",
                   {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}})
        admin.call("PUT", base + "/responses/200", {})
        admin.call("PUT", base + "/integration/responses/200",
                   {"responseTemplates": {"application/json": '{"ok": true}'}})
    admin.call("POST", f"/restapis/{api}/deployments", {"stageName": "dev"})
    key = admin.call("POST", "/apikeys", {"name": "bench", "enabled": True, "value": KEY})["id"]
    plan = admin.call("POST", "/usageplans", {
        "name": "bench", "apiStages": [{"apiId": api, "stage": "dev"}],
        "throttle": {"rateLimit": 1000000.0, "burstLimit": 1000000},
        "quota": {"limit": 100000000, "period": "DAY", "offset": 0}})["id"]
    admin.call("POST", f"/usageplans/{plan}/keys", {"keyId": key, "keyType": "API_KEY"})
    return api


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=20)
    args = ap.parse_args()
    support.ensure_wrk()
    work = tempfile.mkdtemp(prefix="portico-mr-bench-")
    try:
        with support.portico(args.portico, work, support.UNTHROTTLED) as ready:
            api = deploy_mock_api(support.AdminApi(ready["admin"]))
            data = "http://" + ready["data"]
            host = f"{api}.execute-api.localhost"
            bare = (data + "/dev/bare", {"Host": host})
            guarded = (data + "/dev/guarded?q=1", {"Host": host, "x-api-key": KEY, "Authorization": "Bearer t",
                                                   "X-Trace": "1"})
            for url, headers in (bare, guarded):
                status, body = support.fetch(url, headers=headers)
                assert status == 200 and json.loads(body) == {"ok": True}, (status, body)
                support.wrk(url, 2, args.connections, headers)  # warm-up
            b = support.wrk(bare[0], args.seconds, args.connections, bare[1])
            g = support.wrk(guarded[0], args.seconds, args.connections, guarded[1])
            assert b.non2xx == 0 and g.non2xx == 0, ("non-2xx responses", b, g)
            support.record(support.section_heading("Method Request stage cost") + [
                f"- Command: `/usr/bin/python3 bench/method_request_bench.py --seconds {args.seconds} "
                f"--connections {args.connections}` (wrk -t1 -c{args.connections}, one Portico, default threads)",
                "",
                "| case | requests/s | p50 (µs) | p99 (µs) |",
                "|---|---:|---:|---:|",
                f"| bare MOCK | {b.rps:.0f} | {b.p50_us:.0f} | {b.p99_us:.0f} |",
                f"| MOCK + Lambda TOKEN authorizer (cached) + API key/usage plan (throttle, quota) + validator "
                f"| {g.rps:.0f} | {g.p50_us:.0f} | {g.p99_us:.0f} |",
                "",
                f"Guarded/bare requests/s: **{g.rps / b.rps:.2f}×** (aim ≥ 0.80×)."])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
