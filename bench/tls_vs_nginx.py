#!/usr/bin/env python3
"""Portico's TLS listener side by side with nginx terminating TLS, in one run. Not a test.

    cmake --preset release && cmake --build --preset release
    /usr/bin/python3 bench/tls_vs_nginx.py [--portico build/release/portico] [--seconds 10]

Both servers serve GET /mock -> 200 {"pets":["cat"]} for the custom domain api.bench.test with the
same RSA-2048 certificate and chain (made here with openssl), TLS 1.2 and the cipher list of Portico's
TLS_1_2 security policy, one worker each, pinned to CPU 1 (clients on CPU 0). Portico's side is a
MOCK method on a stage mapped to the domain by a base path mapping, as a user would set it up.

  * handshakes/s: --threads client threads each open a connection, do a full handshake (no
    resumption), send one request with `Connection: close` and read the answer, for --seconds;
  * keep-alive HTTPS requests/s: h2load --h1 (-c connections, one handshake each, then requests);
  * plain HTTP requests/s: wrk -t1 on the plain listener, for Portico with the TLS listener up
    (and the domain configured) and for a second Portico started with --tls-listen off.
Each case runs --rounds times per server, the servers in turn (this machine's speed drifts by
tens of percent from one minute to the next); the best round of each is compared. The aims (issue 17): Portico >= 0.8x nginx on handshakes and keep-alive HTTPS, and no loss for
plain HTTP from having the TLS listener up. Appends a dated section to bench/RESULTS.md.
"""
import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import support

DOMAIN = "api.bench.test"
BODY = '{"pets":["cat"]}'
# Portico's TLS_1_2 policy (src/http/tls_catalog.cpp), so both servers negotiate the same suite.
CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA256:"
           "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
           "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:AES128-GCM-SHA256:AES128-SHA256:"
           "AES256-GCM-SHA384:AES256-SHA256")
SERVER_CPU, CLIENT_CPU = "1", 0


def ensure_tools():
    missing = [pkg for tool, pkg in (("h2load", "nghttp2-client"), ("wrk", "wrk"), ("nginx", "nginx-light"))
               if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}")]
    if missing:
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, timeout=600)


