#!/usr/bin/env python3
"""Price of journaling quota counts (each counted request written ahead before it is answered, so
a kill -9 forgets none): the guarded MOCK method of method_request_bench.py, on a Portico with the
journal (the default) and one started with --no-usage-journal, alternated in one run.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/quota_journal_bench.py [--portico build/release/portico] [--seconds 5] [--rounds 2]

The aim (hardening issue) is journaled ≥ 0.90 × unjournaled requests/s on the guarded figure.
Appends a dated markdown section to bench/RESULTS.md. Not a test.
"""
import argparse
import json
import shutil
import statistics
import sys
import tempfile

import support
from method_request_bench import KEY, deploy_mock_api


def measure(binary, extra, seconds, connections):
    work = tempfile.mkdtemp(prefix="portico-journal-bench-")
    try:
        with support.portico(binary, work, [*support.UNTHROTTLED, *extra]) as ready:
            api = deploy_mock_api(support.AdminApi(ready["admin"]))
            url = "http://" + ready["data"] + "/dev/guarded?q=1"
            headers = {"Host": f"{api}.execute-api.localhost", "x-api-key": KEY, "Authorization": "Bearer t",
                       "X-Trace": "1"}
            status, body = support.fetch(url, headers=headers)
            assert status == 200 and json.loads(body) == {"ok": True}, (status, body)
            support.wrk(url, 2, connections, headers)  # warm-up
            r = support.wrk(url, seconds, connections, headers)
            assert r.non2xx == 0, r
            return r
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    support.ensure_wrk()
    journaled, plain = [], []
    for _ in range(args.rounds):
        journaled.append(measure(args.portico, [], args.seconds, args.connections))
        plain.append(measure(args.portico, ["--no-usage-journal"], args.seconds, args.connections))
    j = statistics.median(r.rps for r in journaled)
    p = statistics.median(r.rps for r in plain)
    rows = [f"| journaled (default) | {r.rps:.0f} | {r.p50_us:.0f} | {r.p99_us:.0f} |" for r in journaled]
    rows += [f"| --no-usage-journal | {r.rps:.0f} | {r.p50_us:.0f} | {r.p99_us:.0f} |" for r in plain]
    support.record(support.section_heading("Quota journal price (guarded MOCK)") + [
        f"- Command: `/usr/bin/python3 bench/quota_journal_bench.py --seconds {args.seconds} --connections "
        f"{args.connections} --rounds {args.rounds}` (wrk -t1 -c{args.connections}, alternated Porticos)",
        "",
        "| guarded MOCK (authorizer, key, usage plan with quota, validator) | requests/s | p50 (µs) | p99 (µs) |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"Journaled/unjournaled requests/s (medians): **{j / p:.2f}×** (aim ≥ 0.90×)."])
    print(f"journaled {j:.0f} rps, unjournaled {p:.0f} rps: {j / p:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
