"""A hostile function: everything it tries is something the sandbox must refuse (or, for outbound
traffic, allow). It reports what happened; the test decides. With {"tickers": "start"} it leaves
background work running (a thread and a child process counting) and {"tickers": "read"} reports the
counts, for the freezer test."""
import ctypes
import errno
import os
import resource
import socket
import subprocess
import threading
import time


def try_connect(host, port, timeout=2.0):
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
            return "connected:" + s.recv(64).decode("latin-1", "replace")
    except OSError as e:
        return "refused:" + (errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__)


def listening_ports():
    ports = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                for line in f.readlines()[1:]:
                    parts = line.split()
                    if parts[3] == "0A":
                        ports.append(int(parts[1].split(":")[1], 16))
        except OSError:
            pass
    return sorted(ports)


def libc_call(name, *args):
    libc = ctypes.CDLL(None, use_errno=True)
    rc = getattr(libc, name)(*args)
    return "ok" if rc == 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def thread_limit(cap):
    stop = threading.Event()
    started = []
    threading.stack_size(64 * 1024)
    try:
        for _ in range(cap):
            t = threading.Thread(target=stop.wait, daemon=True)
            t.start()
            started.append(t)
    except RuntimeError:
        pass
    finally:
        stop.set()
    for t in started:
        t.join(5)
    return len(started)


TICKS = {"thread": 0}


def tick_forever():
    while True:
        TICKS["thread"] += 1
        time.sleep(0.01)


def start_tickers():
    """Background work that outlives the invocation: a thread, and a child process appending to a file."""
    threading.Thread(target=tick_forever, daemon=True).start()
    subprocess.Popen(["/bin/sh", "-c", "while :; do echo x >> /tmp/ticks; sleep 0.01; done"])


def ticks():
    try:
        with open("/tmp/ticks") as f:
            child = len(f.read().splitlines())
    except OSError:
        child = 0
    return {"thread": TICKS["thread"], "child": child}


def handler(event, context):
    if event.get("tickers") == "start":
        start_tickers()
        time.sleep(0.3)
        return ticks()
    if event.get("tickers") == "read":
        return ticks()
    if "sleep" in event:
        time.sleep(event["sleep"])
        return {}
    out = {}
    for key, (host, port) in event.get("connect", {}).items():
        out["connect_" + key] = try_connect(host, port)
    out["listening"] = listening_ports()
    out["nofile"] = list(resource.getrlimit(resource.RLIMIT_NOFILE))
    CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
    out["unshare_user"] = libc_call("unshare", CLONE_NEWUSER)
    out["unshare_net"] = libc_call("unshare", CLONE_NEWNET)
    out["mount"] = libc_call("mount", b"none", b"/tmp", b"tmpfs", 0, None)
    out["ptrace"] = libc_call("ptrace", 0, 0, None, None)  # PTRACE_TRACEME
    out["keyctl"] = libc_call("syscall", 250, 0, 0, 0)  # keyctl(KEYCTL_GET_KEYRING_ID)
    with open("/proc/1/environ", "rb") as f:
        out["pid1_environ"] = f.read().decode("latin-1")
    with open("/proc/self/mountinfo") as f:
        out["mountinfo"] = f.read()
    with open("/proc/1/cmdline", "rb") as f:
        out["pid1_cmdline"] = f.read().decode("latin-1")
    out["threads"] = thread_limit(event.get("threads", 0)) if event.get("threads") else None
    fds = {}
    for x in os.listdir("/proc/self/fd"):
        try:
            fds[x] = os.readlink("/proc/self/fd/" + x)
        except OSError:
            pass
    out["fds"] = fds
    names = {}
    for x, target in fds.items():
        if target.startswith("socket:"):
            try:
                s = socket.socket(fileno=int(x))
                try:
                    peer = list(s.getpeername())
                except OSError:
                    peer = None
                names[x] = {"local": list(s.getsockname()), "peer": peer}
                s.detach()
            except OSError as e:
                names[x] = str(e)
    out["socket_names"] = names
    out["runtime_api"] = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    return out
