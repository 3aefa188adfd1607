#!/usr/bin/env python3
"""A fake HTTP upstream for the end-to-end tests. Standard library only.

Every request, whatever the method or path, is answered with JSON describing what arrived:

    {"method": "POST", "path": "/backend/a/b/c", "query": "x=1&x=2",
     "headers": {"x-custom": "v", ...}, "body": "..."}

Header names are lowercased (repeated headers are joined with ", "), `query` is the raw query
string, `body` the request body decoded as UTF-8. The response status is 201 for POST and 200
otherwise, and carries `X-Upstream: yes`. A request to `/slow` sleeps `slow_seconds` (3 s by
default) before answering. Every request is also recorded in `EchoUpstream.requests()` so a
test can check what the upstream saw, and can wait for a request to arrive.

Standalone:
    python3 upstream.py [--port N] [--slow-seconds S]   serve until Ctrl-C / SIGTERM
    python3 upstream.py --self-test                      start, check itself with curl, exit 0/1
"""
import argparse
import http.server
import json
import signal
import socketserver
import subprocess
import sys
import threading
import time


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real backend; Portico pools connections
    server_version = "e2e-upstream/1"

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)  # CRLF after each chunk
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self):
        started = time.time()
        body = self._read_body()
        path, _, query = self.path.partition("?")
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = f"{headers[k]}, {v}" if k in headers else v
        record = {"method": self.command, "path": path, "query": query, "headers": headers,
                  "body": body.decode("utf-8", errors="replace")}
        self.server.owner._record(dict(record, time=started))
        if path == "/slow":
            time.sleep(self.server.owner.slow_seconds)
        payload = json.dumps(record).encode()
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Upstream", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle

    def log_message(self, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False  # do not wait for a sleeping /slow handler on close

    def handle_error(self, request, client_address):
        # A client that gave up (e.g. Portico after its integration timeout) makes the late
        # write fail: expected in these tests, so stay quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class EchoUpstream:
    """The echo server on a free loopback port, served from a daemon thread."""

    def __init__(self, host="127.0.0.1", port=0, slow_seconds=3.0, tls=None, client_ca=None):
        """tls: (certificate file, key file) to serve HTTPS instead of HTTP; client_ca: PEM text of the
        only CA a client certificate is accepted from (HTTPS then requires one)."""
        self.slow_seconds = slow_seconds
        self._seen = []
        self._cond = threading.Condition()
        self._server = _Server((host, port), _EchoHandler)
        self._server.owner = self
        self.scheme = "https" if tls else "http"
        if tls:
            import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            if client_ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(cadata=client_ca)
            self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="e2e-upstream", daemon=True)
        self._thread.start()

    @property
    def base_url(self):
        return f"{self.scheme}://{self.host}:{self.port}"

    def _record(self, rec):
        with self._cond:
            self._seen.append(rec)
            self._cond.notify_all()

    def requests(self):
        """A copy of every request seen so far, oldest first."""
        with self._cond:
            return list(self._seen)

    def wait_for(self, predicate, timeout):
        """Waits until a recorded request satisfies predicate; returns it, or None on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for rec in self._seen:
                    if predicate(rec):
                        return rec
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _self_test(slow_seconds):
    """Checks the upstream with curl: echo fields, status codes, the custom header, /slow."""
    with EchoUpstream(slow_seconds=slow_seconds) as up:
        def curl(*args):
            r = subprocess.run(["curl", "-sS", "--noproxy", "*", "--max-time", "10", "-D", "-", *args],
                               capture_output=True, timeout=15)
            assert r.returncode == 0, f"curl failed: {r.stderr!r}"
            head, _, body = r.stdout.decode().partition("\r\n\r\n")
            return head, json.loads(body)

        head, echo = curl("-X", "POST", "-H", "X-Custom: v", "--data-binary", '{"a": 1}',
                          f"{up.base_url}/backend/a/b/c?x=1&x=2")
        assert head.startswith("HTTP/1.1 201"), head
        assert "X-Upstream: yes" in head, head
        assert echo["method"] == "POST" and echo["path"] == "/backend/a/b/c", echo
        assert echo["query"] == "x=1&x=2" and echo["headers"]["x-custom"] == "v", echo
        assert echo["body"] == '{"a": 1}', echo
        head, echo = curl("-H", "Transfer-Encoding: chunked", "--data-binary", "chunky", "-X", "PUT",
                          f"{up.base_url}/c")
        assert head.startswith("HTTP/1.1 200") and echo["body"] == "chunky", (head, echo)
        t0 = time.monotonic()
        head, echo = curl(f"{up.base_url}/slow")
        took = time.monotonic() - t0
        assert head.startswith("HTTP/1.1 200") and echo["path"] == "/slow", (head, echo)
        assert slow_seconds - 0.1 <= took < slow_seconds + 2, took
        assert up.wait_for(lambda r: r["path"] == "/slow", 1) is not None
        assert len(up.requests()) == 3, up.requests()
    print(f"upstream self-test passed (slow path took {took:.2f} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--slow-seconds", type=float, default=3.0)
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        _self_test(min(a.slow_seconds, 1.0))
        return
    up = EchoUpstream(port=a.port, slow_seconds=a.slow_seconds)
    print(f"upstream listening on {up.base_url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    up.close()


if __name__ == "__main__":
    main()
