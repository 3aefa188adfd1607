#!/usr/bin/python3 -S
# A `provided` bootstrap that answers one event, then gives up on its connection's parked
# GET /next and asks again on a new connection: the next event must come on the new one.
import os
import socket
import time

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"


def connect():
    return socket.create_connection((host, int(port)))


def read_answer(s):
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in head.decode().split("\r\n")[1:])}
    while len(body) < int(headers.get("content-length", "0")):
        body += s.recv(65536)
    return headers, body


def respond(s, request_id, out):
    s.sendall(b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
              % (request_id.encode(), len(out), out))
    read_answer(s)


first = connect()
first.sendall(NEXT)
headers, _ = read_answer(first)
respond(first, headers["lambda-runtime-aws-request-id"], b'{"served_on": "first"}')
first.sendall(NEXT)  # parked, then given up on: never read again
time.sleep(0.3)
second = connect()
second.sendall(NEXT)
headers, _ = read_answer(second)
respond(second, headers["lambda-runtime-aws-request-id"], b'{"served_on": "second"}')
time.sleep(30)
