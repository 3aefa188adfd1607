"""Third-party servers for the e2e tests, from npm (tests/e2e/peers/package-lock.json): dynalite
(a DynamoDB) and s3rver (an S3), installed once into a cache beside the build and started on
127.0.0.1 free ports. Standard library only; every wait is bounded.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

from .portico import E2EFailure, check, say

PEERS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "peers")
START_TIMEOUT = 20.0


def install_peers(cache_root):
    """The node_modules directory with dynalite and s3rver, from the cache or `npm ci` of the lockfile."""
    with open(os.path.join(PEERS_DIR, "package-lock.json"), "rb") as f:
        import hashlib
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    final = os.path.join(cache_root, "peers-" + digest)
    modules = os.path.join(final, "node_modules")
    bins = [os.path.join(modules, ".bin", b) for b in ("dynalite", "s3rver")]
    if all(os.path.exists(b) for b in bins):
        return modules
    os.makedirs(cache_root, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="peers-", dir=cache_root)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(PEERS_DIR, name), staging)
    say("installing dynalite and s3rver from npm ...")
    proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--nodedir=/usr"], cwd=staging,
                          capture_output=True, text=True, timeout=600)
    check(proc.returncode == 0, "npm ci of tests/e2e/peers failed:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    shutil.rmtree(final, ignore_errors=True)
    os.rename(staging, final)
    check(all(os.path.exists(b) for b in bins), "dynalite or s3rver missing after npm ci")
    return modules


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peer:
    """One peer process on 127.0.0.1:port, its output in a log file."""

    def __init__(self, name, argv, port, log_path):
        self.name, self.port, self.log_path = name, port, log_path
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise E2EFailure(f"{name} exited with {self.proc.returncode}: {self.log()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise E2EFailure(f"{name} did not listen on 127.0.0.1:{port} within {START_TIMEOUT:.0f} s: {self.log()}")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_dynalite(modules, workdir):
    port = free_port()
    return Peer("dynalite", [os.path.join(modules, ".bin", "dynalite"), "--host", "127.0.0.1", "--port", str(port)],
                port, os.path.join(workdir, "dynalite.log"))


def start_s3rver(modules, workdir, launcher=()):
    """s3rver checks SigV4 signatures made with its fixed keys S3RVER / S3RVER. `launcher` comes first
    (("taskset", "-c", "1") pins it, for the benchmarks)."""
    port = free_port()
    data = os.path.join(workdir, "s3rver-data")
    os.makedirs(data, exist_ok=True)
    return Peer("s3rver", [*launcher, os.path.join(modules, ".bin", "s3rver"), "--address", "127.0.0.1", "--port", str(port),
                           "--directory", data, "--silent"], port, os.path.join(workdir, "s3rver.log"))
