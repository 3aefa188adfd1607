#!/usr/bin/env python3
"""End-to-end test: HTTP_PROXY responses relayed to the client as the backend sends them.

    /usr/bin/python3 tests/e2e/streaming_e2e_test.py --portico build/asan-ubsan/portico

A backend that holds part of its body back until the test has seen the first part proves the
relay: with buffering, the client would see nothing until the backend gave up waiting. Covers
responseTransferMode STREAM (set with update-integration, as AWS documents) and BUFFERED, chunked
and sized bodies, a body past the 10 MB buffered limit, a backend that dies mid-body, an HTTP/1.0
client, and the backend connection going back to the pool. Exit code 0 = every step passed.
"""
import hashlib
import http.client
import json
import os
import socket
import socketserver
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, E2EFailure, PorticoServer, check, run_steps  # noqa: E402

GATE_SECONDS = 10  # how long the backend holds the rest of a body back
BIG = 12 * 1024 * 1024  # past API Gateway's 10 MB buffered limit


def big_piece(i):
    return bytes([65 + i % 26]) * 65536


class Backend(socketserver.ThreadingTCPServer):
    """A raw HTTP/1.1 backend: each path answers with its own framing and timing."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.gate = threading.Event()
        self.connections = 0
        super().__init__(("127.0.0.1", 0), BackendHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class BackendHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.server.connections += 1
        try:
            self.serve()
        except (ConnectionError, BrokenPipeError):
            pass  # Portico hung up (a response over its limit)

    def serve(self):
        while True:
            line = self.rfile.readline(65537)
            if not line:
                return
            path = line.split()[1].decode()
            while self.rfile.readline(65537) not in (b"\r\n", b""):
                pass  # the tests send no request bodies
            if not self.answer(path):
                return

    def send(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def chunk(self, data):
        self.send(b"%x\r\n%s\r\n" % (len(data), data))

    def held(self):
        """Waits for the test to open the gate; False when it never did (the relay did not work)."""
        opened = self.server.gate.wait(GATE_SECONDS)
        return opened

    def answer(self, path):
        """Writes the response for path; returns whether the connection stays open."""
        if path == "/gated":  # chunked: "first;" now, "second;" once the gate opens
            self.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                      b"X-Backend: gated\r\n\r\n")
            self.chunk(b"first;")
            self.chunk(b"second;" if self.held() else b"late;")
            self.send(b"0\r\n\r\n")
        elif path == "/gated-length":  # 200000 bytes: half now, half once the gate opens
            self.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 200000\r\n\r\n")
            self.send(b"a" * 100000)
            self.send((b"b" if self.held() else b"z") * 100000)
        elif path == "/small-chunked":  # two small chunks a moment apart
            self.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
            self.chunk(b"one;")
            time.sleep(0.05)
            self.chunk(b"two;")
            self.send(b"0\r\n\r\n")
        elif path == "/big-chunked":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i in range(BIG // 65536):
                self.chunk(big_piece(i))
            self.send(b"0\r\n\r\n")
        elif path == "/truncated":  # announces 300000 bytes, sends 150000, hangs up
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + b"t" * 150000)
            return False
        elif path == "/until-close":  # no length at all: the body ends with the connection
            self.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nuntil;")
            time.sleep(0.05)
            self.send(b"close;")
            return False
        else:
            self.send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        return True


class StreamingE2E:
    def __init__(self, portico, workdir):
        self.server = PorticoServer(portico, workdir)
        self.apigw = AwsCli(self.server)
        self.backend = Backend()

    def path(self, stage_path):
        return f"/restapis/{self.api}/dev/_user_request_{stage_path}"

    def connect(self, timeout=30):
        host, port = self.server.data.rsplit(":", 1)
        return http.client.HTTPConnection(host, int(port), timeout=timeout)

    def proxy(self, parent, part, mode=None):
        rid = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", parent, "--path-part",
                              part)["id"]
        proxy = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", rid, "--path-part",
                                "{proxy+}")["id"]
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", proxy, "--http-method", "ANY",
                        "--authorization-type", "NONE", "--request-parameters", "method.request.path.proxy=true")
        self.apigw.json("put-integration", "--rest-api-id", self.api, "--resource-id", proxy, "--http-method", "ANY",
                        "--type", "HTTP_PROXY", "--integration-http-method", "ANY", "--uri",
                        self.backend.url + "/{proxy}", "--request-parameters",
                        "integration.request.path.proxy=method.request.path.proxy")
        if mode:
            self.apigw.json("update-integration", "--rest-api-id", self.api, "--resource-id", proxy,
                            "--http-method", "ANY", "--patch-operations",
                            f"op=replace,path=/responseTransferMode,value={mode}")
        return proxy

    def get_integration_raw(self, rid):
        """GetIntegration signed with botocore but read raw: this AWS CLI's model predates
        responseTransferMode and would drop it from what it prints."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url = f"{self.server.admin_url}/restapis/{self.api}/resources/{rid}/methods/ANY/integration"
        req = AWSRequest(method="GET", url=url)
        SigV4Auth(Credentials("test", "test"), "apigateway", "us-east-1").add_auth(req)
        host, port = self.server.admin.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", url[len(self.server.admin_url):], headers=dict(req.headers.items()))
        res = conn.getresponse()
        body = json.loads(res.read())
        conn.close()
        check(res.status == 200, body)
        return body

    # -- steps
    def step_setup(self):
        self.server.start()
        self.api = self.apigw.json("create-rest-api", "--name", "streaming")["id"]
        root = self.apigw.text("get-resources", "--rest-api-id", self.api, query="items[0].id")
        self.streamed = self.proxy(root, "s", "STREAM")
        self.buffered = self.proxy(root, "b")
        got = self.get_integration_raw(self.streamed)
        check(got.get("responseTransferMode") == "STREAM", got)
        got = self.get_integration_raw(self.buffered)
        check(got.get("responseTransferMode") == "BUFFERED", got)
        self.apigw.json("create-deployment", "--rest-api-id", self.api, "--stage-name", "dev")

    def step_transfer_mode_validation(self):
        def patch(rid, *ops):
            return ["update-integration", "--rest-api-id", self.api, "--resource-id", rid, "--http-method", "ANY",
                    "--patch-operations", *ops]
        err = self.apigw.error("BadRequestException", *patch(self.buffered, "op=replace,path=/responseTransferMode,"
                                                                            "value=SOMETIMES"))
        check("BUFFERED,STREAM" in err, err)
        # Streamed responses may run 15 minutes; buffered ones 29 s.
        self.apigw.json(*patch(self.streamed, "op=replace,path=/timeoutInMillis,value=600000"))
        err = self.apigw.error("BadRequestException", *patch(self.buffered, "op=replace,path=/timeoutInMillis,"
                                                                            "value=600000"))
        check("29000" in err, err)
        mock_parent = self.apigw.text("get-resources", "--rest-api-id", self.api, query="items[0].id")
        mock = self.apigw.json("create-resource", "--rest-api-id", self.api, "--parent-id", mock_parent,
                               "--path-part", "m")["id"]
        self.apigw.json("put-method", "--rest-api-id", self.api, "--resource-id", mock, "--http-method", "GET",
                        "--authorization-type", "NONE")
        self.apigw.json("put-integration", "--rest-api-id", self.api, "--resource-id", mock, "--http-method", "GET",
                        "--type", "MOCK", "--request-templates", json.dumps({"application/json": '{"statusCode":200}'}))
        err = self.apigw.error("BadRequestException", "update-integration", "--rest-api-id", self.api,
                               "--resource-id", mock, "--http-method", "GET", "--patch-operations",
                               "op=replace,path=/responseTransferMode,value=STREAM")
        check("HTTP_PROXY" in err, err)

    def step_stream_relays_chunks_as_they_come(self):
        self.backend.gate.clear()
        conn = self.connect()
        conn.request("GET", self.path("/s/gated"))
        res = conn.getresponse()
        check(res.status == 200 and res.getheader("Transfer-Encoding") == "chunked", res.getheaders())
        check(res.getheader("X-Backend") == "gated" and res.getheader("x-amzn-RequestId"), res.getheaders())
        first = res.read1(65536)
        check(first == b"first;", f"the first chunk before the backend sent the rest: {first!r}")
        self.backend.gate.set()
        rest = res.read()
        check(rest == b"second;", f"then the rest: {rest!r}")
        conn.close()

    def step_buffered_relays_a_sized_body(self):
        self.backend.gate.clear()
        conn = self.connect()
        conn.request("GET", self.path("/b/gated-length"))
        res = conn.getresponse()
        check(res.status == 200 and res.getheader("Content-Length") == "200000", res.getheaders())
        check(res.getheader("X-Amzn-Remapped-Content-Length") == "200000", res.getheaders())
        first = res.read(100000)
        check(first == b"a" * 100000, "the first half arrives while the backend holds the second back")
        self.backend.gate.set()
        rest = res.read()
        check(rest == b"b" * 100000, f"then the second half ({len(rest)} bytes, {rest[:10]!r}...)")
        conn.close()

    def step_buffered_chunked_is_buffered(self):
        # BUFFERED keeps AWS's answer: a whole body with a Content-Length, whatever the backend's framing.
        conn = self.connect()
        conn.request("GET", self.path("/b/small-chunked"))
        res = conn.getresponse()
        body = res.read()
        check(res.status == 200 and body == b"one;two;", (res.status, body))
        check(res.getheader("Content-Length") == "8" and res.getheader("Transfer-Encoding") is None,
              res.getheaders())
        conn.request("GET", self.path("/s/small-chunked"))  # the same body, streamed
        res = conn.getresponse()
        check(res.read() == b"one;two;" and res.getheader("Transfer-Encoding") == "chunked", res.getheaders())
        conn.close()

    def step_past_ten_megabytes(self):
        expected = hashlib.sha256(b"".join(big_piece(i) for i in range(BIG // 65536))).hexdigest()
        conn = self.connect(timeout=60)
        conn.request("GET", self.path("/s/big-chunked"))
        res = conn.getresponse()
        digest, size = hashlib.sha256(), 0
        while True:
            piece = res.read(1 << 20)
            if not piece:
                break
            digest.update(piece)
            size += len(piece)
        check(res.status == 200 and size == BIG and digest.hexdigest() == expected, (res.status, size))
        conn.request("GET", self.path("/b/big-chunked"))
        res = conn.getresponse()
        body = res.read()
        # Over the buffered limit: the integration fails (the relay never starts).
        check(res.status >= 500 and json.loads(body) == {"message": "Internal server error"}, (res.status, body))
        conn.close()

    def step_backend_dies_mid_body(self):
        conn = self.connect()
        conn.request("GET", self.path("/s/truncated"))
        res = conn.getresponse()
        check(res.getheader("Content-Length") == "300000", res.getheaders())
        try:
            body = res.read()
            raise E2EFailure(f"a body cut short must not look complete ({len(body)} bytes)")
        except http.client.IncompleteRead as e:
            check(len(e.partial) == 150000, f"{len(e.partial)} bytes before the cut")
        conn.close()
        conn = self.connect()  # Portico itself is fine
        conn.request("GET", self.path("/s/small-chunked"))
        check(conn.getresponse().read() == b"one;two;", "after a cut relay")
        conn.close()

    def step_http10_client_and_close_delimited(self):
        host, port = self.server.data.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall(f"GET {self.path('/s/small-chunked')} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
            data = b""
            while True:
                piece = s.recv(65536)
                if not piece:
                    break
                data += piece
        head, _, body = data.partition(b"\r\n\r\n")
        check(head.startswith(b"HTTP/1.0 200") and b"chunked" not in head.lower(), head)
        check(body == b"one;two;", f"an HTTP/1.0 client gets the body up to the close: {body!r}")
        conn = self.connect()
        conn.request("GET", self.path("/s/until-close"))
        res = conn.getresponse()
        check(res.read() == b"until;close;" and res.getheader("Transfer-Encoding") == "chunked", res.getheaders())
        conn.close()

    def step_backend_connection_reused_after_relay(self):
        conn = self.connect()  # one client connection: one Portico worker, one pool
        conn.request("GET", self.path("/s/small-chunked"))
        check(conn.getresponse().read() == b"one;two;", "first")
        before = self.backend.connections
        for _ in range(3):
            conn.request("GET", self.path("/s/small-chunked"))
            check(conn.getresponse().read() == b"one;two;", "again")
        check(self.backend.connections == before,
              f"relayed bodies give their backend connection back ({self.backend.connections - before} new)")
        conn.close()
        rc = self.server.stop()
        check(rc == 0, f"portico exit code {rc}")


def main():
    return run_steps(StreamingE2E, "STREAMING", __doc__)


if __name__ == "__main__":
    sys.exit(main())
