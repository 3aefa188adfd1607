#!/usr/bin/env python3
"""Security e2e: the management listener never holds the body of an unauthenticated call.

    /usr/bin/python3 tests/security/management_bodies_test.py --portico build/asan-ubsan/portico

1. An unsigned call announcing 60 MB is refused (403) from its head, before any body is sent.
2. A call signed with an unknown key, or scoped to another region, is refused the same way.
3. 40 concurrent unsigned 30 MB uploads leave Portico's memory where it was.
4. A signed call that uploads no code is bounded to 10 MB (413 beyond); a signed CreateFunction
   still takes a big body.
"""
import concurrent.futures
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.portico import PorticoServer, check, rss_mb, run_steps, say  # noqa: E402



def first_line(out):
    return out.split(b"\r\n", 1)[0]


def head_only(addr, head, timeout=5.0):
    """Sends a request head (no body); returns (response bytes, seconds)."""
    host, port = addr.split(":")
    t0 = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(head)
        out = b""
        try:
            while b"\r\n\r\n" not in out or len(out) < out.find(b"\r\n\r\n") + 4 + 20:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
    return out, time.monotonic() - t0


def signed_head(url, method, body_len, region="us-east-1", key="test", extra=None):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method=method, url=url, data=b"x" * 0, headers=extra or {})
    SigV4Auth(Credentials(key, "test"), "apigateway", region).add_auth(req)
    netloc, path = url.split("/", 3)[2], "/" + url.split("/", 3)[3]
    lines = [f"{method} {path} HTTP/1.1"]
    if "Host" not in req.headers:
        lines.append(f"Host: {netloc}")
    for k, v in req.headers.items():
        lines.append(f"{k}: {v}")
    lines.append(f"Content-Length: {body_len}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class ManagementBodies:
    def __init__(self, portico, workdir):
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def step_unsigned_refused_from_the_head(self):
        self.server.start()
        head = (b"POST /restapis HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 60000000\r\n\r\n")
        out, seconds = head_only(self.server.admin, head)
        say(f"unsigned 60 MB: {first_line(out)!r} in {seconds:.2f} s")
        check(out.startswith(b"HTTP/1.1 403") and b"Missing Authentication Token" in out, out[:300])
        check(seconds < 2, f"answered after {seconds:.1f} s: the body was waited for")

    def step_bad_signatures_refused_from_the_head(self):
        url = self.server.admin_url + "/restapis"
        for name, head, words in (
                ("unknown key", signed_head(url, "POST", 60000000, key="nobody"), b"security token included"),
                ("other region", signed_head(url, "POST", 60000000, region="eu-west-3"), b"valid region")):
            out, seconds = head_only(self.server.admin, head)
            say(f"{name}: {first_line(out)!r} in {seconds:.2f} s")
            check(out.startswith(b"HTTP/1.1 403") and words in out, f"{name}: {out[:400]!r}")
            check(seconds < 2, f"{name}: answered after {seconds:.1f} s")

    def step_concurrent_unsigned_uploads_hold_no_memory(self):
        pid = self.server.proc.pid
        before = rss_mb(pid)
        host, port = self.server.admin.split(":")
        body = b"x" * (30 << 20)
        peak = [before]

        def upload(_):
            try:
                with socket.create_connection((host, int(port)), timeout=10) as s:
                    s.sendall(b"POST /restapis HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
                    s.sendall(body)
            except OSError:
                pass  # refused at the head: the server closed while we were still sending
            peak[0] = max(peak[0], rss_mb(pid))

        with concurrent.futures.ThreadPoolExecutor(40) as pool:
            list(pool.map(upload, range(40)))
        growth = peak[0] - before
        say(f"40 unsigned 30 MB uploads: RSS {before:.0f} MB -> peak {peak[0]:.0f} MB")
        check(growth < 150, f"unsigned uploads grew Portico by {growth:.0f} MB")

    def step_signed_small_calls_are_bounded(self):
        import boto3
        import botocore.exceptions
        c = boto3.client("apigateway", endpoint_url=self.server.admin_url, region_name="us-east-1",
                         aws_access_key_id="test", aws_secret_access_key="test")
        try:
            c.create_rest_api(name="big", description="d" * (11 << 20))
            raise AssertionError("an 11 MB CreateRestApi must be refused")
        except botocore.exceptions.ClientError as e:
            check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 413, e.response["ResponseMetadata"])
        except botocore.exceptions.ConnectionClosedError:
            pass  # the server answered 413 and closed while the SDK was still sending
        c.get_rest_apis()  # still serving


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: ManagementBodies(portico, workdir), "Management bodies", __doc__))
