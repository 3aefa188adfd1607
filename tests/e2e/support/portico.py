"""End-to-end support: run the real portico binary, drive it with Debian's AWS CLI v2 and curl.

Standard library only. Every subprocess is bounded by a timeout, and every failure raises
`E2EFailure` (an AssertionError, so unittest reports it as a failure) with the command, what
was expected and what came back.
"""
import datetime
import json
import os
import shlex
import signal
import subprocess
import tempfile
import threading
import time
import zipfile

AWS_CLI = "/usr/bin/aws"  # Debian's AWS CLI v2; the `aws` on PATH is an old pip v1
CURL = "curl"
AWS_CALL_TIMEOUT = 40.0   # seconds for one CLI process (it starts in ~1 s, --cli-read-timeout 10)
CURL_TIMEOUT = 10.0       # default --max-time for one curl request
READY_TIMEOUT = 20.0      # portico must write its ready file within this
STOP_TIMEOUT = 10.0       # and exit within this after SIGTERM

_print_lock = threading.Lock()


def say(msg):
    """Prints one line at once, even from worker threads."""
    with _print_lock:
        print(msg, flush=True)


class E2EFailure(AssertionError):
    pass


def check(cond, msg):
    """Fails the step with msg unless cond holds."""
    if not cond:
        raise E2EFailure(msg)


def clip(text, limit=2000):
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = text if text is not None else ""
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more chars]"


def _clean_env(extra=None):
    """The caller's environment minus anything that could redirect the CLI or curl, or change how
    portico starts (it reads PORTICO_* variables as defaults for its flags)."""
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(("AWS_", "PORTICO_")) and k.lower() not in
           ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "curl_ca_bundle", "curl_home")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra or {})
    return env


# ----------------------------------------------------------------------------------------------
# The server process


class PorticoServer:
    """`portico serve` on free loopback ports, with a data dir that survives restarts."""

    def __init__(self, binary, workdir, extra_args=(), env=None):
        self.binary = os.path.abspath(binary)
        self.extra_args = list(extra_args)
        self.env = dict(env or {})  # added to the cleaned environment (e.g. SSL_CERT_FILE)
        self.workdir = workdir
        self.data_dir = os.path.join(workdir, "data")
        self.ready_file = os.path.join(workdir, "ready.json")
        self.log_path = os.path.join(workdir, "portico.log")
        self.proc = None
        self.admin = self.data = self.tls = None  # "127.0.0.1:PORT"
        self.starts = 0

    @property
    def admin_url(self):
        return f"http://{self.admin}"

    @property
    def data_url(self):
        return f"http://{self.data}"

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        if self.running():
            raise E2EFailure("portico is already running")
        if os.path.exists(self.ready_file):
            os.unlink(self.ready_file)
        self.starts += 1
        # The TLS listener on port 0 unless the test chose its own --tls-listen (e.g. "off").
        chosen = "--tls-listen" in self.extra_args
        tls_off = chosen and self.extra_args[self.extra_args.index("--tls-listen") + 1:][:1] == ["off"]
        tls_default = [] if chosen else ["--tls-listen", "127.0.0.1:0"]
        cmd = [self.binary, "serve", "--data-dir", self.data_dir, "--admin-listen", "127.0.0.1:0",
               "--listen", "127.0.0.1:0", *tls_default, "--ready-file", self.ready_file, *self.extra_args]
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== e2e: start #{self.starts}: {shlex.join(cmd)}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         env=_clean_env(self.env))
        deadline = time.monotonic() + READY_TIMEOUT
        info, last_error = None, "no ready file yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise E2EFailure(f"portico exited with code {self.proc.returncode} before writing its ready file "
                                 f"{self.ready_file} (command: {shlex.join(cmd)})")
            if os.path.exists(self.ready_file):
                try:
                    with open(self.ready_file) as f:
                        info = json.load(f)
                    break
                except (OSError, ValueError) as e:  # should not happen (written atomically); retry
                    last_error = f"unreadable ready file: {e}"
            time.sleep(0.05)
        if info is None:
            self.kill()
            raise E2EFailure(f"portico did not write its ready file within {READY_TIMEOUT:.0f} s ({last_error})")
        keys = ("admin", "data") if tls_off else ("admin", "data", "tls")
        if not isinstance(info, dict) or not all(k in info for k in (*keys, "pid")):
            raise E2EFailure(f"ready file: expected JSON with keys {', '.join(keys)}, pid; got {info!r}")
        if tls_off and "tls" in info:
            raise E2EFailure(f"ready file: no 'tls' expected with --tls-listen off; got {info!r}")
        for key in keys:
            host, _, port = str(info[key]).rpartition(":")
            if host != "127.0.0.1" or not port.isdigit() or int(port) == 0:
                raise E2EFailure(f"ready file: expected {key!r} to be '127.0.0.1:<bound port>', got {info[key]!r}")
        if info["pid"] != self.proc.pid:
            raise E2EFailure(f"ready file: expected pid {self.proc.pid}, got {info['pid']!r}")
        self.admin, self.data, self.tls = info["admin"], info["data"], info.get("tls")
        return info

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then waits; returns the exit code. Kills it and fails if it does not exit in time."""
        if self.proc is None:
            raise E2EFailure("portico is not running")
        if self.proc.poll() is not None:
            rc = self.proc.returncode
            self.proc = None
            raise E2EFailure(f"portico had already exited (code {rc}) before SIGTERM")
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise E2EFailure(f"portico did not exit within {timeout:.0f} s of SIGTERM (killed it)")
        self.proc = None
        return rc

    def kill(self):
        """Best-effort cleanup: SIGKILL our own child if it is still there."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self.proc = None

    def log_tail(self, max_lines=80, max_bytes=12000):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - max_bytes))
                lines = f.read().decode("utf-8", errors="replace").splitlines()
        except OSError as e:
            return f"(no log: {e})"
        return "\n".join(lines[-max_lines:])