def make_certificates(work):
    """A CA and a server certificate for DOMAIN signed by it (RSA 2048); returns (ca, cert, key) paths."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
    ca, ca_key = os.path.join(work, "ca.pem"), os.path.join(work, "ca-key.pem")
    cert, key, csr = (os.path.join(work, n) for n in ("server.pem", "server-key.pem", "server.csr"))
    ext = os.path.join(work, "ext.cnf")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=DNS:{DOMAIN}\n")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
            "-subj", "/CN=bench CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={DOMAIN}")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
            "-extfile", ext)
    return ca, cert, key


def wait_port(port, proc, what):
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def start_nginx(work, cert, key, ca):
    """nginx from bench/nginx-tls.conf.tmpl, pinned to SERVER_CPU; returns (proc, plain port, tls port).
    nginx sends the same chain as Portico (the certificate, then the CA given as its certificateChain):
    the client parses and checks both in either case."""
    d = os.path.join(work, "nginx")
    os.makedirs(d)
    chain = os.path.join(d, "chain.pem")
    with open(chain, "w") as out, open(cert) as c, open(ca) as a:
        out.write(c.read() + a.read())
    port, tls_port = free_ports(2)
    with open(os.path.join(support.HERE, "nginx-tls.conf.tmpl")) as f:
        conf = f.read()
    for k, v in (("@DIR@", d), ("@PORT@", str(port)), ("@TLS_PORT@", str(tls_port)), ("@CERT@", chain),
                 ("@KEY@", key), ("@CIPHERS@", CIPHERS)):
        conf = conf.replace(k, v)
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, nginx, "-p", d + "/", "-e", os.path.join(d, "error.log"),
                             "-c", os.path.join(d, "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(tls_port, proc, "nginx")
    return proc, port, tls_port


def configure_portico(admin, cert, key, ca):
    """GET /mock (MOCK) deployed to stage bench, the domain DOMAIN with the certificate, (none) -> bench."""
    api = support.mock_api(admin, "tls-bench", "bench", BODY)
    read = lambda p: open(p).read()  # noqa: E731
    admin.call("POST", "/domainnames", {
        "domainName": DOMAIN, "endpointConfiguration": {"types": ["REGIONAL"]}, "securityPolicy": "TLS_1_2",
        "certificateName": DOMAIN, "certificateBody": read(cert), "certificatePrivateKey": read(key),
        "certificateChain": read(ca)})
    admin.call("POST", f"/domainnames/{DOMAIN}/basepathmappings", {"basePath": "(none)", "restApiId": api, "stage": "bench"})
    return api


def https_get(port, ca):
    """One request to https://DOMAIN/mock on 127.0.0.1:port, the certificate verified against ca."""
    ctx = ssl.create_default_context(cafile=ca)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=DOMAIN) as s:
            s.sendall(f"GET /mock HTTP/1.1\r\nHost: {DOMAIN}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            return data.decode(errors="replace"), s.version(), s.cipher()[0]


def handshakes(port, ca, seconds, threads):
    """Full handshakes per second (each with one request and Connection: close) from `threads` threads."""
    ctx = ssl.create_default_context(cafile=ca)
    request = f"GET /mock HTTP/1.1\r\nHost: {DOMAIN}\r\nConnection: close\r\n\r\n".encode()
    counts, errors = [0] * threads, [0] * threads
    stop_at = time.monotonic() + seconds

    def run(i):
        while time.monotonic() < stop_at:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                    with ctx.wrap_socket(raw, server_hostname=DOMAIN) as s:
                        s.sendall(request)
                        data = s.recv(65536)
                        while (more := s.recv(65536)):
                            data += more
                if not data.startswith(b"HTTP/1.1 200"):
                    errors[i] += 1
                else:
                    counts[i] += 1
            except OSError:
                errors[i] += 1

    t0 = time.monotonic()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 30)
    return sum(counts) / (time.monotonic() - t0), sum(errors)


