# Python handlers for the Lambda e2e test.
import importlib.util
import json
import os
import sys
import time
import urllib.request

count = 0


def handler(event, context):
    global count
    count += 1
    print("python handler saw", json.dumps(event))
    return {"count": count, "event": event, "greeting": os.environ.get("GREETING"),
            "function": context.function_name, "version": context.function_version,
            "memory": context.memory_limit_in_mb, "requestId": context.aws_request_id,
            "remaining": context.get_remaining_time_in_millis(), "cwd": os.getcwd(),
            "taskRoot": os.environ.get("LAMBDA_TASK_ROOT"), "path0": sys.path[0],
            # The system's packages (Debian's python3-boto3) are importable, as Lambda's runtime has boto3.
            "boto3": importlib.util.find_spec("boto3") is not None}


def tally(event, context):
    """Counts the invocations its environment served; sleeps when asked (to keep it busy)."""
    global count
    count += 1
    time.sleep(float(event.get("seconds", 0)))
    return {"count": count}


def fail(event, context):
    raise ValueError("bad input: " + json.dumps(event))


def sleepy(event, context):
    time.sleep(float(event.get("seconds", 3)))
    return {"slept": event.get("seconds", 3)}


def exit_later(event, context):
    """Answers, then its process exits while the environment is idle."""
    import threading
    global count
    count += 1
    threading.Timer(0.2, os._exit, args=(0,)).start()
    return {"count": count}


def crash(event, context):
    os._exit(3)


def snoop(event, context):
    """Tries to read Portico's data dir; the sandbox must not show it."""
    path = event["path"]
    caps = ""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                caps = line.split()[1]
    identity = {"uid": os.getuid(), "gid": os.getgid(), "capEff": caps}
    try:
        return dict(identity, visible=True, entries=os.listdir(path))
    except OSError as e:
        return dict(identity, visible=False, error=type(e).__name__)


def report(event, context):
    """POSTs the event to the test's recorder; fails while the recorder answers 500."""
    req = urllib.request.Request(event["url"], data=json.dumps(event).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        return {"status": r.status}
