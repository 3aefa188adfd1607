"""Shared e2e support: start/stop the real portico binary, drive it with /usr/bin/aws and curl,
and a small upstream HTTP server. Standard library only; everything bounded by timeouts."""
import http.server
import json
import os
import shutil
import signal
import socketserver
import subprocess
import tempfile
import threading
import time

AWS = "/usr/bin/aws"  # Debian's AWS CLI v2 (the `aws` on PATH may be an old v1)


class StepFailure(AssertionError):
    pass


def fail(msg):
    raise StepFailure(msg)


def step(name):
    print(f"e2e: {name}", flush=True)


class Portico:
    """The real binary on free loopback ports, with its own data dir."""

    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.tmp = tempfile.mkdtemp(prefix="portico-e2e-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.proc = None
        self.start()

    def start(self):
        ready = os.path.join(self.tmp, "ready.json")
        if os.path.exists(ready):
            os.unlink(ready)
        self.log_path = os.path.join(self.tmp, "portico.log")
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data-dir", self.data_dir, "--admin-listen", "127.0.0.1:0",
             "--listen", "127.0.0.1:0", "--ready-file", ready],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while not os.path.exists(ready):
            if self.proc.poll() is not None:
                self.dump_log()
                fail(f"portico exited with {self.proc.returncode} before it was ready")
            if time.time() > deadline:
                self.dump_log()
                fail("portico did not become ready within 20 s")
            time.sleep(0.05)
        with open(ready) as f:
            info = json.load(f)
        self.admin, self.data = info["admin"], info["data"]

    def stop(self, check=True):
        if not self.proc or self.proc.poll() is not None:
            self.proc = None
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            if check:
                fail("portico did not exit within 10 s of SIGTERM")
            return
        self.proc = None
        if check and rc != 0:
            self.dump_log()
            fail(f"portico exited with {rc} after SIGTERM, expected 0")

    def dump_log(self):
        try:
            with open(self.log_path) as f:
                tail = f.read()[-6000:]
            print("---- portico log (tail) ----\n" + tail + "\n----", flush=True)
        except OSError:
            pass

    def __del__(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def aws(p, op, *args, env=None, expect_error=False, expect_output=True, service="apigateway"):
    """Runs `aws <service> <op> args` against p; returns parsed JSON (or stderr when expect_error)."""
    e = dict(os.environ)
    e.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
              "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": "", "AWS_CONFIG_FILE": "/nonexistent",
              "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"})
    e.update(env or {})
    cmd = [AWS, "--endpoint-url", f"http://{p.admin}", "--cli-read-timeout", "10", "--output", "json",
           service, op, *args]
    r = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=60)
    if expect_error:
        if r.returncode != 254:
            fail(f"{op}: expected an AWS error (rc 254), got rc {r.returncode}: {r.stdout} {r.stderr}")
        return r.stderr
    if r.returncode != 0:
        fail(f"{op} failed (rc {r.returncode}): {r.stderr}")
    if not r.stdout.strip():
        if expect_output:
            fail(f"{op}: printed nothing (expected JSON)")
        return {}
    return json.loads(r.stdout)


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return f"Reply({self.status}, {self.headers}, {self.body[:500]!r})"


def curl(p, method, path, host=None, body=None, headers=None, admin=False, timeout=10):
    """One request with curl; returns status, headers and body."""
    url = f"http://{p.admin if admin else p.data}{path}"
    cmd = ["curl", "-sS", "-i", "-X", method, "--max-time", str(timeout), url]
    if host:
        cmd += ["-H", f"Host: {host}"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if body is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", body]
    r = subprocess.run(cmd, capture_output=True, timeout=timeout + 5)
    if r.returncode != 0:
        fail(f"curl {method} {path} failed: {r.stderr.decode(errors='replace')}")
    raw = r.stdout.decode(errors="replace")
    head, _, rest = raw.partition("\r\n\r\n")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:] if ":" in line]
    return Reply(status, hdrs, rest)


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        path, _, query = self.path.partition("?")
        if path == "/slow":
            time.sleep(3)
        payload = json.dumps({"method": self.command, "path": path, "query": query,
                              "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}).encode()
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Upstream", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def log_message(self, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class Upstream:
    """An echo server on a free loopback port (GET /slow sleeps 3 s)."""

    def __init__(self):
        self.server = _Server(("127.0.0.1", 0), _EchoHandler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
