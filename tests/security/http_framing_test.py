#!/usr/bin/env python3
"""Security e2e: request smuggling and framing on both listeners of the real binary.

    /usr/bin/python3 tests/security/http_framing_test.py --portico build/asan-ubsan/portico

Each malformed request is sent on a raw socket followed by a smuggled GET on the same connection.
The server must answer the malformed one (400, or 501 for a coding it does not implement), close
the connection, never answer the smuggled request, and go on serving. A chunk line ended by a bare
LF must be answered at once, not after the request timeout.
"""
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.portico import PorticoServer, check, run_steps, say  # noqa: E402

UUID_HEADER = re.compile(rb"\r\nx-amzn-RequestId: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\r\n",
                         re.IGNORECASE)
SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
# Each case targets /_portico/health: on the management listener it needs no signature, so the
# framing check is what answers (a signed path would be refused from its head first).

CASES = [  # (name, request bytes, expected status)
    ("te-xchunked", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n" + SMUGGLED, 400),
    ("te-quoted", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \"chunked\"\r\n\r\n" + SMUGGLED, 400),
    ("te-chunked-identity", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n" + SMUGGLED,
     400),
    ("te-chunked-twice", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
     b"0\r\n\r\n" + SMUGGLED, 400),
    ("te-obs-fold", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n" + SMUGGLED, 400),
    ("te-gzip-chunked", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
     501),
    ("te-and-content-length", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n" + SMUGGLED, 400),
    ("two-hosts", b"GET /_portico/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + SMUGGLED, 400),
    ("no-host", b"GET /_portico/health HTTP/1.1\r\nX-A: 1\r\n\r\n" + SMUGGLED, 400),
    ("bare-lf-chunk", b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
]


def exchange(addr, data, timeout=5.0):
    """Sends data, reads until the server closes (or timeout); returns (bytes, seconds, closed)."""
    host, port = addr.split(":")
    t0 = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        closed = False
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                out += chunk
        except socket.timeout:
            pass
    return out, time.monotonic() - t0, closed


class HttpFraming:
    def __init__(self, portico, workdir):
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def step_start(self):
        self.server.start()

    def step_smuggling_refused_on_both_listeners(self):
        for listener in (self.server.admin, self.server.data):
            for name, data, status in CASES:
                out, seconds, closed = exchange(listener, data)
                first = out.split(b"\r\n", 1)[0].decode("latin-1")
                say(f"{listener} {name}: {first!r} in {seconds:.2f} s, closed={closed}")
                check(first.startswith(f"HTTP/1.1 {status} "), f"{name} on {listener}: {out[:300]!r}")
                check(out.count(b"HTTP/1.1 ") == 1, f"{name} on {listener}: the smuggled request was answered: {out!r}")
                check(closed, f"{name} on {listener}: the connection must be closed")
                check(seconds < 3, f"{name} on {listener}: answered after {seconds:.1f} s")
                # Refused before any handler, it still carries a request id, as every AWS answer does.
                check(UUID_HEADER.search(out.split(b"\r\n\r\n", 1)[0] + b"\r\n"),
                      f"{name} on {listener}: no x-amzn-RequestId: {out[:300]!r}")
            # Still serving.
            out, _, _ = exchange(listener, b"GET /_portico/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            check(out.startswith(b"HTTP/1.1 "), f"{listener} stopped serving: {out!r}")

    def step_valid_chunked_still_works(self):
        out, _, _ = exchange(self.server.admin, b"POST /_portico/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                             b"Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        check(out.startswith(b"HTTP/1.1 200"), out[:200])

    def step_sigv4_scope_must_match(self):
        import boto3
        import botocore.exceptions
        from botocore.config import Config

        def client(service, region):
            return boto3.client(service, endpoint_url=self.server.admin_url, region_name=region,
                                aws_access_key_id="test", aws_secret_access_key="test",
                                config=Config(retries={"max_attempts": 1}))
        client("apigateway", "us-east-1").get_rest_apis()  # the region Portico serves
        try:
            client("apigateway", "eu-west-1").get_rest_apis()
            raise AssertionError("a scope naming another region must be refused")
        except botocore.exceptions.ClientError as e:
            err = e.response["Error"]
            check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response)
            check(err["Message"] == "Credential should be scoped to a valid region, not 'eu-west-1'. ", err)
        # A request for the Lambda API signed for another service (a key scoped to execute-api).
        import json
        import urllib.error
        import urllib.request
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url = self.server.admin_url + "/2015-03-31/functions/"
        req = AWSRequest(method="GET", url=url)
        SigV4Auth(Credentials("test", "test"), "execute-api", "us-east-1").add_auth(req)
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=dict(req.headers.items())), timeout=10)
            raise AssertionError("a scope naming another service must be refused")
        except urllib.error.HTTPError as e:
            body = json.loads(e.read())
            check(e.code == 403 and body.get("Message", body.get("message")) ==
                  "Credential should be scoped to correct service: 'lambda'. ", (e.code, body))
    def step_dot_segments_never_reach_the_backend(self):
        """A {proxy+} under /public must not carry "..": the path is resolved before routing, so
        /public/../secret is /secret (no such resource) and never /public/../secret upstream."""
        import boto3
        from support.upstream import EchoUpstream
        self.upstream = EchoUpstream()
        apigw = boto3.client("apigateway", endpoint_url=self.server.admin_url, region_name="us-east-1",
                             aws_access_key_id="test", aws_secret_access_key="test")
        api = apigw.create_rest_api(name="dots")["id"]
        root = [r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]
        public = apigw.create_resource(restApiId=api, parentId=root, pathPart="public")["id"]
        proxy = apigw.create_resource(restApiId=api, parentId=public, pathPart="{proxy+}")["id"]
        apigw.put_method(restApiId=api, resourceId=proxy, httpMethod="ANY", authorizationType="NONE",
                         requestParameters={"method.request.path.proxy": True})
        apigw.put_integration(restApiId=api, resourceId=proxy, httpMethod="ANY", type="HTTP_PROXY",
                              integrationHttpMethod="ANY", uri=self.upstream.base_url + "/public/{proxy}",
                              requestParameters={"integration.request.path.proxy": "method.request.path.proxy"})
        apigw.create_deployment(restApiId=api, stageName="s")
        prefix = f"/restapis/{api}/s/_user_request_"

        def get(path):  # raw, as sent (curl would resolve the dots itself)
            out, _, _ = exchange(self.server.data, f"GET {prefix}{path} HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n".encode())
            head, _, body = out.partition(b"\r\n\r\n")
            return int(head.split(b" ")[1]), body
        status, body = get("/public/file.txt")
        check(status == 200 and json.loads(body)["path"] == "/public/file.txt", (status, body))
        for bad in ("/public/../secret", "/public/%2e%2e/secret", "/public/a/%2E%2E/../../secret", "/../../x"):
            before = len(self.upstream.requests())
            status, body = get(bad)
            check(status == 403, f"{bad}: {status} {body!r}")
            check(len(self.upstream.requests()) == before, f"{bad} reached the backend: {self.upstream.requests()[-1:]}")
        status, body = get("/public/a/../b.txt")  # resolves within the prefix
        check(status == 200 and json.loads(body)["path"] == "/public/b.txt", (status, body))
        self.upstream.close()

    def step_interim_statuses_never_go_out(self):
        """A template that sets a 1xx status must not produce an interim response with no final
        one (the client would hang; on keep-alive the next answer would be taken for this one's);
        a 204 whose template wrote a body goes out without it."""
        import boto3
        apigw = boto3.client("apigateway", endpoint_url=self.server.admin_url, region_name="us-east-1",
                             aws_access_key_id="test", aws_secret_access_key="test")
        api = apigw.create_rest_api(name="statuses")["id"]
        root = [r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]
        for part, status in (("interim", 101), ("empty", 204)):
            res = apigw.create_resource(restApiId=api, parentId=root, pathPart=part)["id"]
            apigw.put_method(restApiId=api, resourceId=res, httpMethod="GET", authorizationType="NONE")
            apigw.put_integration(restApiId=api, resourceId=res, httpMethod="GET", type="MOCK",
                                  requestTemplates={"application/json": '{"statusCode": 200}'})
            apigw.put_method_response(restApiId=api, resourceId=res, httpMethod="GET", statusCode="200")
            apigw.put_integration_response(
                restApiId=api, resourceId=res, httpMethod="GET", statusCode="200",
                responseTemplates={"application/json": f"#set($context.responseOverride.status = {status})body"})
        apigw.create_deployment(restApiId=api, stageName="s")
        prefix = f"/restapis/{api}/s/_user_request_"
        two = (f"GET {prefix}/interim HTTP/1.1\r\nHost: x\r\n\r\n"
               f"GET {prefix}/empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode()
        out, seconds, closed = exchange(self.server.data, two)
        say(repr(out[:600]))
        statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", out)
        check(statuses == [b"502", b"204"], f"pipelined answers: {statuses} {out[:400]!r}")
        check(UUID_HEADER.search(out.split(b"\r\n\r\n", 1)[0] + b"\r\n"), f"the 502 carries no request id: {out[:400]!r}")
        check(closed and seconds < 3, (closed, seconds))
        check(out.endswith(b"\r\n\r\n"), f"the 204 must carry no body: {out[-80:]!r}")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: HttpFraming(portico, workdir), "HTTP framing", __doc__))
