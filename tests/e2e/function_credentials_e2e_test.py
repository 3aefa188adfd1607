#!/usr/bin/env python3
"""End-to-end test of what functions are granted: credentials and endpoints, with the real
portico binary, Debian's AWS CLI v2 and an unmodified boto3 inside the functions.

    /usr/bin/python3 tests/e2e/function_credentials_e2e_test.py --portico build/asan-ubsan/portico

* A Python function with no configuration in its code uses boto3 to invoke another function and
  to list the REST APIs on Portico: its environment has temporary keys (ASIA..., a session token)
  that Portico minted for it, and AWS_ENDPOINT_URL_LAMBDA / _API_GATEWAY pointing at Portico's
  management API forwarded into its own network namespace (127.0.0.1:9002). The host's loopback,
  where Portico listens, is not reachable from inside but through that forward.
* The minted keys are Portico's: the management API refuses them without their session token
  and with another one (UnrecognizedClientException) and, once they have expired, answers
  ExpiredTokenException; an environment is not reused past its keys (the next invocation runs in
  a new one with fresh keys).
* A function whose role has keys configured (--aws-role-credentials) gets those instead, and
  reaches the S3 server the gateway uses (s3rver on the host's loopback, --aws-endpoint s3=...)
  through a forward of its own: boto3 lists the buckets and reads an object.
Steps run in order; the first failure stops the run.
"""
import io
import json
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.peers import install_peers, start_s3rver  # noqa: E402
from support.portico import AWS_CLI, AwsCli, PorticoServer, _clean_env, check, run_steps, say  # noqa: E402

ACCOUNT = "000000000000"
ROLE_PLAIN = f"arn:aws:iam::{ACCOUNT}:role/lambda-basic"
ROLE_S3 = f"arn:aws:iam::{ACCOUNT}:role/lambda-s3"

CALLER = r'''
import json, os, socket
import boto3

def handler(event, context):
    out = {"keyId": os.environ.get("AWS_ACCESS_KEY_ID", ""),
           "hasToken": bool(os.environ.get("AWS_SESSION_TOKEN")),
           "secret": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
           "token": os.environ.get("AWS_SESSION_TOKEN", ""),
           "endpoints": {k: v for k, v in os.environ.items() if k.startswith("AWS_ENDPOINT_URL")}}
    r = boto3.client("lambda").invoke(FunctionName="callee", Payload=json.dumps({"from": "caller"}))
    out["invoked"] = json.loads(r["Payload"].read())
    out["apis"] = sorted(a["name"] for a in boto3.client("apigateway").get_rest_apis()["items"])
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", event["adminPort"]))
        out["direct"] = "connected"
    except OSError as e:
        out["direct"] = type(e).__name__
    finally:
        s.close()
    return out
'''

CALLEE = '''
def handler(event, context):
    return {"callee": True, "got": event}
'''

SLEEPER = r'''
import os, time
import boto3, botocore

def handler(event, context):
    lam = boto3.client("lambda")
    first = len(lam.list_functions()["Functions"])
    time.sleep(event.get("sleep", 0))
    out = {"first": first, "keyId": os.environ["AWS_ACCESS_KEY_ID"]}
    try:
        lam.list_functions()
        out["after"] = "ok"
    except botocore.exceptions.ClientError as e:
        out["after"] = e.response["Error"]["Code"]
        out["status"] = e.response["ResponseMetadata"]["HTTPStatusCode"]
    return out
'''

S3_READER = r'''
import os
import boto3

def handler(event, context):
    s3 = boto3.client("s3")
    names = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    body = s3.get_object(Bucket="fn-bucket", Key="hello.txt")["Body"].read().decode()
    return {"buckets": names, "body": body, "keyId": os.environ["AWS_ACCESS_KEY_ID"],
            "endpoint": os.environ.get("AWS_ENDPOINT_URL_S3", "")}
'''


def zip_of(source):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", source)
    return buf.getvalue()


