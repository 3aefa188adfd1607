#!/usr/bin/env python3
"""End-to-end test of Portico's Lambda: the real portico binary, driven by Debian's AWS CLI v2
(and boto3 where many calls must run at once).

    /usr/bin/python3 tests/e2e/lambda_e2e_test.py --portico build/asan-ubsan/portico

Python, Node and a `provided` C runtime (compiled here with cc); create, invoke, warm reuse, update
code and configuration, versions and aliases, function errors, timeout, crash, reserved concurrency
(429), DryRun, Event invocations that survive a restart, zip-slip refused, oversize payload 413,
and a function that tries to read Portico's data dir. Steps run in order; the first failure stops
the run and prints the server log. Exit code 0 = every step passed.
"""
import base64
import concurrent.futures
import hashlib
import http.server
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.peer_host import PeerHost  # noqa: E402
from support.portico import AwsCli, E2EFailure, PorticoServer, check, make_zip, read, run_steps  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda_fixtures")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"


class Recorder(http.server.ThreadingHTTPServer):
    """Records POSTed bodies; answers 500 while `failing`, else 200. Serves on `sock` (listening
    in a peer host: functions cannot reach the host's loopback)."""

    def __init__(self, sock):
        self.bodies, self.failing = [], True
        super().__init__(sock.getsockname(), RecorderHandler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.server_address = sock.getsockname()


class RecorderHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.bodies.append((time.monotonic(), json.loads(body)))
        self.send_response(500 if self.server.failing else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class LambdaE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        # A small account (6 concurrent executions, reservations may leave as little as 1) so the
        # unreserved pool can be filled by a test.
        # Two server workers whatever the core count: environments live on the worker that started them.
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1",
                                                       "--async-retry-seconds", "1", "--function-idle-seconds", "60",
                                                       "--function-concurrency", "6",
                                                       "--function-unreserved-minimum", "1"])
        self.aws = AwsCli(self.server, service="lambda")

    # -- helpers
    def invoke(self, name, payload, *extra, tail=False):
        out = os.path.join(self.workdir, "out.json")
        if os.path.exists(out):
            os.unlink(out)
        args = ["--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", json.dumps(payload),
                *extra]
        if tail:
            args += ["--log-type", "Tail"]
        meta = self.aws.json("invoke", *args, out)
        body = read(out).decode() if os.path.exists(out) else ""
        return meta, body

    def boto(self, validate=True):
        import boto3
        from botocore.config import Config
        return boto3.client("lambda", endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, read_timeout=30,
                                          parameter_validation=validate))

    # -- steps
    def step_build_fixtures(self):
        w = self.workdir
        subprocess.run(["cc", "-O2", "-o", os.path.join(w, "bootstrap"), os.path.join(FIXTURES, "bootstrap.c")],
                       check=True, timeout=60)
        self.py_zip = make_zip(os.path.join(w, "py.zip"), {"app.py": read(os.path.join(FIXTURES, "app.py"))})
        self.node_zip = make_zip(os.path.join(w, "node.zip"), {"index.js": read(os.path.join(FIXTURES, "index.js"))})
        self.c_zip = make_zip(os.path.join(w, "c.zip"), {"bootstrap": (read(os.path.join(w, "bootstrap")), 0o755)})
        self.py2_zip = make_zip(os.path.join(w, "py2.zip"),
                                {"app.py": b"def handler(event, context):\n    return {'code': 'v2'}\n"})
        self.slip_zip = make_zip(os.path.join(w, "slip.zip"), {"../../evil.py": b"x = 1\n"})

    def step_create_functions(self):
        self.server.start()
        cfg = self.aws.json("create-function", "--function-name", "py", "--runtime", "python3.12", "--handler",
                            "app.handler", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip, "--timeout", "10",
                            "--memory-size", "256", "--environment", "Variables={GREETING=hi}")
        sha = base64.b64encode(hashlib.sha256(read(self.py_zip)).digest()).decode()
        check(cfg["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:py", cfg)
        check(cfg["CodeSha256"] == sha and cfg["CodeSize"] == len(read(self.py_zip)), cfg)
        check(cfg["State"] == "Pending" and cfg["Version"] == "$LATEST" and cfg["MemorySize"] == 256, cfg)
        check(cfg["Environment"]["Variables"] == {"GREETING": "hi"}, cfg)
        check(cfg["LastModified"].endswith("+0000") and len(cfg["RevisionId"]) == 36, cfg)
        self.aws.json("create-function", "--function-name", "node", "--runtime", "nodejs20.x", "--handler",
                      "index.handler", "--role", ROLE, "--zip-file", "fileb://" + self.node_zip)
        self.aws.json("create-function", "--function-name", "node-cb", "--runtime", "nodejs20.x", "--handler",
                      "index.callback", "--role", ROLE, "--zip-file", "fileb://" + self.node_zip)
        self.aws.json("create-function", "--function-name", "c-echo", "--runtime", "provided.al2023", "--handler",
                      "bootstrap", "--role", ROLE, "--zip-file", "fileb://" + self.c_zip)
        err = self.aws.error("ResourceConflictException", "create-function", "--function-name", "py", "--runtime",
                             "python3.12", "--handler", "app.handler", "--role", ROLE, "--zip-file",
                             "fileb://" + self.py_zip)
        check("Function already exist: py" in err, err)
        client = self.boto(validate=False)  # the CLI itself refuses 64 before sending
        try:
            client.create_function(FunctionName="bad", Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                   Code={"ZipFile": read(self.py_zip)}, MemorySize=64)
            raise E2EFailure("MemorySize 64 must be refused")
        except client.exceptions.ClientError as e:
            check(e.response["Error"]["Code"] == "ValidationException", e.response)
            check("greater than or equal to 128" in e.response["Error"]["Message"], e.response)

    def step_get_and_list(self):
        got = self.aws.json("get-function", "--function-name", "py")
        check(got["Configuration"]["State"] == "Active" and got["Code"]["RepositoryType"] == "S3", got)
        with urllib.request.urlopen(got["Code"]["Location"], timeout=10) as r:
            check(r.read() == read(self.py_zip), "Code.Location must serve the uploaded zip")
        names = self.aws.text("list-functions", query="Functions[].FunctionName").split()
        check(sorted(names) == ["c-echo", "node", "node-cb", "py"], names)
        self.aws.error("ResourceNotFoundException", "get-function", "--function-name", "nope")

    def step_invoke_python_warm(self):
        meta, body = self.invoke("py", {"a": 1}, tail=True)
        out = json.loads(body)
        check(meta["StatusCode"] == 200 and meta["ExecutedVersion"] == "$LATEST", meta)
        check(out["count"] == 1 and out["event"] == {"a": 1} and out["greeting"] == "hi", out)
        check(out["function"] == "py" and out["memory"] == "256" and 0 < out["remaining"] <= 10000, out)
        check(out["cwd"] == "/var/task" and out["taskRoot"] == "/var/task", out)
        check(out["path0"] == "/var/task" and out["boto3"] is True, out)
        log = base64.b64decode(meta["LogResult"]).decode()
        check(f"START RequestId: {out['requestId']} Version: $LATEST" in log, log)
        check("python handler saw" in log and f"END RequestId: {out['requestId']}" in log, log)
        check("REPORT RequestId:" in log and "Init Duration:" in log and "Memory Size: 256 MB" in log, log)
        meta, body = self.invoke("py", {"a": 2}, tail=True)
        out = json.loads(body)
        check(out["count"] == 2, f"warm environment must be reused (global counter): {out}")
        check("Init Duration" not in base64.b64decode(meta["LogResult"]).decode(), "no Init Duration when warm")
        logs = AwsCli(self.server, service="logs")
        found = logs.json("filter-log-events", "--log-group-name", "/aws/lambda/py", "--filter-pattern",
                          '"python handler saw"')
        messages = [e["message"] for e in found["events"]]
        check(len(messages) == 2 and all("python handler saw" in m for m in messages), messages)
        check(found["events"][0]["logStreamName"].endswith("]" + found["events"][0]["logStreamName"][-32:]), found)
        everything = [e["message"] for e in logs.json("filter-log-events", "--log-group-name", "/aws/lambda/py")["events"]]
        check(everything[0].startswith("START RequestId:") and everything[-1].startswith("REPORT RequestId:"),
              everything)
        logs.error("ResourceNotFoundException", "filter-log-events", "--log-group-name", "/aws/lambda/nope")

    def step_invoke_node_and_c(self):
        meta, body = self.invoke("node", {"b": 1})
        out = json.loads(body)
        check(out["count"] == 1 and out["event"] == {"b": 1} and out["function"] == "node", out)
        out = json.loads(self.invoke("node", {"b": 2})[1])
        check(out["count"] == 2, out)
        out = json.loads(self.invoke("node-cb", {"c": 1})[1])
        check(out == {"callback": True, "event": {"c": 1}}, out)
        out = json.loads(self.invoke("c-echo", {"x": [1, 2]})[1])
        check(out == {"echo": {"x": [1, 2]}, "n": 1}, out)
        out = json.loads(self.invoke("c-echo", {"x": 3})[1])
        check(out["n"] == 2, out)
        meta, body = self.invoke("c-echo", {"fail": True})
        check(meta.get("FunctionError") == "Unhandled" and json.loads(body)["errorType"] == "EchoError", (meta, body))

    def step_environments_across_workers(self):
        # Connections are spread over the two workers in turn; an environment lives on the worker
        # whose invoke started it. A warm environment is reused from either worker...
        self.aws.silent("create-function", "--function-name", "tally", "--runtime", "python3.12", "--handler",
                        "app.tally", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip, "--timeout", "10")
        counts = []
        for _ in range(4):  # a new client (a new connection) each time
            r = self.boto().invoke(FunctionName="tally", Payload=b"{}")
            counts.append(json.loads(r["Payload"].read())["count"])
        check(counts == [1, 2, 3, 4], f"one warm environment must serve both workers: {counts}")
        # ...and an idle environment on the caller's own worker is preferred. Two busy at once make
        # two environments, one on each worker; each connection then keeps to its own.
        self.aws.silent("create-function", "--function-name", "tally2", "--runtime", "python3.12", "--handler",
                        "app.tally", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip, "--timeout", "10")
        x, y = self.boto(), self.boto()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            first = list(pool.map(lambda c: json.loads(c.invoke(FunctionName="tally2", Payload=b'{"seconds": 0.5}')
                                                       ["Payload"].read())["count"], [x, y]))
        check(first == [1, 1], f"two environments: {first}")
        seen = {"x": [], "y": []}
        for _ in range(3):
            for label, client in (("x", x), ("y", y)):
                seen[label].append(json.loads(client.invoke(FunctionName="tally2", Payload=b"{}")["Payload"].read())
                                   ["count"])
        check(seen == {"x": [2, 3, 4], "y": [2, 3, 4]}, f"each worker's own environment: {seen}")

    def step_runtimes_that_run_on_while_idle(self):
        # Where idle environments are not frozen (hosts without a freezer, or --function-freeze
        # off; on Lambda, and by default, a frozen runtime does nothing until its next event):
        # 1. A runtime that gives up on a parked GET /next and asks again on a new connection gets
        #    the next event there (the newest GET /next is the runtime's), not on the abandoned one.
        # 2. An environment whose process exits while idle is not handed the next invocation.
        self.server.stop()
        self.server.extra_args += ["--function-freeze", "off"]
        self.server.start()
        zip_path = make_zip(os.path.join(self.workdir, "two-gets.zip"),
                            {"bootstrap": (read(os.path.join(FIXTURES, "two_gets_bootstrap.py")), 0o755)})
        self.aws.silent("create-function", "--function-name", "two-gets", "--runtime", "provided.al2023",
                        "--handler", "x", "--role", ROLE, "--zip-file", "fileb://" + zip_path, "--timeout", "3")
        meta, body = self.invoke("two-gets", {})
        check(json.loads(body) == {"served_on": "first"}, (meta, body))
        time.sleep(0.6)  # both GET /next are parked by now
        meta, body = self.invoke("two-gets", {})
        check("FunctionError" not in meta and json.loads(body) == {"served_on": "second"}, (meta, body))
        self.aws.silent("create-function", "--function-name", "exit-later", "--runtime", "python3.12", "--handler",
                        "app.exit_later", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip)
        for _ in range(2):
            meta, body = self.invoke("exit-later", {})
            check(meta["StatusCode"] == 200 and "FunctionError" not in meta and json.loads(body) == {"count": 1},
                  (meta, body))
            time.sleep(0.6)
        self.server.stop()
        self.server.extra_args = self.server.extra_args[:-2]
        self.server.start()

    def step_pipelined_runtime_wakes_once(self):
        # A runtime that sends its result and the next GET /next in one write gets the result's 202
        # together with the next event (one wake-up per invocation), not on its own.
        zip_path = make_zip(os.path.join(self.workdir, "pipelined.zip"),
                            {"bootstrap": (read(os.path.join(FIXTURES, "pipelined_bootstrap.py")), 0o755)})
        self.aws.silent("create-function", "--function-name", "pipelined", "--runtime", "provided.al2023",
                        "--handler", "x", "--role", ROLE, "--zip-file", "fileb://" + zip_path, "--timeout", "3")
        answers = []
        for _ in range(3):
            meta, body = self.invoke("pipelined", {})
            check("FunctionError" not in meta, (meta, body))
            answers.append(json.loads(body)["ack_alone"])
            time.sleep(0.2)  # time for a 202 sent on its own to arrive alone
        check(answers == [None, False, False], f"202 came with the next event: {answers}")
        # Bytes after a result that are not yet a whole request hold nothing back.
        self.aws.silent("create-function", "--function-name", "partial", "--runtime", "provided.al2023",
                        "--handler", "x", "--role", ROLE, "--zip-file", "fileb://" + zip_path, "--timeout", "2",
                        "--environment", "Variables={PARTIAL=1}")
        for _ in range(3):
            meta, body = self.invoke("partial", {})
            check("FunctionError" not in meta and json.loads(body) == {"partial": True}, (meta, body))

    def step_function_errors(self):
        self.aws.json("update-function-configuration", "--function-name", "node", "--handler", "index.fail")
        meta, body = self.invoke("node", {})
        err = json.loads(body)
        check(meta.get("FunctionError") == "Unhandled", meta)
        check(err["errorType"] == "NodeError" and err["errorMessage"] == "node says no" and err["trace"], err)
        self.aws.json("create-function", "--function-name", "py-fail", "--runtime", "python3.12", "--handler",
                      "app.fail", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip)
        meta, body = self.invoke("py-fail", {"q": 1})
        err = json.loads(body)
        check(meta.get("FunctionError") == "Unhandled", meta)
        check(err["errorType"] == "ValueError" and err["errorMessage"] == 'bad input: {"q": 1}', err)
        check(isinstance(err["stackTrace"], list) and err["requestId"], err)

    def step_update_code_and_config(self):
        self.aws.json("update-function-configuration", "--function-name", "py", "--environment",
                      "Variables={GREETING=hello}")
        out = json.loads(self.invoke("py", {})[1])
        check(out["greeting"] == "hello" and out["count"] == 1, f"new configuration → new environment: {out}")
        v1 = self.aws.json("publish-version", "--function-name", "py", "--description", "first")
        check(v1["Version"] == "1" and v1["FunctionArn"].endswith(":py:1"), v1)
        alias = self.aws.json("create-alias", "--function-name", "py", "--name", "live", "--function-version", "1")
        check(alias["AliasArn"].endswith(":py:live") and alias["FunctionVersion"] == "1", alias)
        self.aws.json("update-function-code", "--function-name", "py", "--zip-file", "fileb://" + self.py2_zip)
        out = json.loads(self.invoke("py", {})[1])
        check(out == {"code": "v2"}, f"$LATEST runs the new code: {out}")
        meta, body = self.invoke("py", {}, "--qualifier", "live")
        check(meta["ExecutedVersion"] == "1" and json.loads(body)["greeting"] == "hello", (meta, body))
        versions = self.aws.text("list-versions-by-function", "--function-name", "py", query="Versions[].Version")
        check(versions.split() == ["$LATEST", "1"], versions)
        self.aws.error("ResourceNotFoundException", "invoke", "--function-name", "py", "--qualifier", "7",
                       os.path.join(self.workdir, "x.json"))

    def step_timeout_and_crash(self):
        self.aws.json("create-function", "--function-name", "sleepy", "--runtime", "python3.12", "--handler",
                      "app.sleepy", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip, "--timeout", "1")
        t0 = time.monotonic()
        meta, body = self.invoke("sleepy", {"seconds": 5})
        err = json.loads(body)
        check(time.monotonic() - t0 < 4.5, "the timeout must cut the invocation short")
        check(meta.get("FunctionError") == "Unhandled" and err["errorType"] == "Sandbox.Timedout", err)
        check(err["errorMessage"].endswith("Error: Task timed out after 1.00 seconds"), err)
        out = json.loads(self.invoke("sleepy", {"seconds": 0})[1])
        check(out == {"slept": 0}, out)
        # A warm environment times each invocation from its own start: 0.5 s after a quick one, a
        # slow one is cut after its full second, not when the first one's deadline comes.
        client = self.boto()
        client.invoke(FunctionName="sleepy", Payload=b'{"seconds": 0}')
        time.sleep(0.5)
        t0 = time.monotonic()
        r = client.invoke(FunctionName="sleepy", Payload=b'{"seconds": 5}')
        elapsed = time.monotonic() - t0
        err = json.loads(r["Payload"].read())
        check(err["errorType"] == "Sandbox.Timedout" and 0.98 <= elapsed < 3, (elapsed, err))
        self.aws.json("create-function", "--function-name", "crash", "--runtime", "python3.12", "--handler",
                      "app.crash", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip)
        meta, body = self.invoke("crash", {})
        err = json.loads(body)
        check(err["errorType"] == "Runtime.ExitError" and "exit status 3" in err["errorMessage"], err)
        meta, body = self.invoke("crash", {})
        check(json.loads(body)["errorType"] == "Runtime.ExitError", "a fresh environment runs the next invoke")

    def step_concurrency(self):
        out = self.aws.json("put-function-concurrency", "--function-name", "sleepy",
                            "--reserved-concurrent-executions", "2")
        check(out == {"ReservedConcurrentExecutions": 2}, out)
        self.aws.json("update-function-configuration", "--function-name", "sleepy", "--timeout", "10")
        client = self.boto()

        # Each call sleeps 4 s, so that all of them overlap even on a loaded machine (with 1.5 s, a
        # call that started late under CI's load found a slot already freed).
        def one(_):
            try:
                r = client.invoke(FunctionName="sleepy", Payload=json.dumps({"seconds": 4}))
                return ("ok", r["Payload"].read())
            except client.exceptions.TooManyRequestsException as e:
                return ("429", e.response)

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            results = list(pool.map(one, range(6)))
        ok = [r for r in results if r[0] == "ok"]
        throttled = [r for r in results if r[0] == "429"]
        check(1 <= len(ok) <= 2 and len(throttled) >= 4, [r[0] for r in results])
        check(throttled[0][1]["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded", throttled[0][1])
        got = self.aws.json("get-function-concurrency", "--function-name", "sleepy")
        check(got == {"ReservedConcurrentExecutions": 2}, got)

        # The account: 6, of which sleepy reserved 2; the other functions share the 4 left.
        settings = self.aws.json("get-account-settings")
        check(settings["AccountLimit"]["ConcurrentExecutions"] == 6 and
              settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 4, settings)
        check(settings["AccountUsage"]["FunctionCount"] >= 5 and settings["AccountUsage"]["TotalCodeSize"] > 0,
              settings)
        err = self.aws.error("InvalidParameterValueException", "put-function-concurrency", "--function-name", "py",
                             "--reserved-concurrent-executions", "4")
        check("below its minimum value of [1]" in err, err)
        self.aws.json("create-function", "--function-name", "sleepy2", "--runtime", "python3.12", "--handler",
                      "app.sleepy", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip, "--timeout", "10")

        def call(name):
            try:
                r = client.invoke(FunctionName=name, Payload=json.dumps({"seconds": 4}))
                return (name, "ok", r["Payload"].read())
            except client.exceptions.TooManyRequestsException as e:
                return (name, "429", e.response)

        # Six unreserved calls fill the pool of 4; sleepy's 2 reserved still run beside them.
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(call, ["sleepy2"] * 6 + ["sleepy"] * 2))
        unreserved = [r for r in results if r[0] == "sleepy2"]
        check(sum(1 for r in unreserved if r[1] == "ok") <= 4 and
              sum(1 for r in unreserved if r[1] == "429") >= 2, [r[:2] for r in results])
        check(all(r[2]["Reason"] == "ConcurrentInvocationLimitExceeded" for r in unreserved if r[1] == "429"),
              [r[2] for r in unreserved if r[1] == "429"])
        check([r[1] for r in results if r[0] == "sleepy"] == ["ok", "ok"],
              f"a reservation is guaranteed: {[r[:2] for r in results]}")
        self.aws.silent("delete-function-concurrency", "--function-name", "sleepy")
        settings = self.aws.json("get-account-settings")
        check(settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 6, settings)

    def step_dryrun_payloads_and_zip_slip(self):
        meta = self.aws.json("invoke", "--function-name", "py", "--invocation-type", "DryRun",
                             os.path.join(self.workdir, "dry.json"))
        check(meta["StatusCode"] == 204, meta)
        client = self.boto()
        try:
            client.invoke(FunctionName="py", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
            raise E2EFailure("a 6 MB+ payload must be refused")
        except client.exceptions.RequestTooLargeException:
            pass
        except Exception as e:  # the modelled name differs between botocore versions
            check("RequestEntityTooLargeException" in str(e) or "413" in str(e), repr(e))
        err = self.aws.error("InvalidParameterValueException", "create-function", "--function-name", "slip",
                             "--runtime", "python3.12", "--handler", "app.handler", "--role", ROLE, "--zip-file",
                             "fileb://" + self.slip_zip)
        check("escapes the function root" in err, err)
        code_dir = os.path.join(self.server.data_dir, "code")
        leftovers = [e for e in os.listdir(code_dir) if ".tmp" in e]
        check(not leftovers, f"a refused zip leaves nothing behind: {leftovers}")
        check(not os.path.exists(os.path.join(self.workdir, "evil.py")), "zip-slip wrote outside the root")

    def step_sandbox_hides_data_dir(self):
        self.aws.json("create-function", "--function-name", "snoop", "--runtime", "python3.12", "--handler",
                      "app.snoop", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip)
        out = json.loads(self.invoke("snoop", {"path": os.path.abspath(self.server.data_dir)})[1])
        check(out["visible"] is False, f"a function must not see Portico's data dir: {out}")
        # Lambda's sandbox user (uid 993), without capabilities, when the host allows user namespaces
        # (these machines do; Portico runs the tests as root).
        check(out["uid"] == 993 and out["gid"] == 990 and int(out["capEff"], 16) == 0,
              f"functions run as uid 993 with no capabilities: {out}")

    def step_event_survives_restart(self):
        peer = PeerHost()  # a host outside: functions reach outside addresses, never the host's
        recorder = Recorder(peer.listen())
        threading.Thread(target=recorder.serve_forever, daemon=True).start()
        url = f"http://{peer.address}:{recorder.server_address[1]}/hook"
        self.aws.json("create-function", "--function-name", "reporter", "--runtime", "python3.12", "--handler",
                      "app.report", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip)
        meta = self.aws.json("invoke", "--function-name", "reporter", "--invocation-type", "Event",
                             "--cli-binary-format", "raw-in-base64-out", "--payload",
                             json.dumps({"url": url, "tag": "e1"}), os.path.join(self.workdir, "ev.json"))
        check(meta["StatusCode"] == 202, meta)
        deadline = time.monotonic() + 15
        while not recorder.bodies and time.monotonic() < deadline:
            time.sleep(0.05)
        check(recorder.bodies, "the Event invocation must run")
        # The first attempt failed (recorder answered 500): the retry is due in 1 s. Restart now.
        rc = self.server.stop()
        check(rc == 0, f"portico exit code {rc}")
        recorder.failing = False
        attempts_before = len(recorder.bodies)
        self.server.start()
        deadline = time.monotonic() + 20
        while len(recorder.bodies) <= attempts_before and time.monotonic() < deadline:
            time.sleep(0.05)
        check(len(recorder.bodies) > attempts_before, "the queued retry must run after the restart")
        check(recorder.bodies[-1][1]["tag"] == "e1", recorder.bodies[-1])
        recorder.shutdown()
        peer.close()

    def step_policy_alias_delete(self):
        st = self.aws.json("add-permission", "--function-name", "py", "--statement-id", "apigw", "--action",
                           "lambda:InvokeFunction", "--principal", "apigateway.amazonaws.com", "--source-arn",
                           "arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/x")
        statement = json.loads(st["Statement"])
        check(statement["Principal"] == {"Service": "apigateway.amazonaws.com"}, statement)
        policy = json.loads(self.aws.json("get-policy", "--function-name", "py")["Policy"])
        check(policy["Statement"][0]["Sid"] == "apigw", policy)
        self.aws.silent("remove-permission", "--function-name", "py", "--statement-id", "apigw")
        self.aws.error("ResourceConflictException", "delete-function", "--function-name", "py", "--qualifier", "1")
        self.aws.silent("delete-alias", "--function-name", "py", "--name", "live")
        self.aws.silent("delete-function", "--function-name", "py")
        self.aws.error("ResourceNotFoundException", "get-function", "--function-name", "py")
        self.aws.error("ResourceNotFoundException", "invoke", "--function-name", "py",
                       os.path.join(self.workdir, "gone.json"))
        rc = self.server.stop()
        check(rc == 0, f"portico exit code {rc}")


    def step_stop_with_invocation_in_flight(self):
        # SIGTERM while an invocation runs on an environment of the other worker: after the drain
        # (1 s here) Portico ends the environment, the cut-short call unwinds, and Portico exits 0.
        self.server.start()
        self.aws.silent("create-function", "--function-name", "long", "--runtime", "python3.12", "--handler",
                        "app.sleepy", "--role", ROLE, "--zip-file", "fileb://" + self.py_zip, "--timeout", "60")
        here, there = self.boto(), self.boto()  # consecutive connections: one on each worker
        here.invoke(FunctionName="long", Payload=b'{"seconds": 0}')  # its environment: here's worker
        outcome = {}

        def call():
            try:
                r = there.invoke(FunctionName="long", Payload=b'{"seconds": 30}')
                outcome["status"] = r["StatusCode"]
            except Exception as e:  # the connection may close without an answer
                outcome["error"] = type(e).__name__

        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(1.0)
        t0 = time.monotonic()
        rc = self.server.stop()
        check(rc == 0, f"portico exit code {rc} after stopping with an invocation in flight")
        check(time.monotonic() - t0 < 8, "the drain is --drain-seconds long")
        caller.join(10)
        check(not caller.is_alive() and outcome, outcome)


def main():
    return run_steps(LambdaE2E, "LAMBDA", __doc__)


if __name__ == "__main__":
    sys.exit(main())
