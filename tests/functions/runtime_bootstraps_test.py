#!/usr/bin/python3
"""Tests for Portico's Lambda runtime bootstraps (Node.js and Python).

A stub Lambda Runtime API (2018-06-01) runs in a thread on 127.0.0.1:<ephemeral>
and each bootstrap is spawned with a temporary task root; the tests assert on
what the bootstrap sends back.

    /usr/bin/python3 tests/functions/runtime_bootstraps_test.py [-v]
    /usr/bin/python3 tests/functions/runtime_bootstraps_test.py --bench [N]
        (cold start: spawn -> first GET /next, vs bare `node -e 0` / `python3 -c pass`)
"""

import faulthandler
import http.server
import json
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIMES = os.path.join(REPO, "src", "functions", "runtimes")
NODE_BOOTSTRAP = os.path.join(RUNTIMES, "node_runtime.mjs")
PY_BOOTSTRAP = os.path.join(RUNTIMES, "python_runtime.py")
NODE = shutil.which("node") or "/usr/bin/node"
PYTHON = sys.executable or "/usr/bin/python3"

WAIT = 10.0  # seconds; bound on every individual wait
ISO_RE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


# ---------------------------------------------------------------------------
# Stub Runtime API
# ---------------------------------------------------------------------------


class StubRuntimeApi:
    """Serves /runtime/invocation/next from a queue and records every POST."""

    def __init__(self):
        self.events = queue.Queue()     # items: dict(id, body, headers) or None
        self.posts = queue.Queue()      # items: dict(path, headers, body, client)
        self.next_calls = queue.Queue()  # items: (monotonic time, client addr)
        self.clients = set()
        self.closed = False
        self.close_after_post = False
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # head and body are two writes: no delayed-ACK stall

            def log_message(self, *args):
                pass

            def _send(self, code, body=b"", headers=None):
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                stub.clients.add(self.client_address)
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self._send(404, b'{"errorMessage":"not found"}')
                stub.next_calls.put((time.monotonic(), self.client_address))
                while True:  # long poll
                    if stub.closed:
                        self.close_connection = True
                        return self._send(503, b"{}")
                    try:
                        ev = stub.events.get(timeout=0.2)
                    except queue.Empty:
                        continue
                    if ev is None:
                        self.close_connection = True
                        return self._send(503, b"{}")
                    headers = {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": ev["id"],
                        "Lambda-Runtime-Deadline-Ms": str(ev["deadline"]),
                        "Lambda-Runtime-Invoked-Function-Arn":
                            "arn:aws:lambda:us-east-1:000000000000:function:fn",
                        "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
                    }
                    headers.update(ev.get("headers") or {})
                    if not ev.get("chunked"):
                        return self._send(200, ev["body"], headers)
                    self.send_response(200)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    half = len(ev["body"]) // 2
                    for part in (ev["body"][:half], ev["body"][half:]):
                        self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
                        self.wfile.flush()
                    self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
                    return None

            def do_POST(self):
                stub.clients.add(self.client_address)
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                stub.posts.put({
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                    "client": self.client_address,
                })
                extra = {"Content-Type": "application/json"}
                if stub.close_after_post:  # server-side close of the kept-alive connection
                    extra["Connection"] = "close"
                    self.close_connection = True
                self._send(202, b'{"status":"OK"}', extra)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # a bootstrap killed at teardown resets its connection: not an error
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.closed = True
        self.events.put(None)
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(WAIT)


# ---------------------------------------------------------------------------
# Harness
# ---------------------------------------------------------------------------


