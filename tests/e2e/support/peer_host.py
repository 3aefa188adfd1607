"""A "host on the internet" for tests of what functions reach: a network namespace of the test's
own, joined to this one by a veth pair on a /30 in 198.18.0.0/15 (the benchmarking range), since
functions' own namespaces reach outside addresses but never the host's loopback or its own
addresses. Needs root (ip netns, veth), as CI has; raises otherwise, never skips.

    peer = PeerHost()
    sock = peer.listen()          # a listening TCP socket *inside* the peer, at peer.address
    ...                           # serve on it from this process; functions connect to it
    peer.close()
"""
import ctypes
import os
import socket
import subprocess
import threading

CLONE_NEWNET = 0x40000000


def _run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed: {r.stderr.strip()}")


class PeerHost:
    def __init__(self):
        if os.geteuid() != 0:
            raise AssertionError("a peer host needs root (network namespaces and veth), as CI runs the tests")
        index = os.getpid() % 16000
        base = f"198.{18 + index // 16000}.{index // 64}.{(index % 64) * 4}"
        octets = base.split(".")
        self.host_side = ".".join(octets[:3] + [str(int(octets[3]) + 1)])  # the host's own address
        self.address = ".".join(octets[:3] + [str(int(octets[3]) + 2)])    # the peer's
        self.ns = f"portico-peer-{os.getpid()}"
        self.veth = f"pp{os.getpid() % 1000000}"
        _run("ip", "netns", "add", self.ns)
        try:
            _run("ip", "link", "add", self.veth + "a", "type", "veth", "peer", "name", self.veth + "b")
            _run("ip", "link", "set", self.veth + "b", "netns", self.ns)
            _run("ip", "addr", "add", self.host_side + "/30", "dev", self.veth + "a")
            _run("ip", "link", "set", self.veth + "a", "up")
            _run("ip", "netns", "exec", self.ns, "ip", "addr", "add", self.address + "/30", "dev", self.veth + "b")
            _run("ip", "netns", "exec", self.ns, "ip", "link", "set", self.veth + "b", "up")
            _run("ip", "netns", "exec", self.ns, "ip", "link", "set", "lo", "up")
        except Exception:
            self.close()
            raise

    def listen(self, port=0):
        """A TCP socket listening inside the peer at (self.address, port), made by a thread that
        enters the peer's namespace for the socket() call (a socket stays in the namespace it was
        made in, whoever uses it later)."""
        result = {}

        def make():
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(f"/var/run/netns/{self.ns}", os.O_RDONLY)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    result["error"] = f"setns: errno {ctypes.get_errno()}"
                    return
            finally:
                os.close(fd)
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((self.address, port))
            s.listen(64)
            result["sock"] = s

        t = threading.Thread(target=make)  # the thread ends in the peer's namespace: never reused
        t.start()
        t.join(10)
        if "sock" not in result:
            raise AssertionError(f"cannot listen in the peer: {result.get('error', 'timeout')}")
        return result["sock"]

    def close(self):
        subprocess.run(["ip", "link", "del", self.veth + "a"], capture_output=True, timeout=10)
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True, timeout=10)