# ----------------------------------------------------------------------------------------------
# The AWS CLI


class CliResult:
    def __init__(self, cmdline, rc, stdout, stderr, seconds):
        self.cmdline, self.rc, self.stdout, self.stderr, self.seconds = cmdline, rc, stdout, stderr, seconds

    def describe(self):
        return (f"command: {self.cmdline}\n  rc: {self.rc}\n  stdout: {clip(self.stdout.strip()) or '(empty)'}"
                f"\n  stderr: {clip(self.stderr.strip()) or '(empty)'}")


class AwsCli:
    """`/usr/bin/aws --endpoint-url <portico admin> ... apigateway <op>`, with test/test credentials.

    The endpoint is read from the server on each call, so it follows restarts (ports change).
    """

    BASE_ENV = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }

    def __init__(self, server, service="apigateway", verbose=True):
        self.server = server
        self.service = service
        self.verbose = verbose

    def run(self, op, *args, query=None, output="json", env=None):
        """Runs one command and returns a CliResult; never fails by itself."""
        cmd = [AWS_CLI, "--endpoint-url", self.server.admin_url, "--cli-read-timeout", "10",
               "--output", output, self.service, op, *[str(a) for a in args]]
        if query is not None:
            cmd += ["--query", query]
        full_env = _clean_env(dict(self.BASE_ENV, **(env or {})))
        shown = shlex.join(cmd[cmd.index(self.service):])
        if env:
            shown = " ".join(f"{k}={v}" for k, v in env.items()) + " aws ... " + shown
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=full_env,
                               timeout=AWS_CALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise E2EFailure(f"`{shown}` did not finish within {AWS_CALL_TIMEOUT:.0f} s")
        res = CliResult(shown, p.returncode, p.stdout.decode("utf-8", errors="replace"),
                        p.stderr.decode("utf-8", errors="replace"), time.monotonic() - t0)
        if self.verbose:
            say(f"    $ {shown}  -> rc {res.rc} ({res.seconds:.1f} s)")
        return res

    def json(self, op, *args, query=None, env=None):
        """Expects rc 0 and printed JSON (the CLI prints nothing for an empty or malformed reply)."""
        res = self.run(op, *args, query=query, env=env)
        if res.rc != 0:
            raise E2EFailure(f"expected `{op}` to succeed (rc 0)\n  {res.describe()}")
        if not res.stdout.strip():
            raise E2EFailure(f"expected `{op}` to print JSON, it printed nothing (empty or non-JSON reply?)\n"
                             f"  {res.describe()}")
        try:
            return json.loads(res.stdout)
        except ValueError:
            raise E2EFailure(f"expected `{op}` to print JSON\n  {res.describe()}")

    def text(self, op, *args, query, env=None):
        """`--query Q --output text`; returns the stripped text (expects rc 0)."""
        res = self.run(op, *args, query=query, output="text", env=env)
        if res.rc != 0:
            raise E2EFailure(f"expected `{op}` to succeed (rc 0)\n  {res.describe()}")
        return res.stdout.strip()

    def silent(self, op, *args, env=None):
        """For commands that print nothing on success (deletes): expects rc 0."""
        res = self.run(op, *args, env=env)
        if res.rc != 0:
            raise E2EFailure(f"expected `{op}` to succeed (rc 0)\n  {res.describe()}")
        return res

    def error(self, code, op, *args, env=None):
        """Expects an AWS error: rc 254 and stderr `An error occurred (<code>) ...`. Returns stderr."""
        res = self.run(op, *args, env=env)
        if res.rc != 254 or f"An error occurred ({code})" not in res.stderr:
            raise E2EFailure(f"expected `{op}` to fail with rc 254 and `An error occurred ({code})` on stderr\n"
                             f"  {res.describe()}")
        return res.stderr