class Bootstrap:
    """A running bootstrap process attached to its own stub API."""

    def __init__(self, argv, task_root, handler, extra_env=None):
        self.api = StubRuntimeApi()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "LAMBDA_TASK_ROOT": task_root,
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{self.api.port}",
            "_HANDLER": handler,
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]abcdef",
            "AWS_REGION": "us-east-1",
            "TZ": "UTC",
            "MY_VAR": "my-value",
        }
        env.update(extra_env or {})
        self.stdout_lines = []
        self.stderr_lines = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(argv, cwd=task_root, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.readers = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout_lines), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr_lines), daemon=True),
        ]
        for t in self.readers:
            t.start()

    def _pump(self, stream, sink):
        for raw in iter(stream.readline, b""):
            with self.lock:
                sink.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def invoke(self, event, headers=None, timeout_ms=3000, raw_body=None, chunked=False):
        rid = str(uuid.uuid4())
        deadline = int(time.time() * 1000) + timeout_ms
        body = raw_body if raw_body is not None else json.dumps(event).encode()
        self.api.events.put({"id": rid, "body": body, "deadline": deadline, "headers": headers,
                             "chunked": chunked})
        post = self.next_post()
        post["request_id"] = rid
        post["deadline"] = deadline
        return post

    def next_post(self):
        try:
            return self.api.posts.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"no POST from bootstrap within {WAIT}s; "
                                 f"rc={self.proc.poll()} stdout={self.stdout()} stderr={self.stderr()}")

    def wait_next(self):
        try:
            return self.api.next_calls.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"bootstrap never called /next; stderr={self.stderr()}")

    def wait_exit(self):
        try:
            return self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            raise AssertionError("bootstrap did not exit")

    def stdout(self):
        with self.lock:
            return list(self.stdout_lines)

    def stderr(self):
        with self.lock:
            return list(self.stderr_lines)

    def wait_for_line(self, pattern, stream="stdout"):
        end = time.monotonic() + WAIT
        rx = re.compile(pattern)
        while time.monotonic() < end:
            lines = self.stdout() if stream == "stdout" else self.stderr()
            for line in lines:
                if rx.search(line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no {stream} line matching {pattern!r}; got {lines!r}")

    def close(self):
        self.api.closed = True
        try:  # the whole process group: also reaps anything the bootstrap spawned
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            pass
        for t in self.readers:
            t.join(WAIT)
        if not any(t.is_alive() for t in self.readers):
            self.proc.stdout.close()
            self.proc.stderr.close()
        self.api.close()


class BootstrapTestBase:
    """Mixin: the test cases shared by both runtimes."""

    ARGV = None
    FILES = {}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="portico-rt-")
        cls.task_root = cls.tmp.name
        for rel, text in cls.FILES.items():
            path = os.path.join(cls.task_root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text).lstrip())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def start(self, handler, **kw):
        b = Bootstrap(self.ARGV, self.task_root, handler, **kw)
        self.addCleanup(b.close)
        return b

    # common assertions -----------------------------------------------------

    def assert_response(self, post, expected):
        self.assertEqual(post["path"], f"/2018-06-01/runtime/invocation/{post['request_id']}/response",
                         post["body"])
        self.assertEqual(json.loads(post["body"]), expected)
        return post

    def assert_error(self, post, error_type):
        self.assertEqual(post["path"], f"/2018-06-01/runtime/invocation/{post['request_id']}/error",
                         post["body"])
        self.assertEqual(post["headers"].get("lambda-runtime-function-error-type"), error_type)
        body = json.loads(post["body"])
        self.assertEqual(body["errorType"], error_type)
        return body

    def assert_init_error(self, handler, error_type, message_re):
        b = self.start(handler)
        post = b.next_post()
        self.assertEqual(post["path"], "/2018-06-01/runtime/init/error")
        self.assertEqual(post["headers"].get("lambda-runtime-function-error-type"), error_type)
        body = json.loads(post["body"])
        self.assertEqual(body["errorType"], error_type)
        self.assertRegex(body["errorMessage"], message_re)
        self.assertEqual(b.wait_exit(), self.INIT_EXIT_CODE)
        self.assertTrue(b.api.next_calls.empty(), "must not poll /next after an init error")
        return body

    # common tests (both runtimes) -------------------------------------------

    def test_echo_any_json_payload(self):
        b = self.start(self.H_ECHO)
        for payload in [{"a": 1, "nested": {"b": [1, 2, "x"]}}, [1, "two", None], "just a string",
                        42, 3.5, None, True, {"unicode": "h\u00e9llo \u2603 \U0001F600"}]:
            post = b.invoke(payload)
            self.assert_response(post, payload)
            self.assertEqual(post["headers"].get("content-type"), "application/json")
        # keep-alive: all requests of the process over one connection
        self.assertEqual(len(b.api.clients), 1, b.api.clients)

    def test_large_and_chunked_event(self):
        b = self.start(self.H_ECHO)
        big = {"blob": "x" * (3 << 20), "list": list(range(1000))}
        self.assert_response(b.invoke(big), big)
        self.assert_response(b.invoke({"chunked": [1, 2, 3], "s": "y" * 100000}, chunked=True),
                             {"chunked": [1, 2, 3], "s": "y" * 100000})
        self.assert_response(b.invoke({"after": "chunked"}), {"after": "chunked"})
        self.assertEqual(len(b.api.clients), 1)

    def test_asks_for_the_next_event_with_its_result(self):
        # The result and the next GET /next leave in one write (HTTP/1.1 pipelining): the Runtime
        # API holds the request before the next event comes. Both arrive before any 202 is sent.
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        ls.settimeout(WAIT)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LAMBDA_TASK_ROOT": self.task_root,
               "_HANDLER": self.H_ECHO, "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % ls.getsockname()[1]}
        proc = subprocess.Popen(self.ARGV, cwd=self.task_root, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            conn, _ = ls.accept()
            conn.settimeout(3)
            data = b""

            def read_until(marker):
                nonlocal data
                while marker not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        raise AssertionError(f"connection closed; got {data[:300]!r}")
                    data += chunk

            read_until(b"\r\n\r\n")
            self.assertTrue(data.startswith(b"GET /2018-06-01/runtime/invocation/next "), data[:100])
            data = data[data.index(b"\r\n\r\n") + 4:]
            event = b'{"pipelined": true}'
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: r1\r\n"
                         b"Lambda-Runtime-Deadline-Ms: %d\r\nContent-Length: %d\r\n\r\n%s"
                         % (int(time.time() * 1000) + 3000, len(event), event))
            read_until(b"GET /2018-06-01/runtime/invocation/next ")
            self.assertTrue(data.startswith(b"POST /2018-06-01/runtime/invocation/r1/response "), data[:100])
            self.assertRegex(data, rb'\r\n\r\n\{"pipelined": ?true\}GET /2018-06-01/runtime/invocation/next ')
        finally:
            proc.kill()
            proc.wait()
            ls.close()

    def test_reconnects_when_server_closes_connection(self):
        b = self.start(self.H_COUNTER)
        b.api.close_after_post = True
        self.assert_response(b.invoke({}), {"count": 1})
        self.assert_response(b.invoke({}), {"count": 2})
        self.assertGreaterEqual(len(b.api.clients), 2)
        self.assertIsNone(b.proc.poll())

    def test_context_env_and_trace(self):
        b = self.start(self.H_CONTEXT)
        before = int(time.time() * 1000)
        post = b.invoke({}, timeout_ms=5000,
                        headers={"Lambda-Runtime-Client-Context": json.dumps({"custom": {"k": "v"}})})
        body = json.loads(post["body"])
        self.assertEqual(body["requestId"], post["request_id"])
        self.assertEqual(body["functionName"], "fn")
        self.assertEqual(body["functionVersion"], "$LATEST")
        self.assertEqual(body["memory"], self.MEMORY)
        self.assertEqual(body["logGroup"], "/aws/lambda/fn")
        self.assertEqual(body["logStream"], "2024/01/01/[$LATEST]abcdef")
        self.assertEqual(body["arn"], "arn:aws:lambda:us-east-1:000000000000:function:fn")
        self.assertGreater(body["remaining"], 0)
        self.assertLessEqual(body["remaining"], post["deadline"] - before)
        self.assertEqual(body["myVar"], "my-value")
        self.assertEqual(body["trace"], "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
        self.assertEqual(body["custom"], {"k": "v"})

    def test_trace_id_per_invocation_without_growing(self):
        # Each invocation's trace header is the handler's _X_AMZN_TRACE_ID, and a new one per
        # invocation does not make a warm process grow: set through libc's setenv, every value
        # ever set stays allocated (here 7000 x 4 KB).
        b = self.start(self.H_TRACE_RSS, extra_env=self.STEADY_HEAP_ENV)
        pad = "t" * (4 << 10)
        rss = []
        for i in range(8000):
            trace = f"Root=1-{i:08x}-{pad}"
            look = i % 4000 == 0
            body = json.loads(b.invoke({"look": look}, headers={"Lambda-Runtime-Trace-Id": trace})["body"])
            if look:
                self.assertEqual(body["trace"], trace)
                self.assertTrue(body["has"] and body["listed"], body)
                if "child" in body:  # Node: a child process inherits it from process.env
                    self.assertEqual(body["child"], trace)
            else:
                rss.append(body["rssKb"])
        growth = rss[-1] - rss[1000]  # past the heap's own growth at start
        self.assertLess(growth, 12 << 10, f"grew {growth} KB over 7000 invocations")

    def test_warm_reuse_counter(self):
        b = self.start(self.H_COUNTER)
        self.assert_response(b.invoke({}), {"count": 1})
        self.assert_response(b.invoke({}), {"count": 2})
        self.assert_response(b.invoke({}), {"count": 3})
        self.assertIsNone(b.proc.poll())
        self.assertEqual(len(b.api.clients), 1)

    def test_handler_error(self):
        b = self.start(self.H_THROW)
        post = b.invoke({"msg": "boom"})
        body = self.assert_error(post, self.THROW_TYPE)
        self.assertEqual(body["errorMessage"], "boom")
        self.check_error_body(body, post)
        # still serving after a handled error
        post = b.invoke({"msg": "again"})
        self.assertEqual(json.loads(post["body"])["errorMessage"], "again")
        self.assertIsNone(b.proc.poll())

    def test_null_result(self):
        b = self.start(self.H_NONE)
        post = b.invoke({"x": 1})
        self.assert_response(post, None)
        self.assertEqual(post["body"].strip(), b"null")

    def test_nested_module_path(self):
        b = self.start(self.H_NESTED)
        self.assert_response(b.invoke({"v": 7}), {"nested": True, "v": 7})

    def test_init_error_missing_handler(self):
        self.assert_init_error(self.H_MISSING_FN, "Runtime.HandlerNotFound", self.MISSING_FN_MSG)

    def test_init_error_missing_module(self):
        self.assert_init_error(self.H_MISSING_MOD, "Runtime.ImportModuleError", self.MISSING_MOD_MSG)

    def test_init_error_syntax(self):
        self.assert_init_error(self.H_SYNTAX, "Runtime.UserCodeSyntaxError", r".")

    def test_log_format(self):
        b = self.start(self.H_LOG)
        post = b.invoke({"word": "world"})
        self.assert_response(post, "logged")
        rid = re.escape(post["request_id"])
        for pattern in self.LOG_PATTERNS:
            b.wait_for_line(pattern.replace("RID", rid).replace("ISO", ISO_RE))


# ---------------------------------------------------------------------------
# Node.js
# ---------------------------------------------------------------------------

NODE_FILES = {
    "package.json": '{"name": "fn", "version": "1.0.0"}\n',
    "index.js": """
        // CommonJS module, plain (sync) handler
        let count = 0;
        exports.echo = async (event) => event;
        exports.counter = async () => ({ count: ++count });
        exports.none = async () => undefined;
        exports.syncValue = (event) => ({ sync: event.v });
        exports.context = async (event, context) => ({
          requestId: context.awsRequestId,
          functionName: context.functionName,
          functionVersion: context.functionVersion,
          memory: context.memoryLimitInMB,
          logGroup: context.logGroupName,
          logStream: context.logStreamName,
          arn: context.invokedFunctionArn,
          remaining: context.getRemainingTimeInMillis(),
          myVar: process.env.MY_VAR,
          trace: process.env._X_AMZN_TRACE_ID,
          custom: context.clientContext && context.clientContext.custom,
          waits: context.callbackWaitsForEmptyEventLoop,
        });
        exports.traceRss = async (event) => (event.look ? {
          trace: process.env._X_AMZN_TRACE_ID,
          has: '_X_AMZN_TRACE_ID' in process.env,
          listed: Object.keys(process.env).includes('_X_AMZN_TRACE_ID'),
          child: require('child_process').execFileSync('/usr/bin/printenv', ['_X_AMZN_TRACE_ID']).toString().trim(),
        } : { rssKb: Math.round(process.memoryUsage().rss / 1024) });
        exports.throws = async (event) => { throw new TypeError(event.msg); };
        exports.throwsString = async () => { throw 'plain string'; };
        exports.log = async (event) => {
          console.log('hello %s', event.word, { n: 1 });
          console.info('info line');
          console.warn('warn line');
          console.error('error line');
          console.debug('debug line');
          return 'logged';
        };
        exports.callback = function (event, context, callback) {
          setTimeout(() => callback(null, { cb: event.v }), 10);
        };
        exports.callbackError = function (event, context, callback) {
          callback(new RangeError('cb failed'));
        };
        exports.callbackLater = function (event, context, callback) {
          // result is sent only after the event loop drains (waits = true)
          callback(null, { done: true });
          setTimeout(() => console.log('timer ran'), 30);
        };
        exports.succeed = function (event, context) { context.succeed({ legacy: 'ok' }); };
        exports.rejectUnhandled = async () => {
          Promise.reject(new Error('nobody catches me'));
          await new Promise((r) => setTimeout(r, 100));
          return 'too late';
        };
        exports.a = { b: { c: async () => 'deep' } };
        exports.uncaught = function (event, context, callback) {
          setTimeout(() => { throw new SyntaxError('async boom'); }, 5);
        };
        exports.multiline = async () => { console.log('line1\\nline2'); return 1; };
    """,
    "esm.mjs": """
        let n = 0;
        export const handler = async (event) => ({ esm: true, n: ++n, event });
    """,
    "src/app.js": """
        module.exports.handler = async (event) => ({ nested: true, v: event.v });
    """,
    "broken.js": """
        exports.handler = async (event) => { return {;
    """,
    "initthrow.js": """
        throw new Error('init went wrong');
    """,
}


# node is a dependency (scripts/deps.sh): without it these fail, never skip.
class NodeBootstrapTest(BootstrapTestBase, unittest.TestCase):
    ARGV = [NODE, NODE_BOOTSTRAP]
    FILES = NODE_FILES
    MEMORY = "256"
    INIT_EXIT_CODE = 129
    THROW_TYPE = "TypeError"
    H_ECHO = "index.echo"
    H_CONTEXT = "index.context"
    H_TRACE_RSS = "index.traceRss"
    STEADY_HEAP_ENV = {"NODE_OPTIONS": "--max-semi-space-size=1"}  # V8's young generation stays small
    H_COUNTER = "index.counter"
    H_THROW = "index.throws"
    H_NONE = "index.none"
    H_NESTED = "src/app.handler"
    H_MISSING_FN = "index.nope"
    H_MISSING_MOD = "missing.handler"
    H_SYNTAX = "broken.handler"
    H_LOG = "index.log"
    MISSING_FN_MSG = r"^index\.nope is undefined or not exported$"
    MISSING_MOD_MSG = r"Cannot find module 'missing'"
    LOG_PATTERNS = [
        r"^ISO\tRID\tINFO\thello world \{ n: 1 \}$",
        r"^ISO\tRID\tINFO\tinfo line$",
        r"^ISO\tRID\tDEBUG\tdebug line$",
    ]

    def check_error_body(self, body, post):
        self.assertIsInstance(body["trace"], list)
        self.assertTrue(body["trace"][0].startswith("TypeError: boom"), body["trace"])

    def test_log_format_stderr_levels(self):
        b = self.start(self.H_LOG)
        rid = re.escape(b.invoke({"word": "x"})["request_id"])
        b.wait_for_line(rf"^{ISO_RE}\t{rid}\tWARN\twarn line$", "stderr")
        b.wait_for_line(rf"^{ISO_RE}\t{rid}\tERROR\terror line$", "stderr")

    def test_sync_handler_value(self):
        b = self.start("index.syncValue")
        self.assert_response(b.invoke({"v": 3}), {"sync": 3})

    def test_callback_handler(self):
        b = self.start("index.callback")
        self.assert_response(b.invoke({"v": 1}), {"cb": 1})
        self.assert_response(b.invoke({"v": 2}), {"cb": 2})

    def test_callback_error(self):
        b = self.start("index.callbackError")
        body = self.assert_error(b.invoke({}), "RangeError")
        self.assertEqual(body["errorMessage"], "cb failed")

    def test_callback_waits_for_empty_event_loop(self):
        b = self.start("index.callbackLater")
        post = b.invoke({})
        self.assert_response(post, {"done": True})
        # the pending timer ran before the response was sent (its line may reach our reader a bit later)
        b.wait_for_line(r"\tINFO\ttimer ran$")

    def test_context_succeed(self):
        b = self.start("index.succeed")
        self.assert_response(b.invoke({}), {"legacy": "ok"})

    def test_esm_module_and_nested_export(self):
        b = self.start("esm.handler")
        self.assert_response(b.invoke({"q": 1}), {"esm": True, "n": 1, "event": {"q": 1}})
        self.assert_response(b.invoke({"q": 2}), {"esm": True, "n": 2, "event": {"q": 2}})
        b2 = self.start("index.a.b.c")
        self.assert_response(b2.invoke({}), "deep")

    def test_thrown_non_error(self):
        b = self.start("index.throwsString")
        body = self.assert_error(b.invoke({}), "Error")
        self.assertEqual(body["errorMessage"], "plain string")

    def test_context_callback_waits_default(self):
        b = self.start(self.H_CONTEXT)
        self.assertIs(json.loads(b.invoke({})["body"])["waits"], True)

    def test_unhandled_rejection(self):
        b = self.start("index.rejectUnhandled")
        post = b.invoke({})
        body = self.assert_error(post, "Runtime.UnhandledPromiseRejection")
        self.assertIn("nobody catches me", body["errorMessage"])
        self.assertEqual(b.wait_exit(), 129)

    def test_uncaught_exception(self):
        b = self.start("index.uncaught")
        body = self.assert_error(b.invoke({}), "SyntaxError")
        self.assertEqual(body["errorMessage"], "async boom")
        self.assertEqual(b.wait_exit(), 129)

    def test_multiline_log_is_one_line(self):
        b = self.start("index.multiline")
        rid = re.escape(b.invoke({})["request_id"])
        b.wait_for_line(rf"^{ISO_RE}\t{rid}\tINFO\tline1\rline2$")

    def test_init_error_thrown_at_load(self):
        body = self.assert_init_error("initthrow.handler", "Error", r"init went wrong")
        self.assertIsInstance(body["trace"], list)

    def test_init_log_and_first_next(self):
        b = self.start(self.H_ECHO)
        b.wait_next()  # handler loaded before the first /next
        self.assertTrue(b.api.posts.empty())


# ---------------------------------------------------------------------------
# Python
# ---------------------------------------------------------------------------

PY_FILES = {
    "app.py": """
        import os
        count = 0

        def echo(event, context):
            return event

        def counter(event, context):
            global count
            count += 1
            return {"count": count}

        def none(event, context):
            return None

        def context_info(event, context):
            return {
                "requestId": context.aws_request_id,
                "functionName": context.function_name,
                "functionVersion": context.function_version,
                "memory": context.memory_limit_in_mb,
                "logGroup": context.log_group_name,
                "logStream": context.log_stream_name,
                "arn": context.invoked_function_arn,
                "remaining": context.get_remaining_time_in_millis(),
                "myVar": os.environ.get("MY_VAR"),
                "trace": os.environ.get("_X_AMZN_TRACE_ID"),
                "custom": context.client_context.custom if context.client_context else None,
            }

        def trace_rss(event, context):
            with open("/proc/self/statm") as f:
                pages = int(f.read().split()[1])
            if event.get("look"):
                return {"trace": os.environ.get("_X_AMZN_TRACE_ID"), "has": "_X_AMZN_TRACE_ID" in os.environ,
                        "listed": "_X_AMZN_TRACE_ID" in dict(os.environ)}
            return {"rssKb": pages * os.sysconf("SC_PAGE_SIZE") // 1024}

        def throws(event, context):
            def inner():
                raise ValueError(event["msg"])
            inner()

        def subscript(event, context):
            return event["outer"]["inner"] + 1

        def sys_path(event, context):
            import sys
            return sys.path

        def unmarshalable(event, context):
            return {"s": {1, 2}}

        def decimal_result(event, context):
            import decimal
            return {"d": decimal.Decimal("1.5")}
    """,
    "logs.py": """
        import logging
        logging.basicConfig(level=logging.DEBUG, format="IGNORED %(message)s")  # no-op, as on AWS
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)

        def handler(event, context):
            print("plain print", event["word"])
            logger.info("hello %s", event["word"])
            logging.getLogger("child").warning("multi\\nline")
            return "logged"
    """,
    "lazylog.py": """
        def handler(event, context):
            import logging
            logging.getLogger().error("late %d", 5)
            return "logged"
    """,
    "pkg/__init__.py": "",
    "pkg/mod.py": """
        def handler(event, context):
            return {"nested": True, "v": event["v"]}
    """,
    "broken.py": """
        def handler(event, context)
            return 1
    """,
    "baddep.py": """
        import definitely_not_installed_module_xyz
        def handler(event, context):
            return 1
    """,
    "initthrow.py": """
        raise RuntimeError("init went wrong")
    """,
}


class PythonBootstrapTest(BootstrapTestBase, unittest.TestCase):
    ARGV = [PYTHON, PY_BOOTSTRAP]
    FILES = PY_FILES
    MEMORY = "256"  # a string, as AWS's Python runtime has it
    INIT_EXIT_CODE = 1
    THROW_TYPE = "ValueError"
    H_ECHO = "app.echo"
    H_CONTEXT = "app.context_info"
    H_TRACE_RSS = "app.trace_rss"
    STEADY_HEAP_ENV = {}
    H_COUNTER = "app.counter"
    H_THROW = "app.throws"
    H_NONE = "app.none"
    H_NESTED = "pkg.mod.handler"
    H_MISSING_FN = "app.nope"
    H_MISSING_MOD = "nomodule.handler"
    H_SYNTAX = "broken.handler"
    H_LOG = "logs.handler"
    MISSING_FN_MSG = r"^Handler 'nope' missing on module 'app'$"
    MISSING_MOD_MSG = r"^Unable to import module 'nomodule': No module named 'nomodule'$"
    LOG_PATTERNS = [
        r"^plain print world$",
        r"^\[INFO\]\tISO\tRID\thello world$",
        r"^\[WARNING\]\tISO\tRID\tmulti\rline$",
    ]

    def check_error_body(self, body, post):
        self.assertEqual(body["requestId"], post["request_id"])
        self.assertIsInstance(body["stackTrace"], list)
        self.assertEqual(len(body["stackTrace"]), 2, body["stackTrace"])  # handler + inner
        self.assertIn("in throws", body["stackTrace"][0])
        self.assertIn('raise ValueError(event["msg"])', body["stackTrace"][1])
        self.assertNotIn("python_runtime.py", "".join(body["stackTrace"]))
        app = os.path.join(self.task_root, "app.py")
        self.assertEqual(body["stackTrace"], [
            f'  File "{app}", line {self.line_of("app.py", "    inner()")}, in throws\n    inner()\n',
            f'  File "{app}", line {self.line_of("app.py", "raise ValueError")}, in inner\n'
            f'    raise ValueError(event["msg"])\n',
        ])

    def line_of(self, rel, text):
        """The 1-based number of the first line of task-root file `rel` that contains `text`."""
        with open(os.path.join(self.task_root, rel)) as f:
            for number, line in enumerate(f, 1):
                if text in line:
                    return number
        raise AssertionError(f"{text!r} not in {rel}")

    def test_stack_trace_entries_as_aws_formats_them(self):
        # One string per frame, '  File "...", line N, in name\n    source\n', as AWS's runtime
        # formats (file, line, name, source) tuples: no ^^^^ line under the failing part of the
        # source, which Python 3.11+ prints in its own tracebacks.
        b = self.start("app.subscript")
        post = b.invoke({"outer": {}})
        body = self.assert_error(post, "KeyError")
        self.assertEqual(body["errorMessage"], "'inner'")
        app = os.path.join(self.task_root, "app.py")
        line = self.line_of("app.py", 'return event["outer"]["inner"] + 1')
        self.assertEqual(body["stackTrace"],
                         [f'  File "{app}", line {line}, in subscript\n    return event["outer"]["inner"] + 1\n'])
        # The log's copy is the same frames, one per line ('\r' joins the lines of one record).
        b.wait_for_line(r"^\[ERROR\] KeyError: 'inner'\rTraceback \(most recent call last\):\r")
        self.assertFalse(any("^" in l for l in b.stdout()), b.stdout())

    def test_init_error_stack_traces(self):
        # As AWS's runtime reports a failed init: no frames for a module that cannot be imported,
        # one '  File "f" Line N\n    text' entry for a syntax error, the user's frames for an
        # exception the module raised.
        body = self.assert_init_error("baddep.handler", "Runtime.ImportModuleError", r"^Unable to import")
        self.assertEqual(body["stackTrace"], [])
        body = self.assert_init_error("nomodule.handler", "Runtime.ImportModuleError", r"^Unable to import")
        self.assertEqual(body["stackTrace"], [])
        body = self.assert_init_error(self.H_SYNTAX, "Runtime.UserCodeSyntaxError", r"^Syntax error in module")
        broken = os.path.join(self.task_root, "broken.py")
        self.assertEqual(body["stackTrace"], [f'  File "{broken}" Line 1\n    def handler(event, context)\n'])
        body = self.assert_init_error("initthrow.handler", "RuntimeError", r"^init went wrong$")
        initthrow = os.path.join(self.task_root, "initthrow.py")
        self.assertEqual(body["stackTrace"],
                         [f'  File "{initthrow}", line 1, in <module>\n    raise RuntimeError("init went wrong")\n'])

    def test_unmarshal_error_has_no_frames(self):
        b = self.start(self.H_ECHO)
        body = self.assert_error(b.invoke(None, raw_body=b"{not json"), "Runtime.UnmarshalError")
        self.assertEqual(body["stackTrace"], [])

    def test_slash_handler_path_and_sys_path(self):
        b = self.start("pkg/mod.handler")
        self.assert_response(b.invoke({"v": 1}), {"nested": True, "v": 1})
        b2 = self.start("app.sys_path")
        post = b2.invoke({})
        paths = json.loads(post["body"])
        self.assertEqual(os.path.realpath(paths[0]), os.path.realpath(self.task_root))
        self.assertNotIn(os.path.realpath(RUNTIMES), [os.path.realpath(p) for p in paths if p])

    def test_marshal_error(self):
        b = self.start("app.unmarshalable")
        body = self.assert_error(b.invoke({}), "Runtime.MarshalError")
        self.assertTrue(body["errorMessage"].startswith("Unable to marshal response: "), body)
        self.assertIn("set", body["errorMessage"])

    def test_decimal_result(self):
        b = self.start("app.decimal_result")
        self.assert_response(b.invoke({}), {"d": 1.5})

    def test_logging_imported_lazily(self):
        b = self.start("lazylog.handler")
        post = b.invoke({})
        self.assert_response(post, "logged")
        b.wait_for_line(rf"^\[ERROR\]\t{ISO_RE}\t{re.escape(post['request_id'])}\tlate 5$")

    def test_basic_config_is_noop(self):
        b = self.start(self.H_LOG)
        self.assert_response(b.invoke({"word": "x"}), "logged")
        b.wait_for_line(r"^\[INFO\]")
        self.assertFalse(any("IGNORED" in l for l in b.stdout() + b.stderr()))

    def test_init_error_missing_dependency(self):
        self.assert_init_error("baddep.handler", "Runtime.ImportModuleError",
                               r"^Unable to import module 'baddep': No module named "
                               r"'definitely_not_installed_module_xyz'$")

    def test_init_error_thrown_at_load(self):
        body = self.assert_init_error("initthrow.handler", "RuntimeError", r"init went wrong")
        self.assertTrue(body["stackTrace"])

    def test_invalid_event_json(self):
        b = self.start(self.H_ECHO)
        self.assert_error(b.invoke(None, raw_body=b"{not json"), "Runtime.UnmarshalError")
        self.assert_response(b.invoke({"ok": 1}), {"ok": 1})

    def test_fast_json_codec_matches_json_module(self):
        sys.path.insert(0, RUNTIMES)
        dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in src/
        try:
            import python_runtime as rt
        finally:
            sys.path.remove(RUNTIMES)
            sys.dont_write_bytecode = dont_write
        samples = [{"a": [1, 2.5, -0.0, 1e300, "x\u00e9\n\"", None, True, False, {}]}, [], "s", 0, None,
                   {"k" * 3: {"deep": [[[]]]}}, 12345678901234567890]
        for s in samples:
            self.assertEqual(rt.json_dumps(s), json.dumps(s))
            self.assertEqual(rt.json_loads(json.dumps(s)), s)
        with self.assertRaises(ValueError):
            rt.json_loads("[1] x")
        with self.assertRaises(ValueError):
            rt.json_loads("")
        loop = []
        loop.append(loop)
        with self.assertRaises(ValueError):
            rt.json_dumps(loop)
        with self.assertRaises(TypeError):
            rt.json_dumps(object())


# ---------------------------------------------------------------------------
# Cold-start benchmark (not part of the test run)
# ---------------------------------------------------------------------------


def bench(runs):
    """Median wall time from spawn to the first GET /next (bootstraps) or to
    exit (bare interpreters).  A plain accept() in this thread stands in for the
    Runtime API, so harness overhead is minimal; rows are interleaved."""
    import socket

    roots = []

    def write_files(files):
        tmp = tempfile.mkdtemp(prefix="portico-bench-")
        roots.append(tmp)
        for rel, text in files.items():
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text).lstrip())
        return tmp

    def bare(argv):
        def run():
            t = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            return time.perf_counter() - t
        return run

    def to_first_next(argv, files, handler):
        root = write_files(files)

        def run():
            ls = socket.socket()
            ls.bind(("127.0.0.1", 0))
            ls.listen(1)
            ls.settimeout(WAIT)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LAMBDA_TASK_ROOT": root,
                   "_HANDLER": handler, "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % ls.getsockname()[1],
                   "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"}
            t = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            try:
                conn, _ = ls.accept()
                conn.settimeout(WAIT)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        raise AssertionError("connection closed before a request arrived")
                    data += chunk
                elapsed = time.perf_counter() - t
                if not data.startswith(b"GET /2018-06-01/runtime/invocation/next "):
                    raise AssertionError(data[:200])
                proc.kill()
                proc.wait()
                conn.close()
                return elapsed
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                ls.close()
        return run

    # Floors: the bare interpreter doing nothing but send GET /next.
    node_floor = ("const [h, p] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');"
                  "const s = require('net').connect(+p, h, () => s.write("
                  "'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'));")
    py_floor = ("import os, _socket; h, p = os.environ['AWS_LAMBDA_RUNTIME_API'].split(':');"
                "s = _socket.socket(); s.connect((h, int(p)));"
                "s.sendall(b'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');"
                "s.recv(1)")
    rows = [
        ("node -e 0", bare([NODE, "-e", "0"])),
        ("node -e <connect + GET /next>", to_first_next([NODE, "-e", node_floor], {}, "x.y")),
        ("node bootstrap -> first /next", to_first_next([NODE, NODE_BOOTSTRAP], NODE_FILES, "index.echo")),
        (f"{PYTHON} -c pass", bare([PYTHON, "-c", "pass"])),
        ("python -c <connect + GET /next>", to_first_next([PYTHON, "-c", py_floor], {}, "x.y")),
        ("python bootstrap -> first /next", to_first_next([PYTHON, PY_BOOTSTRAP], PY_FILES, "pkg.mod.handler")),
    ]
    times = {name: [] for name, _ in rows}
    for name, fn in rows:
        fn()  # warm the page cache
    for _ in range(runs):
        for name, fn in rows:
            times[name].append(fn())
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)
    for name, _ in rows:
        ts = sorted(times[name])
        print(f"{statistics.median(ts) * 1000:8.1f} ms median  (min {ts[0] * 1000:6.1f})  {name}")


if __name__ == "__main__":
    if "--bench" in sys.argv:
        i = sys.argv.index("--bench")
        bench(int(sys.argv[i + 1]) if len(sys.argv) > i + 1 else 11)
        sys.exit(0)
    faulthandler.dump_traceback_later(55, exit=True)  # hard bound on the whole run
    unittest.main()
