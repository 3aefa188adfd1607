#!/usr/bin/env python3
"""Security e2e: a hostile function inside Portico's sandbox (the real binary, driven by boto3).

    /usr/bin/python3 tests/security/function_isolation_test.py --portico build/asan-ubsan/portico

The function tries to reach Portico's management API (host loopback, slirp's gateway, the host's
own address), reads the socket table for neighbours' Runtime APIs, makes namespaces, mounts,
ptraces, uses the keyring, starts more than 1,024 threads, reads PID 1's environment and its own
mount table (which must name no host path of Portico's); background
work it leaves running must stay frozen until its next invocation. Outbound
traffic to a non-local address must work: a peer "host" in a network namespace of the test's own
(support/peer_host.py) serves HTTP. Then Portico restarts with
--function-network none and the same peer must be unreachable. Needs root (network namespaces,
veth), as CI has; fails loudly otherwise.
"""
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from support.peer_host import PeerHost  # noqa: E402
from support.portico import PorticoServer, check, make_zip, read, run_steps, say  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ROLE = "arn:aws:iam::000000000000:role/x"


def serve_forever(sock, answer):
    """Answers every connection with `answer` and closes it."""
    while True:
        try:
            c, _ = sock.accept()
        except OSError:
            return
        try:
            c.sendall(answer)
        finally:
            c.close()