def parse_cli_timestamp(value):
    """The CLI prints API Gateway dates (epoch seconds on the wire) as ISO 8601."""
    if not isinstance(value, str):
        raise E2EFailure(f"expected an ISO 8601 date string, got {value!r}")
    try:
        dt = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise E2EFailure(f"expected an ISO 8601 date string, got {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt


# ----------------------------------------------------------------------------------------------
# curl


class HttpResponse:
    def __init__(self, request, status, headers, body, seconds):
        self.request = request    # e.g. "GET http://127.0.0.1:1234/dev/pets (Host: x)"
        self.status = status
        self.headers = headers    # [(name, value)] in order received
        self.body = body          # bytes
        self.seconds = seconds

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise E2EFailure(f"expected a JSON body from {self.request}\n  {self.describe()}")

    def describe(self):
        hdrs = "; ".join(f"{k}: {v}" for k, v in self.headers)
        return f"status {self.status}, headers [{clip(hdrs, 800)}], body {clip(self.text, 1500)!r}"


def http(method, url, host=None, headers=None, body=None, timeout=CURL_TIMEOUT):
    """One request with curl. Returns an HttpResponse; fails only if curl itself fails."""
    with tempfile.TemporaryDirectory(prefix="e2e-curl-") as tmp:
        hdr_file, body_file = os.path.join(tmp, "h"), os.path.join(tmp, "b")
        # HEAD needs --head: with -X HEAD curl would wait for the body Content-Length announces.
        verb = ["--head"] if method == "HEAD" else ["-X", method]
        cmd = [CURL, "-sS", "--noproxy", "*", "--max-time", str(timeout), *verb,
               "-D", hdr_file, "-o", body_file, "-H", "Expect:"]
        if host:
            cmd += ["-H", f"Host: {host}"]
        for k, v in (headers or {}).items():
            cmd += ["-H", f"{k}: {v}"]
        if body is not None:
            cmd += ["--data-binary", "@-"]
        cmd.append(url)
        desc = f"{method} {url}" + (f" (Host: {host})" if host else "")
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, input=body.encode() if isinstance(body, str) else body,
                               capture_output=True, timeout=timeout + 5, env=_clean_env())
        except subprocess.TimeoutExpired:
            raise E2EFailure(f"curl {desc} did not finish within {timeout + 5:.0f} s")
        seconds = time.monotonic() - t0
        if p.returncode != 0:
            raise E2EFailure(f"curl {desc} failed (curl exit {p.returncode}): {clip(p.stderr)}")
        with open(hdr_file, "rb") as f:
            raw_headers = f.read().decode("latin-1")
        try:
            with open(body_file, "rb") as f:
                resp_body = f.read()
        except FileNotFoundError:  # no body at all
            resp_body = b""
        if method == "HEAD":
            resp_body = b""  # --head writes the headers where the body would go; a HEAD answer has none
    # With interim 1xx responses there are several header blocks; the last one is the answer.
    blocks = [b for b in raw_headers.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks:
        raise E2EFailure(f"curl {desc}: no response headers")
    lines = blocks[-1].split("\n")
    status = int(lines[0].split()[1])
    hdrs = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs.append((k.strip(), v.strip()))
    return HttpResponse(desc, status, hdrs, resp_body, seconds)


# ----------------------------------------------------------------------------------------------
# Step runner


def run_steps(make_test, label, description):
    """The main() of a step-style e2e script: parses --portico/--deadline, builds the test with
    make_test(portico, workdir) (it must have a `server`), runs its step_* methods in definition
    order under a watchdog, stops at the first failure with the server log, and returns the exit
    code (0 = every step passed)."""
    import argparse
    import shutil
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--portico", required=True)
    ap.add_argument("--deadline", type=float, default=300.0)
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="portico-" + label.lower().replace(" ", "-") + "-")
    test = make_test(args.portico, workdir)
    steps = [name for name in type(test).__dict__ if name.startswith("step_")]

    def watchdog():
        say(f"{label} E2E FAILED: exceeded {args.deadline:.0f} s\n" + test.server.log_tail())
        test.server.kill()
        os._exit(3)

    timer = threading.Timer(args.deadline, watchdog)
    timer.daemon = True
    timer.start()
    t0 = time.monotonic()
    for name in steps:
        say(f"-- {name}")
        try:
            getattr(test, name)()
        except Exception as e:  # noqa: BLE001 — report any failure with the server log
            say(f"{label} E2E FAILED in {name}: {type(e).__name__}: {e}\n---- portico log ----\n"
                + test.server.log_tail() + "\n----")
            test.server.kill()
            return 1
    timer.cancel()
    if test.server.running():  # a last step may have stopped it already
        test.server.stop()
    say(f"{label} E2E PASSED: {len(steps)} steps in {time.monotonic() - t0:.1f} s")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def rss_mb(pid):
    """Resident memory of a process, in MB (from /proc)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def make_zip(path, files):
    """Writes a function zip. files: {archive name: bytes or (bytes, mode)}"""
    with open(path, "wb") as f:
        f.write(zip_bytes(files))
    return path


def zip_bytes(files):
    """A function or layer zip in memory, deflated. files: {archive name: bytes or str, or (bytes, mode)}"""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            mode = 0o644
            if isinstance(data, tuple):
                data, mode = data
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def lambda_client(server, **config):
    """boto3's Lambda client on Portico's management API (dev keys, no retries); `config` goes to
    botocore's Config (e.g. parameter_validation=False to send what the SDK would refuse)."""
    import boto3
    from botocore.config import Config
    return boto3.client("lambda", endpoint_url=server.admin_url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, read_timeout=60, **config))


