"""A stand-in for query-protocol AWS services (SQS, SNS, STS) for the e2e tests. Standard library only.

It checks every request's AWS Signature Version 4 with its own implementation of AWS's algorithm
(https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) against the keys it is
given, records what arrived, and answers as the services do for API Gateway (JSON, or XML when the
request asks for application/xml):
  * POST /{account}/{queue} with Action=SendMessage (form body)   -> SendMessageResponse
  * Action=Publish (query or form)                               -> PublishResponse
  * Action=GetCallerIdentity                                     -> GetCallerIdentityResponse (the signer's key)
  * /slow  waits `slow_seconds` first;  /huge (and /huge/...)  answers `huge_bytes` bytes
A bad signature gets 403 SignatureDoesNotMatch in AWS's error shape; Version must be sent.
"""
import hashlib
import hmac
import http.server
import json
import socketserver
import threading
import time
import urllib.parse
import uuid


def _enc(s):
    return urllib.parse.quote(s, safe="-_.~")


def canonical_query(query):
    pairs = [(_enc(urllib.parse.unquote(k)), _enc(urllib.parse.unquote(v)))
             for k, _, v in (item.partition("=") for item in query.split("&") if item)]
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_path(path):
    segments = [s for s in path.split("/") if s not in ("", ".")]
    out = "/" + "/".join(_enc(s) for s in segments)
    return out + ("/" if segments and path.endswith("/") else "")


def verify(method, target, headers, body, secrets):
    """(access key, "") when the Authorization header's signature is right, else (None, why)."""
    auth = headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return None, "no AWS4-HMAC-SHA256 Authorization header"
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key_id, date, region, service, term = parts["Credential"].split("/")
    if key_id not in secrets:
        return None, f"unknown access key {key_id}"
    signed = parts["SignedHeaders"].split(";")
    for required in ("host", "x-amz-date"):
        if required not in signed:
            return None, f"{required} is not signed"
    if "x-amz-security-token" in headers and "x-amz-security-token" not in signed:
        return None, "the session token is not signed"
    path, _, query = target.partition("?")
    canonical = "\n".join([method, canonical_path(path), canonical_query(query),
                           "".join(f"{h}:{' '.join(headers.get(h, '').split())}\n" for h in signed),
                           ";".join(signed), hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{region}/{service}/{term}"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", headers["x-amz-date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secrets[key_id]).encode()
    for piece in (date, region, service, term):
        key = hmac.new(key, piece.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts["Signature"]):
        return None, "signature mismatch; canonical request was:\n" + canonical
    return key_id, ""


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # a client that stops reading (a bounded one)
            self.close_connection = True

    def _stream(self, status, size, content_type):
        """`size` bytes of 'x' in 1 MB writes, stopping when the client stops reading."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk, sent = b"x" * (1 << 20), 0
        try:
            while sent < size:
                n = min(len(chunk), size - sent)
                self.wfile.write(chunk[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _handle(self):
        capture = self.server.capture
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        path, _, query = self.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params.update(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        signer, why = verify(self.command, self.path, headers, body, capture.secrets)
        record = {"method": self.command, "path": path, "query": query, "headers": headers,
                  "body": body.decode(errors="replace"), "params": params, "signer": signer, "why": why}
        with capture.lock:
            capture.requests.append(record)
        if signer is None:
            return self._reply(403, json.dumps({"Error": {"Code": "SignatureDoesNotMatch", "Message": why,
                                                          "Type": "Sender"}, "RequestId": str(uuid.uuid4())}))
        if path == "/slow":
            time.sleep(capture.slow_seconds)
        if path == "/huge" or path.startswith("/huge/"):  # (an S3 GET of bucket "huge" too)
            return self._stream(200, capture.huge_bytes, "application/octet-stream")
        action = params.get("Action", "")
        if "Version" not in params:
            return self._reply(400, json.dumps({"Error": {"Code": "MissingParameter",
                                                          "Message": "The request must contain the parameter Version."}}))
        rid = str(uuid.uuid4())
        if action == "SendMessage":
            message = params.get("MessageBody", "")
            result = {"MD5OfMessageBody": hashlib.md5(message.encode()).hexdigest(), "MessageId": str(uuid.uuid4())}
        elif action == "Publish":
            result = {"MessageId": str(uuid.uuid4())}
        elif action == "GetCallerIdentity":
            result = {"Account": "000000000000", "Arn": f"arn:aws:iam::000000000000:user/{signer}", "UserId": signer}
        else:
            return self._reply(400, json.dumps({"Error": {"Code": "InvalidAction", "Message": action}}))
        if "application/xml" in headers.get("accept", ""):
            inner = "".join(f"<{k}>{v}</{k}>" for k, v in result.items())
            xml = (f"<{action}Response><{action}Result>{inner}</{action}Result>"
                   f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{action}Response>")
            return self._reply(200, xml, "text/xml")
        return self._reply(200, json.dumps({f"{action}Response": {f"{action}Result": result,
                                                                  "ResponseMetadata": {"RequestId": rid}}}))

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class AwsCapture:
    """The capture server on 127.0.0.1 (a free port), in a background thread."""

    def __init__(self, secrets, slow_seconds=3.0, huge_bytes=50 * 1024 * 1024):
        self.secrets = dict(secrets)
        self.slow_seconds, self.huge_bytes = slow_seconds, huge_bytes
        self.requests, self.lock = [], threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.capture = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def last(self):
        with self.lock:
            return self.requests[-1] if self.requests else None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
