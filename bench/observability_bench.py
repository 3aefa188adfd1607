#!/usr/bin/env python3
"""MOCK requests/s with access logging + metrics on vs both off, in one run. Not a test.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/observability_bench.py [--portico build/release/portico] [--seconds 6] [--rounds 3]

Two Portico configurations, each one worker thread pinned to CPU 1 with wrk -t1 on CPU 0, one
MOCK method on stage `bench`: "off" is `portico serve --no-metrics` with no accessLogSettings;
"on" counts every request into its method's series (the default) and writes the console's JSON
access-log preset through `--access-log FILE`; "metrics only" is the default without an access
log. The configurations are measured in turn for --rounds rounds and each one's best round kept
(the machine's noise is larger than the difference). The aim (issue 20): on >= 0.9x off.
Appends a dated section to bench/RESULTS.md.
"""
import argparse
import os
import sys
import tempfile

import support
from access_log_bench import JSON


def measure(binary, work, name, no_metrics, log_format, seconds, connections):
    log = os.path.join(work, f"{name.replace(' ', '-').replace('+', 'and')}.log")
    flags = ["--threads", "1", "--access-log", log, *support.UNTHROTTLED]
    if no_metrics:
        flags.append("--no-metrics")
    home = tempfile.mkdtemp(prefix=name.replace(" ", "-") + "-", dir=work)  # a fresh ready file each run
    with support.portico(binary, home, flags, launcher=("taskset", "-c", "1")) as ready:
        admin = support.AdminApi(ready["admin"])
        api = support.mock_api(admin, "observability-bench", "bench", '{"ok":true}')
        if log_format:
            admin.call("PATCH", f"/restapis/{api}/stages/bench", {"patchOperations": [
                {"op": "replace", "path": "/accessLogSettings/format", "value": log_format}]})
        url = f"http://{ready['data']}/restapis/{api}/bench/_user_request_/mock"
        support.wrk(url, 2, connections)  # warm-up
        r = support.wrk(url, seconds, connections)
        assert r.non2xx == 0, r
        counted = None
        if not no_metrics:
            text = support.fetch(f"http://{ready['admin']}/metrics")[1].decode()
            counted = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                          if line.startswith("portico_apigateway_requests_total{") and 'resource="/mock"' in line)
        return r, counted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not os.path.exists(args.portico):
        sys.exit(f"no Portico binary at {args.portico}: build the release preset first")
    support.ensure_wrk()
    os.sched_setaffinity(0, {0})
    work = tempfile.mkdtemp(prefix="portico-observability-bench-")
    cases = (("off", True, None), ("metrics only", False, None), ("metrics + JSON access log", False, JSON))
    best, rounds = {}, {name: [] for name, _, _ in cases}
    for _ in range(args.rounds):
        for name, no_metrics, fmt in cases:
            r, counted = measure(args.portico, work, name, no_metrics, fmt, args.seconds, args.connections)
            rounds[name].append(r.rps)
            if counted is not None:
                assert counted >= r.requests, f"{name}: /metrics counted {counted} < {r.requests} sent"
            if name not in best or r.rps > best[name].rps:
                best[name] = r
    off = best["off"].rps
    lines = support.section_heading("Access logging + metrics on vs off (issue 20)") + [
        f"- Command: `/usr/bin/python3 bench/observability_bench.py --seconds {args.seconds} --connections "
        f"{args.connections} --rounds {args.rounds}` (Portico: one worker on CPU 1; wrk -t1 on CPU 0; "
        "configurations in turn, best round of each)",
        "",
        "| configuration | requests/s | p50 µs | p99 µs | vs off |",
        "|---|---:|---:|---:|---:|"]
    for name, _, _ in cases:
        r = best[name]
        lines.append(f"| {name} | {r.rps:.0f} | {r.p50_us:.0f} | {r.p99_us:.0f} | {r.rps / off:.2f}× |")
    lines += ["", "All rounds: " + "; ".join(f"{n} " + ", ".join(f"{v:.0f}" for v in vs) for n, vs in rounds.items()),
              "", "Aim: logging + metrics on ≥ 0.9× off."]
    support.record(lines)


if __name__ == "__main__":
    main()