def expect_client_error(code, call, message_part, **kwargs):
    """Calls a boto3 operation that must fail with `code` and a message holding `message_part`;
    returns the message."""
    from botocore.exceptions import ClientError
    try:
        call(**kwargs)
    except ClientError as e:
        err = e.response["Error"]
        check(err["Code"] == code and message_part in err["Message"], f"expected {code} ({message_part}): {err}")
        return err["Message"]
    raise E2EFailure(f"expected {code} from {kwargs}")


def sigv4_headers(url, method, body=None, service="lambda", headers=None, secret="test"):
    """The headers of a request signed as the AWS SDKs sign it (botocore's SigV4Auth), Host left out."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    SigV4Auth(Credentials("test", secret), service, "us-east-1").add_auth(req)
    return {k: v for k, v in req.headers.items() if k.lower() != "host"}


def signed_management(server, method, path, body=None, service="lambda"):
    """(status, JSON body) of a management call signed as the newer SDKs sign it: for operations
    and fields newer than Debian's AWS CLI and botocore."""
    import urllib.error
    import urllib.request
    data = json.dumps(body).encode() if body is not None else None
    headers = sigv4_headers(server.admin_url + path, method, data, service,
                            {"Content-Type": "application/json"} if data else {})
    r = urllib.request.Request(server.admin_url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def read(path):
    with open(path, "rb") as f:
        return f.read()