def h2load(port, seconds, connections):
    """Keep-alive HTTPS requests/s with h2load --h1 (SNI and Host DOMAIN, connecting to 127.0.0.1:port)."""
    out = subprocess.run(["h2load", "--h1", "-t1", f"-c{connections}", f"-D{seconds}", "--warm-up-time=2",
                          f"--connect-to=127.0.0.1:{port}", f"https://{DOMAIN}/mock"],
                         capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"finished in [\d.]+s, ([\d.]+) req/s", out).group(1))
    m = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded", out)
    status = re.search(r"status codes: (\d+) 2xx", out)
    done, ok2xx = int(m.group(1)), int(status.group(1))
    if done == 0 or ok2xx != done:
        raise RuntimeError(f"h2load: {done} done, {ok2xx} 2xx\n{out}")
    return rps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portico", default=support.DEFAULT_PORTICO)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=8, help="handshake client threads")
    ap.add_argument("--rounds", type=int, default=3, help="each case is run this many times per server, "
                    "the servers in turn; the best of each is compared")
    args = ap.parse_args()
    if not os.path.exists(args.portico):
        sys.exit(f"no Portico binary at {args.portico}: build the release preset first")
    ensure_tools()
    os.sched_setaffinity(0, {CLIENT_CPU})  # this script, h2load and wrk: the clients
    work = tempfile.mkdtemp(prefix="portico-tls-bench-")
    procs = []
    try:
        with contextlib.ExitStack() as stack:
            ca, cert, key = make_certificates(work)
            ng, ng_port, ng_tls = start_nginx(work, cert, key, ca)
            procs.append(ng)
            text, version, cipher = https_get(ng_tls, ca)
            assert text.startswith("HTTP/1.1 200") and text.endswith(BODY), text
            servers = {"nginx": {"plain": (f"http://127.0.0.1:{ng_port}/mock", {}), "tls": ng_tls,
                                 "suite": f"{version} {cipher}"}}
            flags = ("--threads", "1", *support.UNTHROTTLED)
            for name, extra in (("portico", ()), ("portico-tls-off", ("--tls-listen", "off"))):
                sub = os.path.join(work, name)
                os.makedirs(sub)
                ready = stack.enter_context(
                    support.portico(args.portico, sub, (*flags, *extra), launcher=("taskset", "-c", SERVER_CPU)))
                configure_portico(support.AdminApi(ready["admin"]), cert, key, ca)
                plain = (f"http://{ready['data']}/mock", {"Host": DOMAIN})
                status, body = support.fetch(plain[0], headers=plain[1])
                assert status == 200 and body.decode() == BODY, (name, status, body)
                servers[name] = {"plain": plain}
                if "tls" in ready:
                    tls_port = int(ready["tls"].rsplit(":", 1)[1])
                    text, version, cipher = https_get(tls_port, ca)
                    assert text.startswith("HTTP/1.1 200") and text.endswith(BODY), text
                    servers[name].update(tls=tls_port, suite=f"{version} {cipher}")
            for sv in servers.values():
                support.wrk(sv["plain"][0], 2, args.connections, sv["plain"][1])  # warm-up
            runs = {name: {"plain": [], "handshake": [], "keepalive": []} for name in servers}
            for _ in range(args.rounds):  # the servers in turn, so a slow minute of the machine hits all of them
                for name, sv in servers.items():
                    r = support.wrk(sv["plain"][0], args.seconds, args.connections, sv["plain"][1])
                    assert r.non2xx == 0, (name, r)
                    runs[name]["plain"].append(r.rps)
                    if "tls" in sv:
                        rate, errors = handshakes(sv["tls"], ca, args.seconds, args.threads)
                        assert errors == 0, (name, "handshake errors", errors)
                        runs[name]["handshake"].append(rate)
                        runs[name]["keepalive"].append(h2load(sv["tls"], args.seconds, args.connections))
        best = {name: {k: max(v) for k, v in r.items() if v} for name, r in runs.items()}
        n, p, off = best["nginx"], best["portico"], best["portico-tls-off"]
        rounds = "; ".join(f"{name} {case} " + ", ".join(f"{x:.0f}" for x in xs)
                           for name, r in runs.items() for case, xs in r.items() if xs)
        lines = support.section_heading("TLS listener vs nginx (issue 17)") + [
            f"- Command: `/usr/bin/python3 bench/tls_vs_nginx.py --seconds {args.seconds} --connections "
            f"{args.connections} --threads {args.threads} --rounds {args.rounds}` (servers on CPU {SERVER_CPU}, one "
            f"worker each; clients on CPU {CLIENT_CPU}; the servers measured in turn, best of {args.rounds} rounds)",
            f"- Negotiated: nginx {servers['nginx']['suite']}, Portico {servers['portico']['suite']}; RSA-2048 "
            f"certificate for {DOMAIN} and its CA as the chain, on both",
            "",
            "| case | nginx | Portico | Portico/nginx |",
            "|---|---:|---:|---:|",
            f"| TLS handshakes/s (new connection, 1 request, {args.threads} client threads) | "
            f"{n['handshake']:.0f} | {p['handshake']:.0f} | {p['handshake'] / n['handshake']:.2f}× |",
            f"| keep-alive HTTPS requests/s (h2load --h1 -c{args.connections}) | {n['keepalive']:.0f} | "
            f"{p['keepalive']:.0f} | {p['keepalive'] / n['keepalive']:.2f}× |",
            f"| plain HTTP requests/s (wrk -c{args.connections}), TLS listener up | {n['plain']:.0f} | "
            f"{p['plain']:.0f} | {p['plain'] / n['plain']:.2f}× |",
            f"| plain HTTP requests/s, Portico with `--tls-listen off` | | {off['plain']:.0f} | "
            f"{off['plain'] / n['plain']:.2f}× |",
            "",
            f"All rounds: {rounds}.",
            "",
            f"Plain HTTP with the TLS listener up / with it off: **{p['plain'] / off['plain']:.2f}×** "
            "(aim: no loss). Aims: ≥ 0.8× nginx on handshakes and keep-alive HTTPS."]
        support.record(lines)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
