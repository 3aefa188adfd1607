"""Plumbing shared by the Python benchmarks (functions, lambda_integration, method_request).

Each script keeps its scenario: what it creates in Portico, what it measures and how it words the
result. This module holds the rest: a `portico serve` on 127.0.0.1 port 0, SigV4-signed management
calls, function packages, wrk runs and the RESULTS.md append. Standard library and botocore only,
so the scripts run under /usr/bin/python3 with no virtualenv.
"""
import base64
import collections
import contextlib
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_PORTICO = os.path.join(ROOT, "build", "release", "portico")
C_BOOTSTRAP = os.path.join(ROOT, "tests", "e2e", "lambda_fixtures", "bootstrap.c")
ROLE = "arn:aws:iam::000000000000:role/x"
# AWS's account throttle (10,000 rps) would cap a wrk run; pass these to measure Portico instead.
UNTHROTTLED = ("--account-rate-limit", "10000000", "--account-burst-limit", "10000000")

_CREDS = Credentials("test", "test")
_REGION = "us-east-1"


@contextlib.contextmanager
def portico(binary, work, extra_args=(), launcher=()):
    """Runs `portico serve` (data in work/data, its listeners on 127.0.0.1 port 0, log level warn).

    `launcher` comes before the binary (`("taskset", "-c", "1")` pins it).
    Yields the --ready-file contents ({"admin": "host:port", "data": "host:port", ...}) once the
    file appears (10 s at most); terminates the process on exit.
    """
    ready = os.path.join(work, "ready.json")
    proc = subprocess.Popen([*launcher, binary, "serve", "--data-dir", os.path.join(work, "data"), "--admin-listen",
                             "127.0.0.1:0", "--listen", "127.0.0.1:0", "--ready-file", ready, "--log-level", "warn",
                             *(() if "--tls-listen" in extra_args else ("--tls-listen", "127.0.0.1:0")),
                             *extra_args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(ready):
                break
            time.sleep(0.05)
        with open(ready) as f:
            info = json.load(f)
        yield info
    finally:
        proc.terminate()
        proc.wait(10)


def signed_headers(method, url, body=None, headers=None):
    """Returns headers plus a SigV4 signature (test/test, us-east-1) for a management call.

    The service is "lambda" under /2015-03-31 (the Lambda API), "apigateway" elsewhere. A signature
    stays valid for 15 minutes, so wrk can replay it.
    """
    service = "lambda" if urllib.parse.urlsplit(url).path.startswith("/2015-03-31") else "apigateway"
    req = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(_CREDS, service, _REGION).add_auth(req)
    return dict(req.headers.items())


def signed_wrk_script(work, name, method, url, body=b""):
    """Writes work/name.lua: a wrk script replaying one SigV4-signed request (valid 15 minutes)."""
    path = os.path.join(work, name + ".lua")
    with open(path, "w") as f:
        f.write(f'wrk.method = "{method}"\n')
        if body:
            f.write(f"wrk.body = {json.dumps(body.decode())}\n")
        for k, v in signed_headers(method, url, body or None).items():
            f.write(f'wrk.headers["{k}"] = "{v}"\n')
    return path


def fetch(url, method="GET", body=None, headers=None):
    """One request on a new connection; returns (status, body bytes), error statuses included."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class AdminApi:
    """Signed JSON calls to one Portico management port."""

    def __init__(self, hostport):
        self.url = "http://" + hostport

    def call(self, method, path, body=None):
        """Sends body as JSON; returns the parsed reply ({} when empty). Raises on a non-2xx status."""
        data = json.dumps(body).encode() if body is not None else None
        url = self.url + path
        headers = signed_headers(method, url, data, {"Content-Type": "application/json"})
        status, reply = fetch(url, method, data, headers)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path}: {status} {reply[:500]!r}")
        return json.loads(reply) if reply else {}


def mock_api(admin, name, stage, body, path_part="mock"):
    """A REST API with GET /<path_part> (MOCK, 200 with `body`) deployed to `stage`; returns its id."""
    api = admin.call("POST", "/restapis", {"name": name})["id"]
    root = admin.call("GET", f"/restapis/{api}/resources")["item"][0]["id"]
    rid = admin.call("POST", f"/restapis/{api}/resources/{root}", {"pathPart": path_part})["id"]
    base = f"/restapis/{api}/resources/{rid}/methods/GET"
    admin.call("PUT", base, {"authorizationType": "NONE"})
    admin.call("PUT", base + "/integration", {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}})
    admin.call("PUT", base + "/responses/200", {})
    admin.call("PUT", base + "/integration/responses/200", {"responseTemplates": {"application/json": body}})
    admin.call("POST", f"/restapis/{api}/deployments", {"stageName": stage})
    return api


def zip_code(files):
    """Zips {name: (bytes, mode)}, keeping the Unix modes (a `provided` bootstrap must be executable)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, (data, mode) in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            z.writestr(info, data)
    return buf.getvalue()


def create_function_request(name, runtime, handler, files):
    """The CreateFunction body for a function whose package is zip_code(files)."""
    return {"FunctionName": name, "Runtime": runtime, "Handler": handler, "Role": ROLE,
            "Code": {"ZipFile": base64.b64encode(zip_code(files)).decode()}}


def build_c_bootstrap(work):
    """Compiles tests/e2e/lambda_fixtures/bootstrap.c (cc -O2) to work/bootstrap; returns its bytes."""
    path = os.path.join(work, "bootstrap")
    subprocess.run(["cc", "-O2", "-o", path, C_BOOTSTRAP], check=True)
    with open(path, "rb") as f:
        return f.read()


WrkResult = collections.namedtuple("WrkResult", "rps p50_us p99_us non2xx requests")


def ensure_wrk():
    """Installs wrk with apt-get (needs root) when it is not on PATH."""
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def wrk(url, seconds, connections, headers=None, lua=None):
    """Runs `wrk -t1 --latency` against url; returns a WrkResult (latencies in µs)."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if lua:
        cmd += ["-s", lua]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        lat[pct] = float(m.group(1)) * {"us": 1, "ms": 1000, "s": 1e6}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return WrkResult(rps, lat["50"], lat["99"], int(non2xx.group(1)) if non2xx else 0, requests)


def section_heading(title):
    """The first lines of a dated RESULTS.md section: UTC time and title, then cores and load average."""
    load = open("/proc/loadavg").read().split()[:3]
    now = datetime.datetime.now(datetime.timezone.utc)
    return [f"## {now:%Y-%m-%d %H:%M} UTC — {title}", "",
            f"- Machine: {os.cpu_count()} cores, load before the run {' '.join(load)}"]


def record(lines):
    """Prints a section and appends it, after a blank line, to bench/RESULTS.md."""
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(HERE, "RESULTS.md"), "a") as f:
        f.write("\n" + text)
