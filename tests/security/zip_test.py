#!/usr/bin/env python3
"""Security e2e: malicious zips against CreateFunction (the real binary, boto3).

    /usr/bin/python3 tests/security/zip_test.py --portico build/asan-ubsan/portico

1. The link chain a -> ., b -> a/.., c -> b/.., e -> c/.. with a directory entry written through
   it: refused (400), and nothing is created above the data directory.
2. Slip, absolute and hard-link entries: refused, nothing left in the code store.
3. A 30,000-entry zip unpacks off the serving loops: while it is being stored, other calls are
   answered at once.
"""
import concurrent.futures
import io
import os
import sys
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.portico import PorticoServer, check, run_steps, say  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/x"


def zip_of(entries):
    """entries: [(name, data, mode)]; a mode with 0o120000 makes a symlink whose target is data."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            info.create_system = 3  # unix, so the mode bits are read
            z.writestr(info, data)
    return buf.getvalue()


class ZipAttacks:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        # The data dir two levels down, so that "two levels above it" is still inside the workdir.
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])
        self.server.data_dir = os.path.join(workdir, "a", "b", "data")

    def lam(self):
        import boto3
        from botocore.config import Config
        return boto3.client("lambda", endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, read_timeout=120))

    def create(self, name, code):
        return self.lam().create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                          Code={"ZipFile": code})

    def refused(self, name, code):
        import botocore.exceptions
        try:
            self.create(name, code)
        except botocore.exceptions.ClientError as e:
            check(e.response["Error"]["Code"] == "InvalidParameterValueException", e.response)
            return e.response["Error"]["Message"]
        raise AssertionError(f"{name}: the zip must be refused")

    def step_link_chain_refused(self):
        self.server.start()
        marker = f"escaped-{os.getpid()}"
        link = 0o120777
        msg = self.refused("chain", zip_of([("a", ".", link), ("b", "a/..", link), ("c", "b/..", link),
                                            ("e", "c/..", link), (f"e/{marker}/", b"", 0o040755),
                                            (f"e/{marker}/app.py", b"x", 0o100644)]))
        say(msg)
        found = [root for root, dirs, _ in os.walk(self.workdir) if marker in dirs]
        check(not found, f"directories were created through the links: {found}")
        leftovers = [n for n in os.listdir(os.path.join(self.server.data_dir, "code")) if ".tmp" in n]
        check(not leftovers, leftovers)

    def step_slip_and_friends_refused(self):
        for name, entries in (("slip", [("../../evil.py", b"x", 0o100644)]),
                              ("absolute", [("/tmp/evil.py", b"x", 0o100644)]),
                              ("outside-link", [("passwd", "/etc/passwd", 0o120777)])):
            self.refused(name, zip_of(entries))
        check(not os.path.exists(os.path.join(self.workdir, "a", "evil.py")), "a slip entry was written")

    def step_big_zip_unpacks_off_the_loops(self):
        code = zip_of([("app.py", b"def handler(e, c):\n    return 1\n", 0o100644)] +
                      [(f"d{i // 1000}/f{i}.txt", b"", 0o100644) for i in range(30000)])
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            t0 = time.monotonic()
            upload = pool.submit(self.create, "big", code)
            slowest = 0.0
            calls = 0
            while not upload.done() and time.monotonic() - t0 < 120:
                t1 = time.monotonic()
                self.lam().list_functions()
                slowest = max(slowest, time.monotonic() - t1)
                calls += 1
            cfg = upload.result()
        took = time.monotonic() - t0
        say(f"30,000 entries stored in {took:.1f} s; {calls} calls meanwhile, slowest {slowest:.2f} s")
        check(cfg["FunctionName"] == "big", cfg)
        check(slowest < 1.5, f"a call waited {slowest:.2f} s while the zip unpacked")


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: ZipAttacks(portico, workdir), "Zip attacks", __doc__))
