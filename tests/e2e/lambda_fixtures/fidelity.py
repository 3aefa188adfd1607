# Python handlers for lambda_fidelity_e2e_test.py.
import os
import sys
import time

count = 0  # a global: starts again at 0 when the runtime is restarted


def keeper(event, context):
    """Counts its runtime's invocations; reports what /tmp/x held and then writes it (when asked);
    sleeps when asked (past the timeout, to make one)."""
    global count
    count += 1
    try:
        with open("/tmp/x") as f:
            seen = f.read()
    except FileNotFoundError:
        seen = None
    if "write" in event:
        with open("/tmp/x", "w") as f:
            f.write(event["write"])
    time.sleep(float(event.get("sleep", 0)))
    tmp = os.statvfs("/tmp")
    return {"count": count, "seen": seen, "memory": context.memory_limit_in_mb, "tmpBytes": tmp.f_blocks * tmp.f_frsize,
            "stream": context.log_stream_name, "streamVar": os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")}


def frames(event, context):
    return event["outer"]["inner"] + 1


def exit_zero(event, context):
    sys.exit(0)


def exit_one(event, context):
    sys.exit(1)


def recorder(event, context):
    """Prints the event it got (a destination's invocation record) as one JSON line."""
    import json
    print("RECORD " + json.dumps(event, sort_keys=True))
    return {"recorded": True}