class FunctionIsolation:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])
        self.peer = None

    def boto(self):
        import boto3
        from botocore.config import Config
        return boto3.client("lambda", endpoint_url=self.server.admin_url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}, read_timeout=60))

    def invoke(self, name, event):
        resp = self.boto().invoke(FunctionName=name, Payload=json.dumps(event).encode())
        body = resp["Payload"].read().decode()
        check(resp["StatusCode"] == 200 and "FunctionError" not in resp, f"{resp} {body}")
        return json.loads(body)

    # -- steps
    def step_peer_network(self):
        self.peer = PeerHost()
        peer_sock = self.peer.listen()
        self.peer_port = peer_sock.getsockname()[1]
        threading.Thread(target=serve_forever, args=(peer_sock, b"PEER-OK"), daemon=True).start()
        # A host listener on the host's own (non-loopback) address, where a careless operator's
        # Portico could listen: functions must not reach it.
        self.host_sock = socket.socket()
        self.host_sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.host_sock.bind((self.peer.host_side, 0))
        self.host_sock.listen()
        self.host_port = self.host_sock.getsockname()[1]
        threading.Thread(target=serve_forever, args=(self.host_sock, b"HOSTSECRET"), daemon=True).start()

    def step_create_hostile_function(self):
        self.server.start()
        say(self.server.log_tail(max_lines=20))
        self.zip = make_zip(os.path.join(self.workdir, "hostile.zip"),
                            {"app.py": read(os.path.join(HERE, "hostile_function.py"))})
        for name in ("hostile", "neighbour"):
            self.boto().create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=ROLE,
                                        Code={"ZipFile": read(self.zip)}, Timeout=60, MemorySize=512)

    def event(self):
        admin_port = int(self.server.admin.split(":")[1])
        return {"connect": {"admin_loopback": ["127.0.0.1", admin_port],
                            "admin_gateway": ["10.0.2.2", admin_port],
                            "host_address": [self.peer.host_side, self.host_port],
                            "peer": [self.peer.address, self.peer_port]},
                "threads": 1500}

    def step_hostile_function_is_contained(self):
        # The neighbour runs first, so its environment (and Runtime API) is alive while the
        # hostile one looks around.
        self.invoke("neighbour", {})
        out = self.invoke("hostile", self.event())
        say(json.dumps({k: v for k, v in out.items() if k not in ("pid1_environ", "mountinfo")}))
        check(out["runtime_api"] == "127.0.0.1:9001", out["runtime_api"])
        check(out["connect_admin_loopback"].startswith("refused:"), out)
        check(out["connect_admin_gateway"].startswith("refused:"), out)
        check(out["connect_host_address"].startswith("refused:"), out)
        check(out["connect_peer"] == "connected:PEER-OK", f"outbound traffic must work: {out['connect_peer']}")
        # Its own Runtime API, and the one deliberate forward: Portico's management API at 9002
        # (SigV4-checked like any client; docs/security.md, "What functions are granted").
        check(out["listening"] == [9001, 9002],
              f"only its own Runtime API and the management forward may be visible: {out['listening']}")
        check(out["nofile"] == [1024, 1024], out["nofile"])
        for call in ("unshare_user", "unshare_net", "mount", "ptrace", "keyctl"):
            check(out[call] == "EPERM", f"{call} must be refused with EPERM: {out[call]}")
        check(out["threads"] is not None and out["threads"] < 1024, f"threads started: {out['threads']}")
        check(out["pid1_environ"] in ("", "PWD=/\x00"), f"PID 1's environment: {out['pid1_environ']!r}")
        check(self.workdir not in out["pid1_cmdline"], out["pid1_cmdline"])
        # The mount table names no host path of Portico's: not its data dir (the code, the
        # sandbox's /etc) and not where its runtime scripts are installed.
        for host_path in (self.workdir, REPO):
            check(host_path not in out["mountinfo"], f"mountinfo names {host_path}:\n{out['mountinfo']}")
        check(" /var/task " in out["mountinfo"], out["mountinfo"])
        # No descriptor of Portico's leaks in: every socket the runtime holds is its own
        # connection to its Runtime API (a listener of Portico's would let it take Portico's traffic).
        for fd, name in out["socket_names"].items():
            check(isinstance(name, dict) and name["peer"] == ["127.0.0.1", 9001],
                  f"fd {fd} is not the runtime's own connection: {name} (all: {out['fds']})")

    def step_neighbours_runtime_api_unreachable(self):
        # From the hostile function, every port but 9001 (and the 9002 forward) on loopback is closed: a neighbour's
        # Runtime API is not in its namespace at all.
        admin_port = int(self.server.admin.split(":")[1])
        out = self.invoke("hostile", {"connect": {"other": ["127.0.0.1", 9003], "admin": ["127.0.0.1", admin_port]}})
        check(out["connect_other"].startswith("refused:") and out["connect_admin"].startswith("refused:"), out)
        # And the neighbour still works.
        self.invoke("neighbour", {})

    def step_idle_environment_is_frozen(self):
        # Between invocations Lambda freezes the environment: background work started by one
        # invocation makes no progress until the next. Unfrozen, a 10 ms ticker advances ~150
        # times in 1.5 s.
        started = self.invoke("hostile", {"tickers": "start"})
        check(started["thread"] > 5 and started["child"] > 5, f"the tickers run during the invocation: {started}")
        time.sleep(1.5)
        idle = self.invoke("hostile", {"tickers": "read"})
        say(f"ticks at the end of the invocation {started}, after 1.5 s idle {idle}")
        for kind in ("thread", "child"):
            check(idle[kind] - started[kind] < 30,
                  f"the {kind} ran while the environment was idle: {started[kind]} -> {idle[kind]}")
        # Thawed, they run again while an invocation is in flight.
        self.invoke("hostile", {"sleep": 0.3})
        later = self.invoke("hostile", {"tickers": "read"})
        check(later["thread"] > idle["thread"] and later["child"] > idle["child"], f"thawed: {idle} -> {later}")

    def step_no_network_mode(self):
        self.server.stop()
        self.server.extra_args += ["--function-network", "none"]
        self.server.start()
        out = self.invoke("hostile", {"connect": {"peer": [self.peer.address, self.peer_port]}})
        check(out["connect_peer"].startswith("refused:"), f"--function-network none: {out['connect_peer']}")
        check(out["listening"] == [9001, 9002], out["listening"])

    def step_cleanup(self):
        self.server.stop()
        self.cleanup()

    def cleanup(self):
        if self.peer:
            self.peer.close()
            self.peer = None

if __name__ == "__main__":
    holder = {}

    def make(portico, workdir):
        holder["t"] = FunctionIsolation(portico, workdir)
        return holder["t"]

    try:
        rc = run_steps(make, "Function isolation", __doc__)
    finally:
        if "t" in holder:
            holder["t"].cleanup()
    sys.exit(rc)
