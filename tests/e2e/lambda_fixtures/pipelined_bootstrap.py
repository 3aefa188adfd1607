#!/usr/bin/python3 -S
# A `provided` bootstrap that sends each result and its next GET /next in one write (HTTP/1.1
# pipelining), then watches what comes back before the next event: each answer says whether the
# previous result's 202 arrived on its own (false: it came together with this event).
import os
import select
import socket

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"
s = socket.create_connection((host, int(port)))
buf = b""


def read_answer():
    global buf
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, _, buf = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    size = int(headers.get("content-length", "0"))
    while len(buf) < size:
        buf += s.recv(65536)
    body, buf = buf[:size], buf[size:]
    return int(lines[0].split(" ")[1]), headers, body


s.sendall(NEXT)
status, headers, _ = read_answer()
if os.environ.get("PARTIAL"):
    # Sends the first line of its next request with each result and the rest only once the
    # result's 202 has come: the 202 must not wait for a request that is not whole yet.
    first, rest = NEXT.split(b"\r\n", 1)
    while True:
        out = b'{"partial": true}'
        s.sendall(b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
                  % (headers["lambda-runtime-aws-request-id"].encode(), len(out), out) + first + b"\r\n")
        ack_status, _, _ = read_answer()
        if ack_status != 202:
            raise SystemExit(f"expected 202, got {ack_status}")
        s.sendall(rest)
        status, headers, _ = read_answer()
alone = None
while True:
    out = b'{"ack_alone": %s}' % (b"null" if alone is None else b"true" if alone else b"false")
    s.sendall(b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
              % (headers["lambda-runtime-aws-request-id"].encode(), len(out), out) + NEXT)
    # Whatever arrives first: the 202 alone, or the 202 and the next event together.
    select.select([s], [], [])
    buf += s.recv(65536)
    ack_status, _, _ = read_answer()
    alone = not buf
    if ack_status != 202:
        raise SystemExit(f"expected 202, got {ack_status}")
    status, headers, _ = read_answer()
