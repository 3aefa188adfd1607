#!/usr/bin/env python3
"""End-to-end test of Lambda behaviours where Portico answers as AWS does (issue 16, "Fidelity"):
the real portico binary, driven by boto3.

    /usr/bin/python3 tests/e2e/lambda_fidelity_e2e_test.py --portico build/asan-ubsan/portico

- Python's context.memory_limit_in_mb is a string; a handler error's stackTrace has one
  '  File "...", line N, in name\\n    source\\n' entry per frame, with no ^^^^ lines.
- After a timeout the next invocation runs in a restarted runtime (its globals start again, its
  REPORT has an Init Duration) in the same execution environment (same log stream, and /tmp keeps
  its files); another environment has a /tmp of its own.
- A runtime that exits with status 0 before answering gives Runtime.ExitError "Runtime exited
  without providing a reason"; with status 1, "Runtime exited with error: exit status 1".
- An Event invocation of a function whose reserved concurrency is 0 is refused with the 429 a
  synchronous one gets, and is not queued.
- Tags (issue 21): CreateFunction's Tags, TagResource merging, ListTags, UntagResource and
  GetFunction's Tags on the function's ARN; AWS's 400s for a name instead of an ARN, an alias's
  ARN, a reserved "aws:" key and more than 50 tags; an unknown function's 404.
- Asynchronous invocation settings (issue 21): put / get / list / update / delete
  function-event-invoke-config with AWS's bounds; MaximumRetryAttempts 0 runs a failing Event
  invocation once and sends the invocation record (condition RetriesExhausted, the request
  payload, the error) to its OnFailure function; a success sends one (Success, the response) to
  OnSuccess.
- Runtime management (issue 21), with Debian's AWS CLI v2: Auto at first, Manual with a runtime
  version ARN, back to FunctionUpdate; AWS's 400s for Manual without an ARN and an unknown mode.
- InvokeAsync (issue 21), the deprecated call: 202 {"Status": 202}, the event run once; 404 for a
  function that does not exist.

Steps run in order; the first failure stops the run and prints the server log. Exit code 0 =
every step passed.
"""
import base64
import concurrent.futures
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, E2EFailure, PorticoServer, check, make_zip, read, run_steps  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda_fixtures")
FIXTURE = os.path.join(FIXTURES, "fidelity.py")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def line_of(path, text):
    """The 1-based number of the first line of `path` holding `text`."""
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    raise E2EFailure(f"{text!r} is not in {path}")


