#!/usr/bin/env python3
"""Function invoke benchmark: warm round trip and cold start per runtime, side by side with the floor.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/functions_bench.py [--portico build/release/portico] [--iterations 300]

In one run, on this machine:
  * floor: posix_spawn+wait of /bin/true, `node -e 0`, `/usr/bin/python3 -c pass` (medians);
  * warm: p50/p99 of Invoke round trips (one keep-alive connection, SigV4 signed by botocore) per
    runtime, and of the same client calling ListFunctions (signed too) — the difference is
    Portico's warm-invoke overhead (routing, hand-off, Runtime API exchange);
  * warm, replayed: the same two calls signed once and replayed by `wrk -c1` for --wrk-seconds, so
    the client's own work (botocore signs each call in ~0.2 ms, during which the machine idles)
    is out of the figure: Invoke p50 minus the p50 of a signed call that finds nothing
    (GetFunctionConfiguration of a missing function: same HTTP, SigV4, routing and store read) is
    Portico's overhead alone. The two are measured in --rounds alternating pairs and the median of the
    pairs' differences is kept, so the machine's drift between measurements (a shared VM) does
    not land in the difference. Twice per runtime, on a function of its own: first on the worker
    that started its environment, then from a connection the server hands to the next worker, so
    the environment is on another worker's loop (one hand-off each way);
  * cold: the first invoke after create-function (a new sandboxed environment; the median of
    --cold-samples fresh functions, 0.2 s apart) minus the warm p50, per runtime, against that
    runtime's bare interpreter start.
Appends a dated markdown table to bench/RESULTS.md. Not a test: figures, not assertions.
"""
import argparse
import datetime
import http.client
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time

import support

NODE = b"exports.handler = async (event) => event;\n"
PYTHON = b"def handler(event, context):\n    return event\n"


class Client:
    """One keep-alive connection, so a round trip measures Portico rather than connection setup."""

    def __init__(self, hostport):
        self.hostport = hostport
        self.conn = http.client.HTTPConnection(hostport, timeout=30)

    def call(self, method, path, body=b"", signed=True):
        headers = support.signed_headers(method, f"http://{self.hostport}{path}", body) if signed else {}
        # Portico closes a keep-alive connection left idle past --keep-alive-seconds (60 s; the
        # replayed runs below leave this one idle longer): look before reusing it, as urllib3 does,
        # else the next call writes into a closed socket (what stopped this bench at a CreateFunction).
        if self.conn.sock is not None and select.select([self.conn.sock], [], [], 0)[0]:
            self.conn.close()
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, data


