#!/usr/bin/env python3
"""End-to-end: the real portico binary driven by Debian's AWS CLI v2 (/usr/bin/aws) and curl.

Builds an API with MOCK and HTTP_PROXY methods, deploys it, calls it, edits without
redeploying, redeploys, restarts Portico and checks everything survived, and checks
graceful shutdown. Run: tests/e2e/apigateway_e2e_test.py --portico build/asan-ubsan/portico
"""
import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from portico_harness import Portico, Upstream, aws, curl, fail, step  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", required=True)
    args = ap.parse_args()

    upstream = Upstream()
    p = Portico(args.portico)
    try:
        run(p, upstream)
    except Exception:
        p.dump_log()
        raise
    finally:
        p.stop(check=False)
        upstream.close()
    print("e2e: all steps passed")


def run(p, up):
    step("fresh data dir has no APIs")
    assert aws(p, "get-rest-apis").get("items", []) == []

    step("create and update a REST API")
    api = aws(p, "create-rest-api", "--name", "e2e", "--description", "d")
    api_id = api["id"]
    if not (len(api_id) == 10 and api_id.isalnum() and api_id.islower()):
        fail(f"api id {api_id!r} is not 10 lowercase alphanumerics")
    got = aws(p, "get-rest-api", "--rest-api-id", api_id)
    assert got["name"] == "e2e" and got["description"] == "d", got
    aws(p, "update-rest-api", "--rest-api-id", api_id, "--patch-operations", "op=replace,path=/description,value=new")
    assert aws(p, "get-rest-api", "--rest-api-id", api_id)["description"] == "new"
    assert [a["id"] for a in aws(p, "get-rest-apis")["items"]] == [api_id]

    step("resources")
    res = aws(p, "get-resources", "--rest-api-id", api_id)["items"]
    assert len(res) == 1 and res[0]["path"] == "/", res
    root = res[0]["id"]

    def mk(parent, part):
        return aws(p, "create-resource", "--rest-api-id", api_id, "--parent-id", parent, "--path-part", part)["id"]

    pets = mk(root, "pets")
    pet = mk(pets, "{petId}")
    special = mk(pets, "special")
    proxy = mk(root, "{proxy+}")
    slow = mk(root, "slow")
    err = aws(p, "create-resource", "--rest-api-id", api_id, "--parent-id", root, "--path-part", "pets", expect_error=True)
    assert "ConflictException" in err, err
    err = aws(p, "get-resource", "--rest-api-id", api_id, "--resource-id", "nope00", expect_error=True)
    assert "NotFoundException" in err, err
    paths = sorted(r["path"] for r in aws(p, "get-resources", "--rest-api-id", api_id)["items"])
    assert paths == ["/", "/pets", "/pets/special", "/pets/{petId}", "/slow", "/{proxy+}"], paths

    def mock(resource, verb, status, body):
        aws(p, "put-method", "--rest-api-id", api_id, "--resource-id", resource, "--http-method", verb,
            "--authorization-type", "NONE")
        aws(p, "put-integration", "--rest-api-id", api_id, "--resource-id", resource, "--http-method", verb,
            "--type", "MOCK", "--request-templates", json.dumps({"application/json": '{"statusCode": %d}' % status}))
        aws(p, "put-method-response", "--rest-api-id", api_id, "--resource-id", resource, "--http-method", verb,
            "--status-code", str(status))
        aws(p, "put-integration-response", "--rest-api-id", api_id, "--resource-id", resource, "--http-method", verb,
            "--status-code", str(status), "--selection-pattern", "" if status == 200 else str(status),
            "--response-templates", json.dumps({"application/json": body}))

    step("MOCK methods")
    mock(pets, "GET", 200, '{"pets": ["cat"]}')
    mock(pets, "POST", 201, '{"created": true}')
    mock(special, "GET", 404, '{"error": "nope"}')
    integ = aws(p, "get-integration", "--rest-api-id", api_id, "--resource-id", pets, "--http-method", "GET")
    assert integ["type"] == "MOCK" and "application/json" in integ["requestTemplates"], integ
    assert aws(p, "get-method", "--rest-api-id", api_id, "--resource-id", pets, "--http-method", "GET")["httpMethod"] == "GET"
    err = aws(p, "put-method", "--rest-api-id", api_id, "--resource-id", pets, "--http-method", "FETCH",
              "--authorization-type", "NONE", expect_error=True)
    assert "BadRequestException" in err, err

    step("HTTP_PROXY methods")
    aws(p, "put-method", "--rest-api-id", api_id, "--resource-id", proxy, "--http-method", "ANY",
        "--authorization-type", "NONE", "--request-parameters", "method.request.path.proxy=true")
    aws(p, "put-integration", "--rest-api-id", api_id, "--resource-id", proxy, "--http-method", "ANY",
        "--type", "HTTP_PROXY", "--integration-http-method", "ANY", "--uri", f"http://127.0.0.1:{up.port}/backend/{{proxy}}",
        "--request-parameters", "integration.request.path.proxy=method.request.path.proxy")
    aws(p, "put-method", "--rest-api-id", api_id, "--resource-id", pet, "--http-method", "GET", "--authorization-type", "NONE")
    aws(p, "put-integration", "--rest-api-id", api_id, "--resource-id", pet, "--http-method", "GET",
        "--type", "HTTP_PROXY", "--integration-http-method", "GET", "--uri", f"http://127.0.0.1:{up.port}/pet/{{petId}}",
        "--request-parameters", "integration.request.path.petId=method.request.path.petId")
    aws(p, "put-method", "--rest-api-id", api_id, "--resource-id", slow, "--http-method", "GET", "--authorization-type", "NONE")
    aws(p, "put-integration", "--rest-api-id", api_id, "--resource-id", slow, "--http-method", "GET",
        "--type", "HTTP_PROXY", "--integration-http-method", "GET", "--uri", f"http://127.0.0.1:{up.port}/slow",
        "--timeout-in-millis", "1000")
    err = aws(p, "put-integration", "--rest-api-id", api_id, "--resource-id", slow, "--http-method", "GET",
              "--type", "HTTP_PROXY", "--integration-http-method", "GET", "--uri", "http://127.0.0.1:1/x",
              "--timeout-in-millis", "10", expect_error=True)
    assert "BadRequestException" in err, err

    step("deploy dev")
    dep1 = aws(p, "create-deployment", "--rest-api-id", api_id, "--stage-name", "dev")["id"]
    assert aws(p, "get-stage", "--rest-api-id", api_id, "--stage-name", "dev")["deploymentId"] == dep1
    assert [d["id"] for d in aws(p, "get-deployments", "--rest-api-id", api_id)["items"]] == [dep1]
    assert [s["stageName"] for s in aws(p, "get-stages", "--rest-api-id", api_id)["item"]] == ["dev"]

    step("data plane: MOCK, both addressing forms, request id headers")
    host = f"{api_id}.execute-api.localhost"
    r = curl(p, "GET", "/dev/pets", host=host)
    assert r.status == 200 and json.loads(r.body) == {"pets": ["cat"]}, r
    assert r.header("x-amzn-RequestId") and r.header("x-amz-apigw-id"), r.headers
    r = curl(p, "GET", f"/restapis/{api_id}/dev/_user_request_/pets")
    assert r.status == 200 and json.loads(r.body) == {"pets": ["cat"]}, r
    r = curl(p, "POST", "/dev/pets", host=host, body="{}")
    assert r.status == 201 and json.loads(r.body) == {"created": True}, r
    r = curl(p, "GET", "/dev/pets/special", host=host)
    assert r.status == 404 and json.loads(r.body) == {"error": "nope"}, r

    step("data plane: HTTP_PROXY")
    r = curl(p, "GET", "/dev/pets/42", host=host)
    assert r.status == 200 and json.loads(r.body)["path"] == "/pet/42", r
    r = curl(p, "POST", "/dev/a/b/c?x=1&x=2", host=host, body='{"hello":"world"}', headers={"X-Custom": "v"})
    echoed = json.loads(r.body)
    assert r.status == 201 and r.header("X-Upstream") == "yes", r
    assert echoed["method"] == "POST" and echoed["path"] == "/backend/a/b/c", echoed
    assert echoed["query"] == "x=1&x=2" and echoed["headers"].get("x-custom") == "v", echoed
    assert echoed["body"] == '{"hello":"world"}', echoed
    r = curl(p, "GET", "/dev/slow", host=host)
    assert r.status == 504 and json.loads(r.body) == {"message": "Endpoint request timed out"}, r

    step("data plane: unknown routes are 403 Missing Authentication Token")
    for method, path, h in [("DELETE", "/dev/pets", host), ("GET", "/nostage/pets", host),
                            ("GET", "/dev/pets", "zzzzzzzzzz.execute-api.localhost")]:
        r = curl(p, method, path, host=h)
        assert r.status == 403 and json.loads(r.body) == {"message": "Missing Authentication Token"}, r
        assert r.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException", r.headers

    step("edit without redeploy leaves the stage unchanged; redeploy picks it up")
    aws(p, "put-integration-response", "--rest-api-id", api_id, "--resource-id", pets, "--http-method", "GET",
        "--status-code", "200", "--selection-pattern", "",
        "--response-templates", json.dumps({"application/json": '{"pets": ["dog"]}'}))
    assert json.loads(curl(p, "GET", "/dev/pets", host=host).body) == {"pets": ["cat"]}
    dep2 = aws(p, "create-deployment", "--rest-api-id", api_id, "--stage-name", "dev")["id"]
    assert json.loads(curl(p, "GET", "/dev/pets", host=host).body) == {"pets": ["dog"]}
    aws(p, "create-stage", "--rest-api-id", api_id, "--stage-name", "prod", "--deployment-id", dep1)
    assert json.loads(curl(p, "GET", "/prod/pets", host=host).body) == {"pets": ["cat"]}
    err = aws(p, "delete-deployment", "--rest-api-id", api_id, "--deployment-id", dep1, expect_error=True)
    assert "BadRequestException" in err, err
    aws(p, "update-stage", "--rest-api-id", api_id, "--stage-name", "dev", "--patch-operations",
        "op=replace,path=/variables/color,value=blue", "op=replace,path=/*/*/throttling/rateLimit,value=50")
    st = aws(p, "get-stage", "--rest-api-id", api_id, "--stage-name", "dev")
    assert st["variables"] == {"color": "blue"} and st["deploymentId"] == dep2, st

    step("signatures are verified")
    err = aws(p, "get-rest-apis", env={"AWS_SECRET_ACCESS_KEY": "wrong"}, expect_error=True)
    assert "InvalidSignatureException" in err, err
    err = aws(p, "get-rest-apis", env={"AWS_ACCESS_KEY_ID": "nobody"}, expect_error=True)
    assert "UnrecognizedClientException" in err, err
    r = curl(p, "GET", "/restapis", admin=True)
    assert r.status == 403 and "MissingAuthenticationTokenException" in r.header("x-amzn-ErrorType"), r

    step("restart: everything is still there")
    p.stop()
    p.start()
    assert [a["id"] for a in aws(p, "get-rest-apis")["items"]] == [api_id]
    assert len(aws(p, "get-resources", "--rest-api-id", api_id)["items"]) == 6
    assert json.loads(curl(p, "GET", "/dev/pets", host=host).body) == {"pets": ["dog"]}
    assert json.loads(curl(p, "GET", "/prod/pets", host=host).body) == {"pets": ["cat"]}

    step("graceful shutdown lets an in-flight request finish")
    aws(p, "update-integration", "--rest-api-id", api_id, "--resource-id", slow, "--http-method", "GET",
        "--patch-operations", "op=replace,path=/timeoutInMillis,value=5000")
    aws(p, "create-deployment", "--rest-api-id", api_id, "--stage-name", "dev")
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("r", curl(p, "GET", "/dev/slow", host=host, timeout=15)))
    t.start()
    time.sleep(1.0)
    p.stop()  # SIGTERM; asserts exit code 0
    t.join(15)
    r = result.get("r")
    assert r is not None and r.status == 200 and json.loads(r.body)["path"] == "/slow", r
    p.start()

    step("delete resource, stage and API")
    aws(p, "delete-resource", "--rest-api-id", api_id, "--resource-id", special, expect_output=False)
    assert curl(p, "GET", "/dev/pets/special", host=host).status == 404  # still served: the deployed snapshot is unchanged
    aws(p, "delete-stage", "--rest-api-id", api_id, "--stage-name", "prod", expect_output=False)
    assert curl(p, "GET", "/prod/pets", host=host).status == 403
    aws(p, "delete-rest-api", "--rest-api-id", api_id, expect_output=False)
    err = aws(p, "get-rest-api", "--rest-api-id", api_id, expect_error=True)
    assert "NotFoundException" in err, err
    assert curl(p, "GET", "/dev/pets", host=host).status == 403


if __name__ == "__main__":
    main()
