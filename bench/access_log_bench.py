#!/usr/bin/env python3
"""MOCK requests/s with a stage's access log on vs off, in one run. Not a test.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/access_log_bench.py [--portico build/release/portico] [--seconds 8]

One Portico (one worker thread pinned to CPU 1, wrk on CPU 0, `--access-log FILE`), one MOCK method
on stage `bench`; wrk -c50 with no accessLogSettings, then with the console's JSON preset (a line
per request written through the bounded queue), then with CLF. The aim (issue 20): logging on
>= 0.9x logging off. Appends a dated section to bench/RESULTS.md.
"""
import argparse
import os
import sys
import tempfile

import support

JSON = ('{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": '
        '"$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", '
        '"requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", '
        '"resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", '
        '"responseLength":"$context.responseLength" }')
CLF = ('$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] '
       '"$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength '
       '$context.requestId $context.extendedRequestId')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--connections", type=int, default=50)
    args = ap.parse_args()
    if not os.path.exists(args.portico):
        sys.exit(f"no Portico binary at {args.portico}: build the release preset first")
    support.ensure_wrk()
    os.sched_setaffinity(0, {0})
    work = tempfile.mkdtemp(prefix="portico-access-log-bench-")
    log = os.path.join(work, "access.log")
    flags = ("--threads", "1", "--access-log", log, *support.UNTHROTTLED)
    with support.portico(args.portico, work, flags, launcher=("taskset", "-c", "1")) as ready:
        admin = support.AdminApi(ready["admin"])
        api = support.mock_api(admin, "access-log-bench", "bench", '{"ok":true}')
        url = f"http://{ready['data']}/restapis/{api}/bench/_user_request_/mock"
        support.wrk(url, 2, args.connections)  # warm-up
        results = {}
        for name, fmt in (("off", None), ("JSON preset", JSON), ("CLF preset", CLF)):
            if fmt:
                admin.call("PATCH", f"/restapis/{api}/stages/bench", {"patchOperations": [
                    {"op": "replace", "path": "/accessLogSettings/format", "value": fmt}]})
            before = os.path.getsize(log) if os.path.exists(log) else 0
            r = support.wrk(url, args.seconds, args.connections)
            assert r.non2xx == 0, r
            results[name] = (r, (os.path.getsize(log) if os.path.exists(log) else 0) - before)
    off = results["off"][0].rps
    lines = support.section_heading("Access logging on vs off (issue 20)") + [
        f"- Command: `/usr/bin/python3 bench/access_log_bench.py --seconds {args.seconds} --connections "
        f"{args.connections}` (Portico: one worker on CPU 1, `--access-log FILE`; wrk -t1 on CPU 0)",
        "",
        "| access log | requests/s | p50 µs | p99 µs | bytes logged | vs off |",
        "|---|---:|---:|---:|---:|---:|"]
    for name, (r, logged) in results.items():
        lines.append(f"| {name} | {r.rps:.0f} | {r.p50_us:.0f} | {r.p99_us:.0f} | {logged} | {r.rps / off:.2f}× |")
    lines += ["", "Aim: logging on ≥ 0.9× logging off."]
    support.record(lines)


if __name__ == "__main__":
    main()