def median_ms(fn, n):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def percentile(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--cold-samples", type=int, default=5, help="fresh functions per runtime; the median is kept")
    ap.add_argument("--wrk-seconds", type=int, default=5, help="length of each replayed (wrk -c1) measurement")
    ap.add_argument("--rounds", type=int, default=3, help="replayed ListFunctions/Invoke pairs per case; median kept")
    args = ap.parse_args()
    support.ensure_wrk()
    work = tempfile.mkdtemp(prefix="portico-fn-bench-")
    bootstrap = support.build_c_bootstrap(work)
    with support.portico(args.portico, work) as ready:
        client = Client(ready["admin"])
        floor = {
            "spawn /bin/true": median_ms(lambda: subprocess.run(["/bin/true"]), 30),
            "node -e 0": median_ms(lambda: subprocess.run(["node", "-e", "0"]), 15),
            "python3 -c pass": median_ms(lambda: subprocess.run(["/usr/bin/python3", "-c", "pass"]), 15),
        }
        runtimes = {
            "provided (C)": ("provided.al2023", "bootstrap", {"bootstrap": (bootstrap, 0o755)}, "spawn /bin/true"),
            "nodejs20.x": ("nodejs20.x", "index.handler", {"index.js": (NODE, 0o644)}, "node -e 0"),
            "python3.12": ("python3.12", "app.handler", {"app.py": (PYTHON, 0o644)}, "python3 -c pass"),
        }
        health = []
        for _ in range(args.iterations):
            t0 = time.perf_counter()
            client.call("GET", "/_portico/health", signed=False)
            health.append((time.perf_counter() - t0) * 1e6)
        signed_floor = []
        for _ in range(args.iterations):
            t0 = time.perf_counter()
            client.call("GET", "/2015-03-31/functions/")
            signed_floor.append((time.perf_counter() - t0) * 1e6)
        # The replayed floor: a signed Lambda call that finds nothing (GetFunctionConfiguration of a
        # function that does not exist, a 404): the same HTTP, SigV4, routing and store read as any
        # call, and a cost that does not grow with the functions the run creates (ListFunctions'
        # does, by ~14 µs per function listed).
        floor_url = f"http://{ready['admin']}/2015-03-31/functions/no-such-function/configuration"
        floor_lua = support.signed_wrk_script(work, "floor", "GET", floor_url)
        status, data = client.call("GET", "/2015-03-31/functions/no-such-function/configuration")
        assert status == 404 and b"Function not found" in data, (status, data)  # verified, then not found
        replay_floors = []

        def replayed_overhead(url, lua):
            """Median over --rounds of (Invoke p50 - floor p50), each pair back to back. A wrk run opens
            two connections, so with two workers every run lands where the one before did."""
            diffs = []
            for _ in range(args.rounds):
                floor_run = support.wrk(floor_url, args.wrk_seconds, 1, lua=floor_lua)
                run = support.wrk(url, args.wrk_seconds, 1, lua=lua)
                assert run.non2xx == 0 and floor_run.non2xx > 0, (run, floor_run)
                replay_floors.append(floor_run.p50_us)
                diffs.append(run.p50_us - floor_run.p50_us)
            return statistics.median(diffs)
        rows = []
        for label, (runtime, handler, files, floor_key) in runtimes.items():
            colds = []
            for k in range(args.cold_samples):  # a fresh function each: its first invoke is a cold start
                name = runtime.replace(".", "-") + f"-{k}"
                body = json.dumps(support.create_function_request(name, runtime, handler, files)).encode()
                status, data = client.call("POST", "/2015-03-31/functions", body)
                assert status == 201, data
                path = f"/2015-03-31/functions/{name}/invocations"
                time.sleep(0.2)  # apart, as cold starts come in practice
                t0 = time.perf_counter()
                status, data = client.call("POST", path, b'{"n":1}')
                colds.append((time.perf_counter() - t0) * 1000)
                assert status == 200 and b"errorType" not in data, (status, data)
            cold = statistics.median(colds)
            warm = []
            for i in range(args.iterations):
                t0 = time.perf_counter()
                status, data = client.call("POST", path, b'{"n":2}')
                warm.append((time.perf_counter() - t0) * 1e6)
                assert status == 200, data
            p50 = statistics.median(warm)
            name = runtime.replace(".", "-") + "-replayed"
            body = json.dumps(support.create_function_request(name, runtime, handler, files)).encode()
            status, data = client.call("POST", "/2015-03-31/functions", body)
            assert status == 201, data
            url = f"http://{ready['admin']}/2015-03-31/functions/{name}/invocations"
            lua = support.signed_wrk_script(work, "invoke", "POST", url, b'{"n":2}')
            start = support.wrk(url, 1, 1, lua=lua)  # its first request starts the environment, on this worker
            assert start.non2xx == 0, start
            local = replayed_overhead(url, lua)
            # Connections go to the workers in turn, and a wrk run takes two (measured with perf stat:
            # back-to-back runs land on the same worker); one more moves the next runs to the next
            # worker, while the environment stays where it is.
            support.fetch(f"http://{ready['admin']}/_portico/health")
            remote = replayed_overhead(url, lua)
            rows.append((label, p50, percentile(warm, 0.99), p50 - statistics.median(signed_floor), local, remote,
                         cold, cold - p50 / 1000, floor[floor_key], floor_key))
        lines = [f"### Functions: warm invoke and cold start ({datetime.date.today()}, {os.uname().nodename})", "",
                 f"`/usr/bin/python3 bench/functions_bench.py --iterations {args.iterations} --cold-samples {args.cold_samples} "
                 f"--wrk-seconds {args.wrk_seconds} --rounds {args.rounds}` "
                 "— one keep-alive client, "
                 "SigV4-signed Invoke; floors measured in the same run.", "",
                 f"Client floor: unsigned health p50 {statistics.median(health):.0f} µs; signed ListFunctions p50 "
                 f"{statistics.median(signed_floor):.0f} µs (botocore); replayed by wrk -c1, signed GetFunctionConfiguration "
                 f"of a missing function (404) p50 {statistics.median(replay_floors):.0f} µs ({args.wrk_seconds} s, median "
                 f"of its {len(replay_floors)} runs; each replayed overhead is the median of {args.rounds} back-to-back "
                 f"floor/Invoke pairs).", "",
                 "| runtime | warm p50 µs | warm p99 µs | warm overhead vs signed floor µs | replayed overhead µs | "
                 "replayed, environment on another worker µs | cold first invoke ms | cold start ms (minus warm) | "
                 "bare start ms | cold / bare |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for label, p50, p99, over, local, remote, cold, coldnet, bare, key in rows:
            lines.append(f"| {label} | {p50:.0f} | {p99:.0f} | {over:.0f} | {local:.0f} | {remote:.0f} | {cold:.1f} | "
                         f"{coldnet:.1f} | {bare:.1f} ({key}) | {coldnet / bare:.2f}× |")
        support.record(lines)


if __name__ == "__main__":
    sys.exit(main())
