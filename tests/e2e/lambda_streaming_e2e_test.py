#!/usr/bin/env python3
"""End-to-end test of Lambda response streaming (issue 21): the real portico binary; a Node
function written with awslambda.streamifyResponse; InvokeWithResponseStream called as the newer
SDKs call it (SigV4 for lambda) and its event stream read with botocore's own parser as it
arrives.

    /usr/bin/python3 tests/e2e/lambda_streaming_e2e_test.py --portico build/asan-ubsan/portico

- A streamed response arrives in chunks before the function returns: the first PayloadChunk comes
  a second before the second one (the function waits between them), then InvokeComplete with its
  LogResult.
- A function that fails after streaming part of its answer: the part, then InvokeComplete with
  ErrorCode / ErrorDetails (the runtime's trailers).
- A stream that stalls ends at the function's timeout (Sandbox.Timedout), in bounded time.
- A buffered function called with InvokeWithResponseStream: its payload as one PayloadChunk.
- The plain Invoke of a streaming function gathers the stream into its payload.
- A function URL with InvokeMode RESPONSE_STREAM: the status, headers and cookies of the
  function's HttpResponseStream prelude, then its body chunked as it is written (the first part a
  second before the second).

Steps run in order; the first failure stops the run and prints the server log. Exit code 0 =
every step passed.
"""
import base64
import http.client
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support.portico import (E2EFailure, PorticoServer, check, lambda_client, run_steps,  # noqa: E402
                            sigv4_headers, signed_management, zip_bytes)

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

STREAMING = b'''
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  if (event.rawPath === "/http") {  // a function URL with InvokeMode RESPONSE_STREAM
    responseStream = awslambda.HttpResponseStream.from(responseStream, {
      statusCode: 201, headers: { "content-type": "text/plain", "x-streamed": "yes" }, cookies: ["s=1"] });
    responseStream.write("one\\n");
    await sleep(1200);
    responseStream.write("two\\n");
    responseStream.end();
    return;
  }
  if (event.mode === "stall") {
    responseStream.write("a");
    await sleep(60000);
  }
  responseStream.setContentType("text/plain");
  responseStream.write("first\\n");
  await sleep(1500);
  if (event.mode === "fail") throw new Error("boom after a part");
  responseStream.write("second\\n");
  responseStream.end();
});
'''

BUFFERED = b'''
exports.handler = async (event) => ({ buffered: true, got: event });
'''


