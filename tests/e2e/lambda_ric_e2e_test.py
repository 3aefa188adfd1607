#!/usr/bin/env python3
"""End-to-end test: a function whose runtime is AWS's own Node.js Runtime Interface Client.

    /usr/bin/python3 tests/e2e/lambda_ric_e2e_test.py --portico build/asan-ubsan/portico

Installs `aws-lambda-ric` from npm (its native part builds curl and aws-lambda-cpp with autotools;
kept in `<build dir>/ric-cache/` between runs), ships it inside a `provided.al2023` zip whose
`bootstrap` starts it, and drives the function with Debian's AWS CLI v2: invoke (the context the RIC
read from Portico's Runtime API), warm reuse, a handler error in the RIC's shape, the log framing,
an init error, and an invocation after a code update. Exit code 0 = every step passed.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import AwsCli, PorticoServer, check, make_zip, read, run_steps, say  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ric_fixtures")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
RIC_VERSION = "3.3.0"
# The RIC's files a function needs at run time (the rest of the package is its build).
RIC_RUNTIME_FILES = ("package.json", "bin/index.mjs", "dist/index.mjs", "dist/rapid-client.node")


def install_ric(cache_root):
    """The installed package directory, from the cache or freshly from npm."""
    final = os.path.join(cache_root, "aws-lambda-ric-" + RIC_VERSION)
    package = os.path.join(final, "node_modules", "aws-lambda-ric")
    if all(os.path.exists(os.path.join(package, f)) for f in RIC_RUNTIME_FILES):
        say(f"aws-lambda-ric {RIC_VERSION} from {final}")
        return package
    os.makedirs(cache_root, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="ric-", dir=cache_root)
    # npm 11 runs a dependency's install scripts only when the project allows them; older npm
    # ignores the field. nodedir: node-gyp uses the installed Node headers, no download.
    with open(os.path.join(staging, "package.json"), "w") as f:
        json.dump({"name": "portico-ric-test", "version": "1.0.0", "private": True,
                   "allowScripts": {"aws-lambda-ric": True}}, f)
    say(f"installing aws-lambda-ric {RIC_VERSION} from npm (builds its native client) ...")
    proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--nodedir=/usr",
                           "aws-lambda-ric@" + RIC_VERSION], cwd=staging, capture_output=True, text=True,
                          timeout=900)
    check(proc.returncode == 0, "npm install aws-lambda-ric failed:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    shutil.rmtree(final, ignore_errors=True)
    os.rename(staging, final)
    check(all(os.path.exists(os.path.join(package, f)) for f in RIC_RUNTIME_FILES), "RIC files missing after install")
    return package


class RicE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.cache = os.path.join(os.path.dirname(os.path.abspath(portico)), "ric-cache")
        self.server = PorticoServer(portico, workdir, ["--function-idle-seconds", "60"])
        self.aws = AwsCli(self.server, service="lambda")

    def invoke(self, payload, tail=False):
        out = os.path.join(self.workdir, "out.json")
        if os.path.exists(out):
            os.unlink(out)
        args = ["--function-name", "ric", "--cli-binary-format", "raw-in-base64-out", "--payload",
                json.dumps(payload)]
        if tail:
            args += ["--log-type", "Tail"]
        meta = self.aws.json("invoke", *args, out)
        return meta, json.loads(read(out))

    def step_install_ric(self):
        package = install_ric(self.cache)
        files = {"bootstrap": (read(os.path.join(FIXTURES, "bootstrap")), 0o755),
                 "index.mjs": (read(os.path.join(FIXTURES, "index.mjs")), 0o644)}
        for rel in RIC_RUNTIME_FILES:
            files["ric/" + rel] = (read(os.path.join(package, rel)), 0o755 if rel.startswith("bin/") else 0o644)
        self.zip = make_zip(os.path.join(self.workdir, "ric.zip"), files)

    def step_create_and_invoke(self):
        self.server.start()
        cfg = self.aws.json("create-function", "--function-name", "ric", "--runtime", "provided.al2023",
                            "--handler", "index.handler", "--role", ROLE, "--zip-file", "fileb://" + self.zip,
                            "--timeout", "20", "--memory-size", "512",
                            "--environment", "Variables={GREETING=from-portico}")
        check(cfg["Runtime"] == "provided.al2023", cfg)
        meta, body = self.invoke({"hello": "ric", "n": 1})
        check(meta.get("StatusCode") == 200 and "FunctionError" not in meta, meta)
        check(body["echo"] == {"hello": "ric", "n": 1} and body["count"] == 1, body)
        check(body["functionName"] == "ric" and body["functionVersion"] == "$LATEST", body)
        check(body["memoryLimitInMB"] == "512", body)
        check(body["invokedFunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:ric", body)
        check(len(body["requestId"]) == 36 and 0 < body["remainingMs"] <= 20000, body)
        check(body["greeting"] == "from-portico", body)
        check(body["traceId"] and body["traceId"].startswith("Root=1-"), body)

    def step_warm_reuse_and_logs(self):
        meta, body = self.invoke({"n": 2}, tail=True)
        check(body["count"] == 2, f"a warm environment keeps the module's state: {body}")
        log = base64.b64decode(meta["LogResult"]).decode()
        rid = body["requestId"]
        check(f"START RequestId: {rid} Version: $LATEST" in log, log)
        check(f"END RequestId: {rid}" in log and f"REPORT RequestId: {rid}" in log, log)
        # The RIC's console.log: "<timestamp>\t<request id>\tINFO\t<message>"
        check(f"\t{rid}\tINFO\tric handler saw" in log, log)

    def step_handler_error(self):
        meta, body = self.invoke({"fail": "on purpose"})
        check(meta.get("FunctionError") == "Unhandled", meta)
        check(body.get("errorType") == "TypeError" and body.get("errorMessage") == "asked to fail: on purpose", body)
        check(isinstance(body.get("trace"), list) and body["trace"], body)
        _, body = self.invoke({"n": 3})
        check(body["count"] == 4, f"a handled error keeps the environment warm: {body}")

    def step_init_error(self):
        self.aws.json("update-function-configuration", "--function-name", "ric", "--handler", "missing.handler")
        meta, body = self.invoke({"n": 4})
        check(meta.get("FunctionError") == "Unhandled", meta)
        check(body.get("errorType") == "Runtime.ImportModuleError", body)

    def step_update_code(self):
        self.aws.json("update-function-configuration", "--function-name", "ric", "--handler", "index.handler")
        meta, body = self.invoke({"n": 5})
        check("FunctionError" not in meta and body["count"] == 1, f"a fresh environment after the change: {body}")
        rc = self.server.stop()
        check(rc == 0, f"portico exit code {rc}")


def main():
    return run_steps(RicE2E, "LAMBDA RIC", __doc__)


if __name__ == "__main__":
    sys.exit(main())
