#!/usr/bin/env python3
"""Security e2e: descriptor exhaustion and connection caps on the real binary.

    /usr/bin/python3 tests/security/connection_limits_test.py --portico build/asan-ubsan/portico

1. Portico's open-file limit is cut to 128 (prlimit on the running process) and 220 connections
   are opened: accepting fails with EMFILE. Portico must not spin (CPU stays low), must log the
   failure at most about once a second, and must serve again at once when the flood goes.
2. With --max-connections-per-client 40, the 41st connection from one address is closed at once
   while the first 40 stay open; with --max-connections 60, idle keep-alive connections are closed
   to make room for new ones.
3. With --keep-alive-seconds 2, a keep-alive connection left idle is closed by Portico after 2 s,
   cleanly (FIN: the client reads an end of stream, never a reset), while one used every second
   stays open. A client that reuses the dead connection without looking (http.client, as
   bench/functions_bench.py did after its minute of replayed load) fails on its next call; urllib3,
   which botocore uses, sees the close and reconnects.
"""
import http.client
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.portico import PorticoServer, check, run_steps, say  # noqa: E402


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_connections(addr, n):
    host, port = addr.split(":")
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)), timeout=5)
        socks.append(s)
    return socks


def closed_by_server(s, wait=0.5):
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def health(addr, timeout=3.0):
    host, port = addr.split(":")
    t0 = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(b"GET /_portico/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(4096)
    return data.startswith(b"HTTP/1.1 "), time.monotonic() - t0  # any answer (the data plane's is a 403)


class ConnectionLimits:
    def __init__(self, portico, workdir):
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def step_descriptor_exhaustion(self):
        self.server.start()
        pid = self.server.proc.pid
        subprocess.run(["prlimit", "--pid", str(pid), "--nofile=128:128"], check=True, timeout=10)
        log_before = os.path.getsize(self.server.log_path)
        cpu_before = cpu_seconds(pid)
        socks = open_connections(self.server.admin, 220)
        time.sleep(3)
        cpu = cpu_seconds(pid) - cpu_before
        with open(self.server.log_path, errors="replace") as f:
            f.seek(log_before)
            lines = [line for line in f if "cannot accept" in line]
        say(f"EMFILE for 3 s: {cpu:.2f} s of CPU, {len(lines)} log line(s)")
        check(lines, "the descriptor exhaustion must be logged")
        check(len(lines) <= 6, f"{len(lines)} log lines in 3 s: not rate-limited")
        check(cpu < 1.0, f"Portico spent {cpu:.2f} s of CPU in 3 s of EMFILE: it spins")
        for s in socks:
            s.close()
        ok, seconds = health(self.server.admin)
        check(ok and seconds < 2, f"serving again after the flood: ok={ok} in {seconds:.2f} s")
        self.server.stop()

    def step_per_client_cap(self):
        self.server.extra_args += ["--max-connections-per-client", "40"]
        self.server.start()
        socks = open_connections(self.server.data, 50)
        time.sleep(0.3)
        closed = [closed_by_server(s, 0.3) for s in socks]
        say(f"per-client cap 40: {sum(closed)} of 50 closed by the server")
        check(sum(closed) == 10 and not any(closed[:40]), closed)
        for s in socks:
            s.close()
        time.sleep(0.3)
        ok, _ = health(self.server.data)
        check(ok, "serving after the cap")
        self.server.stop()

    def step_listener_cap_sheds_idle_first(self):
        self.server.extra_args = [a for a in self.server.extra_args if a not in ("--max-connections-per-client", "40")]
        self.server.extra_args += ["--max-connections", "60"]
        self.server.start()
        idle = open_connections(self.server.data, 60)  # idle: no request sent yet
        time.sleep(0.3)
        ok, _ = health(self.server.data)  # the 61st: an idle one makes room
        check(ok, "a new connection must be served by shedding an idle one")
        time.sleep(0.3)
        check(sum(closed_by_server(s, 0.05) for s in idle) >= 1, "an idle connection must have been closed")
        for s in idle:
            s.close()

        self.server.stop()

    def step_idle_keep_alive_closed_cleanly(self):
        self.server.extra_args = [a for a in self.server.extra_args if a not in ("--max-connections", "60")]
        self.server.extra_args += ["--keep-alive-seconds", "2"]
        self.server.start()
        host, port = self.server.admin.split(":")

        def get(conn):
            conn.request("GET", "/_portico/health")
            r = conn.getresponse()
            r.read()
            return r.status

        used, idle = http.client.HTTPConnection(host, int(port), timeout=5), \
            http.client.HTTPConnection(host, int(port), timeout=5)
        check(get(used) == 200 and get(idle) == 200, "both served")
        t0 = time.monotonic()
        for _ in range(3):  # used every second: kept open past the 2 s an idle one gets
            time.sleep(1)
            check(get(used) == 200, "a connection in use stays open")
        idle.sock.settimeout(3)
        try:
            end = idle.sock.recv(1)
        except ConnectionResetError:
            end = None
        waited = time.monotonic() - t0
        say(f"idle keep-alive connection closed after {waited:.1f} s: {end!r}")
        check(end == b"", f"the idle connection must end with a FIN, got {end!r}")
        check(waited <= 4.5, f"closed after {waited:.1f} s")
        # http.client reuses the dead socket without looking: its call fails (what stopped the bench).
        failed = False
        try:
            get(idle)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            failed = True
        check(failed, "a call on the closed connection cannot succeed")
        import urllib3  # botocore's HTTP client: checks a pooled connection before reuse
        pool = urllib3.HTTPConnectionPool(host, int(port), maxsize=1, retries=False, timeout=5)
        check(pool.request("GET", "/_portico/health").status == 200, "urllib3 served")
        time.sleep(3)
        check(pool.request("GET", "/_portico/health").status == 200, "urllib3 reconnects after the idle close")
        used.close()
        idle.close()
        pool.close()


if __name__ == "__main__":
    sys.exit(run_steps(lambda portico, workdir: ConnectionLimits(portico, workdir), "Connection limits", __doc__))
