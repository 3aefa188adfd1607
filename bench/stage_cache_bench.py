#!/usr/bin/env python3
"""The stage cache's hit path vs MOCK and vs the uncached method over a slow backend, in one run.
Not a test.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/stage_cache_bench.py [--portico build/release/portico] [--seconds 8]

One Portico (one worker thread pinned to CPU 1; wrk -t1 and the backend on CPU 0), one API with
GET /mock (MOCK) and GET /slow (HTTP_PROXY to a backend that answers after --delay-ms), on stage
`bench`. wrk -c50 on /mock; on /slow with the stage cache off; then with cacheClusterEnabled and
`/*/*/caching/enabled` (every request after the first a hit). The aim (issue 20): the cached
method's requests/s >= 0.9x MOCK's. Appends a dated section to bench/RESULTS.md.
"""
import argparse
import asyncio
import multiprocessing
import os
import socket
import sys
import tempfile
import time

import support


def backend(port, delay):
    """An HTTP/1.1 keep-alive server answering every request with 200 after `delay` seconds."""
    os.sched_setaffinity(0, {0})
    body = b'{"slow":true}'
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    counter = {"n": 0}

    async def serve(reader, writer):
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                if not request:
                    break
                counter["n"] += 1
                await asyncio.sleep(delay)
                writer.write(head + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def run():
        server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(run())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--delay-ms", type=int, default=20, help="the backend's answer time")
    args = ap.parse_args()
    if not os.path.exists(args.portico):
        sys.exit(f"no Portico binary at {args.portico}: build the release preset first")
    support.ensure_wrk()
    os.sched_setaffinity(0, {0})
    port = free_port()
    slow = multiprocessing.Process(target=backend, args=(port, args.delay_ms / 1000), daemon=True)
    slow.start()
    work = tempfile.mkdtemp(prefix="portico-cache-bench-")
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        flags = ("--threads", "1", *support.UNTHROTTLED)
        with support.portico(args.portico, work, flags, launcher=("taskset", "-c", "1")) as ready:
            admin = support.AdminApi(ready["admin"])
            api = support.mock_api(admin, "cache-bench", "bench", '{"ok":true}')
            root = admin.call("GET", f"/restapis/{api}/resources")["item"][0]["id"]
            rid = admin.call("POST", f"/restapis/{api}/resources/{root}", {"pathPart": "slow"})["id"]
            base = f"/restapis/{api}/resources/{rid}/methods/GET"
            admin.call("PUT", base, {"authorizationType": "NONE"})
            admin.call("PUT", base + "/integration", {"type": "HTTP_PROXY", "httpMethod": "GET",
                                                      "uri": f"http://127.0.0.1:{port}/slow"})
            admin.call("POST", f"/restapis/{api}/deployments", {"stageName": "bench"})
            prefix = f"http://{ready['data']}/restapis/{api}/bench/_user_request_"
            for path in ("/mock", "/slow"):
                status, _ = support.fetch(prefix + path)
                assert status == 200, (path, status)
            support.wrk(prefix + "/mock", 2, args.connections)  # warm-up
            results = {"MOCK": support.wrk(prefix + "/mock", args.seconds, args.connections),
                       "HTTP_PROXY, no cache": support.wrk(prefix + "/slow", args.seconds, args.connections)}
            admin.call("PATCH", f"/restapis/{api}/stages/bench", {"patchOperations": [
                {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
                {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"}]})
            support.wrk(prefix + "/slow", 2, args.connections)  # fills the entry
            results["HTTP_PROXY, cached"] = support.wrk(prefix + "/slow", args.seconds, args.connections)
            for name, r in results.items():
                assert r.non2xx == 0, (name, r)
    finally:
        slow.terminate()
        slow.join(10)
    mock, cached, uncached = results["MOCK"].rps, results["HTTP_PROXY, cached"].rps, results["HTTP_PROXY, no cache"].rps
    lines = support.section_heading("Stage cache hit path vs MOCK and vs no cache (issue 20)") + [
        f"- Command: `/usr/bin/python3 bench/stage_cache_bench.py --seconds {args.seconds} --connections "
        f"{args.connections} --delay-ms {args.delay_ms}` (Portico: one worker on CPU 1; wrk -t1 and the backend, "
        f"which answers after {args.delay_ms} ms, on CPU 0)",
        "",
        "| method | requests/s | p50 µs | p99 µs | vs MOCK |",
        "|---|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r.rps:.0f} | {r.p50_us:.0f} | {r.p99_us:.0f} | {r.rps / mock:.2f}× |")
    lines += ["", f"Cached / uncached: **{cached / uncached:.1f}×**; cached / MOCK: **{cached / mock:.2f}×** "
              "(aim: ≥ 0.9×)."]
    support.record(lines)


if __name__ == "__main__":
    main()