class LambdaFidelityE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1",
                                                       "--async-retry-seconds", "1", "--function-idle-seconds", "60"])

    # -- helpers
    def client(self, service="lambda"):
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, read_timeout=30))

    def create(self, name, handler, **extra):
        self.lam.create_function(FunctionName=name, Runtime="python3.12", Handler=handler, Role=ROLE,
                                 Code={"ZipFile": self.zip}, **extra)

    def invoke(self, name, payload, client=None):
        """A synchronous invocation with its log tail: (response, parsed payload, log tail)."""
        r = (client or self.lam).invoke(FunctionName=name, Payload=json.dumps(payload).encode(), LogType="Tail")
        body = json.loads(r["Payload"].read())
        return r, body, base64.b64decode(r.get("LogResult", "")).decode()

    @staticmethod
    def report_line(log):
        lines = [line for line in log.splitlines() if line.startswith("REPORT RequestId:")]
        check(len(lines) == 1, f"one REPORT line in the tail: {log}")
        return lines[0]

    @staticmethod
    def request_id(log):
        found = re.search(r"^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST$", log, re.M)
        check(found, f"no START line in the tail: {log}")
        return found.group(1)

    # -- steps
    def step_start_and_create_functions(self):
        self.zip = read(make_zip(os.path.join(self.workdir, "fidelity.zip"), {"app.py": read(FIXTURE)}))
        self.server.start()
        self.lam = self.client()
        self.create("keeper", "app.keeper", Timeout=1, MemorySize=256)
        self.create("frames", "app.frames")
        self.create("exit-zero", "app.exit_zero")
        self.create("exit-one", "app.exit_one")
        self.create("events", "app.keeper")

    def step_python_context_and_stack_trace(self):
        # AWS's Python runtime hands on AWS_LAMBDA_FUNCTION_MEMORY_SIZE as it is: a string.
        r, out, _ = self.invoke("keeper", {})
        check("FunctionError" not in r and out["memory"] == "256", (r, out))
        # One entry per frame, as AWS's runtime formats them (traceback.format_list over
        # (file, line, name, source) tuples): Python 3.11's ^^^^ markers are not there.
        r, err, _ = self.invoke("frames", {"outer": {}})
        check(r.get("FunctionError") == "Unhandled" and err["errorType"] == "KeyError", (r, err))
        check(err["errorMessage"] == "'inner'" and err["requestId"], err)
        line = line_of(FIXTURE, 'return event["outer"]["inner"] + 1')
        expected = [f'  File "/var/task/app.py", line {line}, in frames\n    return event["outer"]["inner"] + 1\n']
        check(err["stackTrace"] == expected, f"stackTrace: {err['stackTrace']!r}, expected {expected!r}")

    def step_timeout_restarts_the_runtime_and_keeps_tmp(self):
        # Lambda resets an environment after a timeout: the runtime starts again (an init: its
        # globals are new, its REPORT has an Init Duration), in the same execution environment,
        # whose /tmp keeps its files.
        self.create("resetter", "app.keeper", Timeout=1)
        r, first, log = self.invoke("resetter", {"write": "from the first runtime"})
        check("FunctionError" not in r and first["count"] == 1 and first["seen"] is None, (r, first))
        check("Init Duration:" in self.report_line(log), log)
        check(first["stream"] == first["streamVar"] and "]" in first["stream"], first)
        t0 = time.monotonic()
        r, err, log = self.invoke("resetter", {"sleep": 5})
        check(r.get("FunctionError") == "Unhandled" and err["errorType"] == "Sandbox.Timedout", (r, err))
        check(err["errorMessage"].endswith("Error: Task timed out after 1.00 seconds"), err)
        check(time.monotonic() - t0 < 4.5, "the timeout cuts the invocation short")
        r, third, log = self.invoke("resetter", {})
        check("FunctionError" not in r, (r, third, log))
        check(third["count"] == 1, f"the restarted runtime starts with fresh globals: {third}")
        check(third["seen"] == "from the first runtime", f"/tmp keeps its files across the reset: {third}")
        check(third["stream"] == first["stream"], f"the same execution environment (log stream): {first} {third}")
        check("Init Duration:" in self.report_line(log), f"the restarted runtime's init is an init: {log}")
        r, fourth, log = self.invoke("resetter", {})
        check(fourth["count"] == 2 and fourth["seen"] == "from the first runtime", fourth)
        check("Init Duration:" not in self.report_line(log), f"then warm again: {log}")
        # Two at once: the second runs in another environment, whose /tmp is its own.
        clients = [self.client(), self.client()]
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda c: self.invoke("resetter", {"sleep": 0.3}, c)[1], clients))
        fresh = [out for out in both if out["stream"] != first["stream"]]
        warm = [out for out in both if out["stream"] == first["stream"]]
        check(len(fresh) == 1 and len(warm) == 1, f"one warm environment and one new: {both}")
        check(fresh[0]["count"] == 1 and fresh[0]["seen"] is None, f"a new environment has an empty /tmp: {fresh}")
        check(warm[0]["count"] == 3 and warm[0]["seen"] == "from the first runtime", warm)
        # /tmp lives in memory: Lambda's 512 MB, at most the function's memory (128 MB here).
        check(first["tmpBytes"] == 128 << 20, f"/tmp of a 128 MB function: {first['tmpBytes']}")
        _, big, _ = self.invoke("keeper", {})
        check(big["tmpBytes"] == 256 << 20, f"/tmp of a 256 MB function: {big['tmpBytes']}")

    def step_an_environment_that_keeps_timing_out_ends(self):
        # Each reset leaves the killed runtime's /tmp pages outside the next runtime's memory cgroup:
        # after 8 resets the next timeout ends the environment (and its /tmp) instead.
        self.create("sleeper", "app.keeper", Timeout=1)
        _, first, _ = self.invoke("sleeper", {"write": "kept"})
        for i in range(8):
            r, err, _ = self.invoke("sleeper", {"sleep": 3})
            check(err.get("errorType") == "Sandbox.Timedout", (i, r, err))
        _, reset, _ = self.invoke("sleeper", {})
        check(reset["stream"] == first["stream"] and reset["seen"] == "kept", f"still reset after 8: {reset}")
        r, err, _ = self.invoke("sleeper", {"sleep": 3})
        check(err.get("errorType") == "Sandbox.Timedout", (r, err))
        _, fresh, _ = self.invoke("sleeper", {})
        check(fresh["stream"] != first["stream"] and fresh["seen"] is None, f"a new environment after the 9th: {fresh}")

    def step_runtime_exit_without_an_answer(self):
        # sys.exit(0) in the handler: the runtime process ends, status 0, before posting a result.
        r, err, log = self.invoke("exit-zero", {})
        rid = self.request_id(log)
        check(r.get("FunctionError") == "Unhandled", r)
        check(err == {"errorType": "Runtime.ExitError",
                      "errorMessage": f"RequestId: {rid} Error: Runtime exited without providing a reason"}, err)
        r, err, log = self.invoke("exit-one", {})
        rid = self.request_id(log)
        check(r.get("FunctionError") == "Unhandled", r)
        check(err == {"errorType": "Runtime.ExitError",
                      "errorMessage": f"RequestId: {rid} Error: Runtime exited with error: exit status 1"}, err)

    def step_event_refused_when_reserved_concurrency_is_zero(self):
        # A reservation of 0 throttles the function: an Event invocation gets the same 429 as a
        # synchronous one, at once, and nothing is queued.
        self.lam.put_function_concurrency(FunctionName="events", ReservedConcurrentExecutions=0)

        def refused(invocation_type):
            try:
                r = self.lam.invoke(FunctionName="events", InvocationType=invocation_type, Payload=b"{}")
            except self.lam.exceptions.TooManyRequestsException as e:
                return e.response
            raise E2EFailure(f"{invocation_type} must be refused with 429, got {r}")

        sync, event = refused("RequestResponse"), refused("Event")
        for answer in (sync, event):
            check(answer["ResponseMetadata"]["HTTPStatusCode"] == 429, answer)
            check(answer["Error"]["Code"] == "TooManyRequestsException", answer)
            check(answer.get("Type") == "User" and answer.get("message") == "Rate Exceeded." and
                  answer.get("Reason") == "ReservedFunctionConcurrentInvocationLimitExceeded", answer)
        fields = ("Type", "message", "Reason")
        check([event.get(k) for k in fields] == [sync.get(k) for k in fields], (sync, event))
        # With the reservation gone, an Event invocation is accepted and runs: only that one (the
        # refused one was never queued, though retries come every second here).
        self.lam.delete_function_concurrency(FunctionName="events")
        r = self.lam.invoke(FunctionName="events", InvocationType="Event", Payload=b'{"tag": "accepted"}')
        check(r["StatusCode"] == 202, r)
        logs = self.client("logs")

        def starts():
            try:
                events = logs.filter_log_events(logGroupName="/aws/lambda/events")["events"]
            except logs.exceptions.ResourceNotFoundException:
                return []
            return [e["message"] for e in events if e["message"].startswith("START RequestId:")]

        deadline = time.monotonic() + 15
        while not starts() and time.monotonic() < deadline:
            time.sleep(0.1)
        check(starts(), "the accepted Event invocation must run")
        time.sleep(2.5)  # a queued refused event would have been retried by now
        check(len(starts()) == 1, f"only the accepted event ran: {starts()}")

    def step_tags(self):
        self.create("tagged", "app.keeper", Tags={"team": "core"})
        arn = self.lam.get_function(FunctionName="tagged")["Configuration"]["FunctionArn"]
        check(self.lam.list_tags(Resource=arn)["Tags"] == {"team": "core"}, "CreateFunction's tags")
        self.lam.tag_resource(Resource=arn, Tags={"env": "dev", "team": "edge"})
        check(self.lam.list_tags(Resource=arn)["Tags"] == {"team": "edge", "env": "dev"}, "merged")
        self.lam.untag_resource(Resource=arn, TagKeys=["team", "absent"])
        check(self.lam.get_function(FunctionName="tagged")["Tags"] == {"env": "dev"}, "GetFunction shows them")

        def refused(code, **kwargs):
            try:
                self.lam.tag_resource(**kwargs)
            except self.lam.exceptions.ClientError as e:
                check(e.response["Error"]["Code"] == code, e.response)
                return e.response
            raise E2EFailure(f"tag_resource({kwargs}) must fail with {code}")

        refused("ValidationException", Resource="tagged", Tags={"a": "b"})
        refused("InvalidParameterValueException", Resource=arn + ":live", Tags={"a": "b"})
        refused("InvalidParameterValueException", Resource=arn, Tags={"aws:owner": "x"})
        refused("InvalidParameterValueException", Resource=arn, Tags={f"k{i}": "v" for i in range(50)})
        check(self.lam.list_tags(Resource=arn)["Tags"] == {"env": "dev"}, "a refused change changes nothing")
        missing = refused("ResourceNotFoundException", Resource=arn.replace("tagged", "nobody"), Tags={"a": "b"})
        check(missing["ResponseMetadata"]["HTTPStatusCode"] == 404, missing)

    def step_runtime_management(self):
        cli = AwsCli(self.server, service="lambda")
        got = cli.json("get-runtime-management-config", "--function-name", "tagged")
        check(got["UpdateRuntimeOn"] == "Auto" and "RuntimeVersionArn" not in got, got)
        version = "arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        put = cli.json("put-runtime-management-config", "--function-name", "tagged", "--update-runtime-on", "Manual",
                       "--runtime-version-arn", version)
        check(put["UpdateRuntimeOn"] == "Manual" and put["RuntimeVersionArn"] == version
              and put["FunctionArn"].endswith(":function:tagged"), put)
        got = cli.json("get-runtime-management-config", "--function-name", "tagged")
        check(got["UpdateRuntimeOn"] == "Manual" and got["RuntimeVersionArn"] == version, got)
        cli.error("InvalidParameterValueException", "put-runtime-management-config", "--function-name", "tagged",
                  "--update-runtime-on", "Manual")
        cli.error("ValidationException", "put-runtime-management-config", "--function-name", "tagged",
                  "--update-runtime-on", "Sometimes")
        cli.json("put-runtime-management-config", "--function-name", "tagged", "--update-runtime-on", "FunctionUpdate")
        got = cli.json("get-runtime-management-config", "--function-name", "tagged")
        check(got["UpdateRuntimeOn"] == "FunctionUpdate" and "RuntimeVersionArn" not in got, got)
        cli.error("ResourceNotFoundException", "get-runtime-management-config", "--function-name", "nobody")

    def records(self, function):
        """The invocation records `function` (app.recorder) printed, parsed."""
        logs = self.client("logs")
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return []
        return [json.loads(e["message"].split("RECORD ", 1)[1]) for e in events if "RECORD " in e["message"]]

    def starts(self, function):
        logs = self.client("logs")
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return 0
        return sum(1 for e in events if e["message"].startswith("START RequestId:"))

    def wait_for(self, what, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got = what()
            if got:
                return got
            time.sleep(0.2)
        return what()

    def step_event_invoke_config_and_destinations(self):
        self.create("failing", "app.frames")
        self.create("succeeding", "app.keeper")
        self.create("recorder", "app.recorder")
        recorder = self.lam.get_function(FunctionName="recorder")["Configuration"]["FunctionArn"]
        cli = AwsCli(self.server, service="lambda")
        import boto3
        from botocore.config import Config
        raw = boto3.client("lambda", endpoint_url=self.server.admin_url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(retries={"max_attempts": 1}, parameter_validation=False))
        for bad in ({"MaximumRetryAttempts": 3}, {"MaximumEventAgeInSeconds": 30}):
            try:
                raw.put_function_event_invoke_config(FunctionName="failing", **bad)
                raise E2EFailure(f"{bad} must be refused")
            except raw.exceptions.ClientError as e:
                check(e.response["Error"]["Code"] == "ValidationException", e.response)
        cli.error("ResourceNotFoundException", "get-function-event-invoke-config", "--function-name", "failing")
        put = cli.json("put-function-event-invoke-config", "--function-name", "failing", "--maximum-retry-attempts",
                       "0", "--destination-config", json.dumps({"OnFailure": {"Destination": recorder}}))
        check(put["MaximumRetryAttempts"] == 0 and put["FunctionArn"].endswith(":function:failing:$LATEST")
              and put["DestinationConfig"]["OnFailure"]["Destination"] == recorder, put)
        updated = cli.json("update-function-event-invoke-config", "--function-name", "failing",
                           "--maximum-event-age-in-seconds", "3600")
        check(updated["MaximumRetryAttempts"] == 0 and updated["MaximumEventAgeInSeconds"] == 3600, updated)
        listed = cli.json("list-function-event-invoke-configs", "--function-name", "failing")
        check(len(listed["FunctionEventInvokeConfigs"]) == 1, listed)

        r = self.lam.invoke(FunctionName="failing", InvocationType="Event", Payload=b'{"n": 1}')
        check(r["StatusCode"] == 202, r)
        records = self.wait_for(lambda: self.records("recorder"))
        check(len(records) == 1, f"one invocation record: {records}")
        rec = records[0]
        check(rec["requestContext"]["condition"] == "RetriesExhausted"
              and rec["requestContext"]["approximateInvokeCount"] == 1
              and rec["requestContext"]["functionArn"].endswith(":function:failing")
              and rec["requestPayload"] == {"n": 1} and rec["responseContext"]["functionError"] == "Unhandled"
              and rec["responsePayload"]["errorType"] == "KeyError" and rec["version"] == "1.0", rec)
        time.sleep(2.5)  # retries come every second here: none with MaximumRetryAttempts 0
        check(self.starts("failing") == 1, f"one attempt: {self.starts('failing')}")

        cli.json("put-function-event-invoke-config", "--function-name", "succeeding", "--destination-config",
                 json.dumps({"OnSuccess": {"Destination": recorder}}))
        self.lam.invoke(FunctionName="succeeding", InvocationType="Event", Payload=b'{"m": 2}')
        records = self.wait_for(lambda: [x for x in self.records("recorder") if x["requestContext"]["condition"] == "Success"])
        check(len(records) == 1 and records[0]["requestPayload"] == {"m": 2}
              and records[0]["responsePayload"]["count"] >= 1 and "functionError" not in records[0]["responseContext"],
              records)
        cli.silent("delete-function-event-invoke-config", "--function-name", "failing")
        cli.error("ResourceNotFoundException", "get-function-event-invoke-config", "--function-name", "failing")

    def step_invoke_async(self):
        # The deprecated InvokeAsync (older SDKs and tools): queued as an Event invocation.
        r = self.lam.invoke_async(FunctionName="recorder", InvokeArgs=b'{"legacy": true}')
        check(r["Status"] == 202 and r["ResponseMetadata"]["HTTPStatusCode"] == 202, r)
        records = self.wait_for(lambda: [x for x in self.records("recorder") if x.get("legacy") is True])
        check(len(records) == 1, f"the event ran once: {records}")
        try:
            self.lam.invoke_async(FunctionName="no-such-function", InvokeArgs=b"{}")
            raise E2EFailure("InvokeAsync of a missing function must fail")
        except self.lam.exceptions.ResourceNotFoundException:
            pass


def main():
    return run_steps(LambdaFidelityE2E, "LAMBDA FIDELITY", __doc__)


if __name__ == "__main__":
    sys.exit(main())