class FunctionCredentialsE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.portico = portico
        self.cache = os.path.join(os.path.dirname(os.path.abspath(portico)), "peers-cache")
        self.peers = []
        os.makedirs(os.path.join(workdir, "main"), exist_ok=True)
        self.server = PorticoServer(portico, os.path.join(workdir, "main"))
        self.servers = [self.server]

    def cleanup(self):
        for s in self.servers:
            s.kill()
        for p in self.peers:
            p.stop()

    def create(self, lam, name, source, role=ROLE_PLAIN, timeout=10):
        path = os.path.join(self.workdir, name + ".zip")
        with open(path, "wb") as f:
            f.write(zip_of(source))
        lam.json("create-function", "--function-name", name, "--runtime", "python3.12", "--handler", "index.handler",
                 "--role", role, "--timeout", str(timeout), "--zip-file", "fileb://" + path)

    def invoke(self, lam, name, payload):
        out = os.path.join(self.workdir, "out.json")
        meta = lam.json("invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out",
                        "--payload", json.dumps(payload), out)
        with open(out) as f:
            result = json.load(f)
        check("FunctionError" not in meta, f"{name} ran without error: {meta} {result}")
        return result

    # -- steps
    def step_start(self):
        import atexit
        atexit.register(self.cleanup)
        modules = install_peers(self.cache)
        self.s3 = start_s3rver(modules, self.workdir)
        self.peers.append(self.s3)
        roles = os.path.join(self.workdir, "roles.txt")
        with open(roles, "w") as f:
            f.write(f"{ROLE_S3} S3RVER S3RVER\n")
        self.server.extra_args = ["--aws-endpoint", f"s3=http://127.0.0.1:{self.s3.port}",
                                  "--aws-role-credentials", roles]
        self.server.start()
        self.lam = AwsCli(self.server, service="lambda")
        self.apigw = AwsCli(self.server)
        with open(self.server.log_path) as f:
            self.isolated = "NO network namespace" not in f.read()
        if not self.isolated:
            say("functions share the host's network here (no CAP_SYS_ADMIN): the endpoints point at the host")

    def step_boto3_calls_portico(self):
        self.apigw.json("create-rest-api", "--name", "orders-api")
        self.create(self.lam, "callee", CALLEE)
        self.create(self.lam, "caller", CALLER)
        admin_port = int(self.server.admin.rpartition(":")[2])
        out = self.invoke(self.lam, "caller", {"adminPort": admin_port})
        check(out["invoked"] == {"callee": True, "got": {"from": "caller"}}, f"boto3 invoked another function: {out}")
        check(out["apis"] == ["orders-api"], f"boto3 listed the REST APIs on Portico: {out}")
        check(out["keyId"].startswith("ASIA") and len(out["keyId"]) == 20 and out["hasToken"],
              f"temporary keys with a session token: {out['keyId']}")
        ep = out["endpoints"]
        for var in ("AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_API_GATEWAY"):
            want = "http://127.0.0.1:9002" if self.isolated else self.server.admin_url
            check(ep.get(var) == want, f"{var}={ep.get(var)!r}, expected {want}")
        if self.isolated:
            check(out["direct"] != "connected", f"the host's loopback is unreachable from inside: {out['direct']}")
            check(ep.get("AWS_ENDPOINT_URL_S3", "").startswith("http://127.0.0.1:91"),
                  f"the S3 endpoint on the host's loopback is forwarded in: {ep}")
        self.minted = out
        again = self.invoke(self.lam, "caller", {"adminPort": admin_port})
        check(again["keyId"] == out["keyId"], "a warm environment keeps its keys")

    def step_minted_keys_checked(self):
        """The minted keys as a client outside would use them: with the token, without, with another."""
        keys = {"AWS_ACCESS_KEY_ID": self.minted["keyId"], "AWS_SECRET_ACCESS_KEY": self.minted["secret"]}
        with_token = dict(keys, AWS_SESSION_TOKEN=self.minted["token"])
        names = self.lam.json("list-functions", env=with_token)
        check(len(names["Functions"]) == 2, f"the minted keys list the functions: {names}")
        err = self.lam.error("UnrecognizedClientException", "list-functions", env=keys)
        check("security token included in the request is invalid" in err, f"without the token: {err}")
        bad = dict(keys, AWS_SESSION_TOKEN="x" + self.minted["token"][1:])
        self.lam.error("UnrecognizedClientException", "list-functions", env=bad)

    def step_role_keys_and_forwarded_s3(self):
        env = _clean_env({"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
                          "AWS_DEFAULT_REGION": "us-east-1"})
        body = os.path.join(self.workdir, "hello.txt")
        with open(body, "w") as f:
            f.write("hello from s3rver")
        for args in (["s3api", "create-bucket", "--bucket", "fn-bucket"],
                     ["s3api", "put-object", "--bucket", "fn-bucket", "--key", "hello.txt", "--body", body]):
            p = subprocess.run([AWS_CLI, "--endpoint-url", self.s3.url, *args], capture_output=True, text=True,
                               timeout=60, env=env)
            check(p.returncode == 0, f"{args[1]} on s3rver: {p.stderr}")
        self.create(self.lam, "s3-reader", S3_READER, role=ROLE_S3)
        out = self.invoke(self.lam, "s3-reader", {})
        check(out["keyId"] == "S3RVER", f"the role's configured keys, not minted ones: {out}")
        check("fn-bucket" in out["buckets"] and out["body"] == "hello from s3rver",
              f"boto3 reached the gateway's S3 server: {out}")

    def step_expired_keys_refused(self):
        self.server.stop()
        short = PorticoServer(self.portico, os.path.join(self.workdir, "short"),
                              ["--function-credentials-seconds", "4"])
        os.makedirs(short.workdir, exist_ok=True)
        self.servers.append(short)
        self.server = short  # the one whose log a failure shows
        short.start()
        lam = AwsCli(short, service="lambda")
        self.create(lam, "sleeper", SLEEPER, timeout=20)
        out = self.invoke(lam, "sleeper", {"sleep": 5})
        check(out["first"] == 1, f"the keys work while valid: {out}")
        check(out["after"] == "ExpiredTokenException" and out["status"] == 403,
              f"past their expiry the management API refuses them: {out}")
        fresh = self.invoke(lam, "sleeper", {"sleep": 0})
        check(fresh["after"] == "ok" and fresh["keyId"] != out["keyId"],
              f"the next invocation runs in a new environment with fresh keys: {fresh}")
        short.stop()

    def step_stop(self):
        self.cleanup()
        say("function credentials: all steps passed")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: FunctionCredentialsE2E(portico, workdir), "function credentials",
                       __doc__))