class StreamingE2E:
    def __init__(self, portico, workdir):
        self.workdir = workdir
        self.server = PorticoServer(portico, workdir, ["--threads", "2", "--drain-seconds", "1"])

    def stream_invoke(self, name, payload, tail=True):
        """InvokeWithResponseStream: [(seconds since the request, event type, payload bytes)], headers."""
        from botocore.eventstream import EventStreamBuffer
        path = f"/2021-11-15/functions/{name}/response-streaming-invocations"
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if tail:
            headers["X-Amz-Log-Type"] = "Tail"
        signed = sigv4_headers(self.server.admin_url + path, "POST", body, headers=headers)
        host = urllib.parse.urlparse(self.server.admin_url)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        t0 = time.monotonic()
        conn.request("POST", path, body=body, headers=signed)
        resp = conn.getresponse()
        if resp.status != 200:  # (the body is read only then: it is the stream otherwise)
            raise E2EFailure(f"status {resp.status}: {resp.read()[:500]!r}")
        parser = EventStreamBuffer()
        events = []
        while True:
            data = resp.read1(65536)
            if not data:
                break
            parser.add_data(data)
            for message in parser:
                h = message.headers
                events.append((time.monotonic() - t0, h.get(":event-type"), message.payload))
        conn.close()
        return events, dict(resp.getheaders())

    # -- steps
    def step_start_and_create(self):
        self.server.start()
        self.lam = lambda_client(self.server)
        self.lam.create_function(FunctionName="streamer", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                                 Code={"ZipFile": zip_bytes({"index.js": STREAMING})}, Timeout=5)
        self.lam.create_function(FunctionName="buffered", Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
                                 Code={"ZipFile": zip_bytes({"index.js": BUFFERED})})

    def step_chunks_arrive_before_the_function_returns(self):
        events, headers = self.stream_invoke("streamer", {})
        check(headers.get("Content-Type") == "application/vnd.amazon.eventstream"
              and headers.get("X-Amz-Executed-Version") == "$LATEST", headers)
        chunks = [(t, p) for t, kind, p in events if kind == "PayloadChunk"]
        check(b"".join(p for _, p in chunks) == b"first\nsecond\n", events)
        first = next(t for t, p in chunks if b"first" in p)
        second = next(t for t, p in chunks if b"second" in p)
        check(second - first >= 1.0, f"the first chunk came before the function went on: {first:.2f} / {second:.2f}")
        complete = [p for _, kind, p in events if kind == "InvokeComplete"]
        check(len(complete) == 1 and events[-1][1] == "InvokeComplete", events)
        done = json.loads(complete[0])
        check("ErrorCode" not in done and "REPORT RequestId" in base64.b64decode(done["LogResult"]).decode(), done)

    def step_failure_after_a_part(self):
        events, _ = self.stream_invoke("streamer", {"mode": "fail"})
        check(b"".join(p for _, k, p in events if k == "PayloadChunk") == b"first\n", events)
        done = json.loads(events[-1][2])
        check(events[-1][1] == "InvokeComplete" and done.get("ErrorCode") == "Error"
              and "boom after a part" in done.get("ErrorDetails", ""), done)

    def step_a_stall_ends_at_the_timeout(self):
        t0 = time.monotonic()
        events, _ = self.stream_invoke("streamer", {"mode": "stall"}, tail=False)
        took = time.monotonic() - t0
        check(took < 20, f"bounded by the timeout: {took:.1f} s")
        check(b"".join(p for _, k, p in events if k == "PayloadChunk") == b"a", events)
        done = json.loads(events[-1][2])
        check(done.get("ErrorCode") == "Sandbox.Timedout", done)

    def step_buffered_function_and_plain_invoke(self):
        events, headers = self.stream_invoke("buffered", {"x": 1})
        check([k for _, k, _ in events] == ["PayloadChunk", "InvokeComplete"], events)
        check(json.loads(events[0][2]) == {"buffered": True, "got": {"x": 1}}, events)
        check(headers.get("X-Amz-Executed-Version") == "$LATEST", headers)
        r = self.lam.invoke(FunctionName="streamer", Payload=b"{}")
        check(r["Payload"].read() == b"first\nsecond\n" and "FunctionError" not in r, r)
        try:
            self.stream_invoke("nothing-here", {})
            raise E2EFailure("a missing function must fail")
        except E2EFailure as e:
            check("status 404" in str(e), str(e))


    def step_function_url_streams(self):
        # InvokeMode is newer than Debian's botocore model: sent as the newer SDKs send it.
        status, config = signed_management(self.server, "POST", "/2021-10-31/functions/streamer/url",
                                           {"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM"})
        check(status == 201 and config["InvokeMode"] == "RESPONSE_STREAM", config)
        url = urllib.parse.urlparse(config["FunctionUrl"])
        data = urllib.parse.urlparse(self.server.data_url)
        conn = http.client.HTTPConnection(data.hostname, data.port, timeout=30)
        t0 = time.monotonic()
        conn.request("GET", "/http", headers={"Host": url.netloc})
        resp = conn.getresponse()
        check(resp.status == 201 and resp.getheader("x-streamed") == "yes" and resp.getheader("set-cookie") == "s=1"
              and resp.getheader("content-type") == "text/plain"
              and resp.getheader("transfer-encoding") == "chunked", resp.getheaders())
        arrivals = []
        while True:
            piece = resp.read1(65536)
            if not piece:
                break
            arrivals.append((time.monotonic() - t0, piece))
        conn.close()
        check(b"".join(p for _, p in arrivals) == b"one\ntwo\n", arrivals)
        one = next(t for t, p in arrivals if b"one" in p)
        two = next(t for t, p in arrivals if b"two" in p)
        check(two - one >= 0.8, f"the first part came before the function went on: {arrivals}")


def main():
    return run_steps(StreamingE2E, "LAMBDA STREAMING", __doc__)


if __name__ == "__main__":
    sys.exit(main())
