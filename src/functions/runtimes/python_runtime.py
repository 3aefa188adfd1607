"""Portico Python bootstrap: speaks the Lambda Runtime API (2018-06-01).

Run as `python3 python_runtime.py` with cwd = the task root.  Start-up cost is
kept close to a bare interpreter: only built-in/extension modules are imported
up front (no http.client, json, re, logging, traceback); JSON goes through the
C accelerator `_json` directly, and `logging` is configured only if user code
imports it.
"""

import os
import sys
import time
import _socket

API_PREFIX = "/2018-06-01/runtime"
_THIS_FILE = __file__

# ---------------------------------------------------------------------------
# JSON (C accelerator used directly; falls back to the json package)
# ---------------------------------------------------------------------------


def _json_default(o):
    if type(o).__name__ == "Decimal":  # decimal.Decimal, without importing it
        return float(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _make_codec():
    try:
        import _json

        class _ScanCtx:
            strict = True
            object_hook = None
            object_pairs_hook = None
            parse_float = float
            parse_int = int
            parse_constant = {
                "-Infinity": float("-inf"),
                "Infinity": float("inf"),
                "NaN": float("nan"),
            }.__getitem__

        scan = _json.make_scanner(_ScanCtx())

        def loads(s):
            s = s.strip(" \t\n\r")
            try:
                obj, end = scan(s, 0)
            except StopIteration as e:
                raise ValueError(f"Expecting value: char {e.value}") from None
            if end != len(s):
                raise ValueError(f"Extra data: char {end}")
            return obj

        def dumps(obj):
            # markers must be fresh per call (circular-reference detection)
            return "".join(_json.make_encoder(
                {}, _json_default, _json.encode_basestring_ascii, None,
                ": ", ", ", False, False, True)(obj, 0))

        # self-check so an interpreter with a different _json ABI falls back
        if (loads(' {"a": [1, 2.5, "\\u00e9", null, true]} ') != {"a": [1, 2.5, "\u00e9", None, True]}
                or dumps({"a": [1, 2.5, "\u00e9", None]}) != '{"a": [1, 2.5, "\\u00e9", null]}'
                or dumps("x") != '"x"'):
            raise RuntimeError("unexpected _json behaviour")
        return loads, dumps
    except Exception:
        import json

        def dumps(obj):
            return json.dumps(obj, default=_json_default)

        return json.loads, dumps


json_loads, json_dumps = _make_codec()

# ---------------------------------------------------------------------------
# Minimal HTTP/1.1 client: one keep-alive connection, TCP_NODELAY, one send
# per request.
# ---------------------------------------------------------------------------


class RuntimeApiError(Exception):
    pass


def _trace_id_setter(environ):
    """How each invocation's _X_AMZN_TRACE_ID reaches os.environ. Set the usual way it would go
    through libc's setenv, which keeps every value it is ever given: a warm environment would
    grow by each invocation's trace header until its memory limit. So it is kept in os.environ's
    own mapping only (what Python code reads); the C-level variable is removed, so nothing
    below Python sees a stale one (a subprocess started with the default environment does not
    get it: pass env=os.environ to hand it on)."""
    data = getattr(environ, "_data", None)
    encode_key = getattr(environ, "encodekey", None)
    encode_value = getattr(environ, "encodevalue", None)
    if not isinstance(data, dict) or encode_key is None or encode_value is None:
        def set_plainly(value):  # not CPython's os.environ: the usual way
            if value is None:
                environ.pop("_X_AMZN_TRACE_ID", None)
            else:
                environ["_X_AMZN_TRACE_ID"] = value
        return set_plainly
    key = encode_key("_X_AMZN_TRACE_ID")
    try:
        os.unsetenv("_X_AMZN_TRACE_ID")
    except OSError:
        pass

    def set_trace_id(value):
        if value is None:
            data.pop(key, None)
        else:
            data[key] = encode_value(value)
    return set_trace_id


class RuntimeApiClient:
    def __init__(self, host_port):
        host, sep, port = host_port.rpartition(":")
        if not sep:
            host, port = host_port, "80"
        host = host.strip("[]") or "127.0.0.1"
        self.family = _socket.AF_INET6 if ":" in host else _socket.AF_INET
        self.addr = (host, int(port))
        self.host_header = host_port
        self.sock = None
        self.reused = False
        self.buf = b""

    def _connect(self):
        s = _socket.socket(self.family, _socket.SOCK_STREAM)
        try:
            s.connect(self.addr)
            s.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        except BaseException:
            s.close()
            raise
        self.sock = s
        self.reused = False
        self.buf = b""

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None

    def encode(self, method, path, body=None, headers=None):
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host_header}\r\n"
        if headers:
            for k, v in headers.items():
                head += f"{k}: {v}\r\n"
        if body is not None or method != "GET":
            head += f"Content-Length: {len(body) if body else 0}\r\n"
        data = (head + "\r\n").encode("latin-1")
        if body:
            data += body
        return data

    def request(self, method, path, body=None, headers=None, then=b""):
        """One request and its response. `then`: an encoded request sent in the same write
        (HTTP/1.1 pipelining), whose response the caller reads with read_response()."""
        data = self.encode(method, path, body, headers) + then
        for attempt in (0, 1):
            if self.sock is None:
                self._connect()
            reused = self.reused
            self.got_bytes = False
            try:
                self.sock.sendall(data)
                return self.read_response()
            except (OSError, RuntimeApiError):
                self.close()
                # a kept-alive connection the server closed while idle: retry once
                if attempt == 0 and reused and not self.got_bytes:
                    continue
                raise

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeApiError("connection closed by Runtime API")
        self.got_bytes = True
        self.buf += chunk

    def _readline(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = self.buf[:i]
                self.buf = self.buf[i + 2:]
                return line
            self._fill()

    def _read_exact(self, n):
        have = len(self.buf)
        if have >= n:
            data = self.buf[:n]
            self.buf = self.buf[n:]
            return data
        out = bytearray(n)  # large bodies: receive in place, no re-concatenation
        out[:have] = self.buf
        self.buf = b""
        view = memoryview(out)
        while have < n:
            got = self.sock.recv_into(view[have:])
            if not got:
                raise RuntimeApiError("connection closed by Runtime API")
            self.got_bytes = True
            have += got
        return bytes(out)

    def read_response(self):
        while True:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
            end = self.buf.index(b"\r\n\r\n")
            lines = self.buf[:end].decode("latin-1").split("\r\n")
            self.buf = self.buf[end + 4:]
            parts = lines[0].split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
                raise RuntimeApiError(f"bad status line: {lines[0]!r}")
            status = int(parts[1])
            if 100 <= status < 200:
                continue
            break
        headers = {}
        for line in lines[1:]:
            k, sep, v = line.partition(":")
            if sep:
                headers[k.strip().lower()] = v.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts = []
            while True:
                size = int(self._readline().split(b";", 1)[0], 16)
                if size == 0:
                    while self._readline():  # trailers
                        pass
                    break
                parts.append(self._read_exact(size))
                self._readline()
            body = b"".join(parts)
        elif "content-length" in headers:
            body = self._read_exact(int(headers["content-length"]))
        elif status in (204, 304):
            body = b""
        else:  # delimited by close
            try:
                while True:
                    self._fill()
            except RuntimeApiError:
                pass
            body, self.buf = self.buf, b""
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        else:
            self.reused = True
        return status, headers, body

    def post(self, path, body, headers=None, then=b""):
        """POSTs to the Runtime API; `then` as in request(). True when `then` went out on a
        connection that stays open (its response is to be read)."""
        h = {"Content-Type": "application/json"}
        if headers:
            h.update(headers)
        status, _, resp = self.request("POST", API_PREFIX + path, body, h, then)
        if status >= 300:
            sys.stderr.write(f"portico runtime: POST {path} -> HTTP {status}: {resp[:500]!r}\n")
        return bool(then) and self.sock is not None


# ---------------------------------------------------------------------------
# Context
# ---------------------------------------------------------------------------


class Client:
    def __init__(self, d):
        d = d if isinstance(d, dict) else {}
        self.installation_id = d.get("installation_id")
        self.app_title = d.get("app_title")
        self.app_version_name = d.get("app_version_name")
        self.app_version_code = d.get("app_version_code")
        self.app_package_name = d.get("app_package_name")


class ClientContext:
    def __init__(self, d):
        self.client = Client(d.get("client")) if d.get("client") is not None else None
        self.custom = d.get("custom")
        self.env = d.get("env")


class CognitoIdentity:
    def __init__(self, d):
        d = d if isinstance(d, dict) else {}
        self.cognito_identity_id = d.get("cognitoIdentityId", d.get("cognito_identity_id"))
        self.cognito_identity_pool_id = d.get("cognitoIdentityPoolId", d.get("cognito_identity_pool_id"))


def _header_json(value):
    if not value:
        return None
    try:
        return json_loads(value)
    except Exception:
        return None


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, client_context, identity):
        env = os.environ
        self.aws_request_id = request_id
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = arn
        # A string, as AWS's runtime has it (the variable's value, None when unset).
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        cc = _header_json(client_context)
        self.client_context = ClientContext(cc) if isinstance(cc, dict) else None
        self.identity = CognitoIdentity(_header_json(identity))
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))

    def __repr__(self):
        return (f"LambdaContext([aws_request_id={self.aws_request_id},"
                f"function_name={self.function_name},"
                f"function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn}])")


# ---------------------------------------------------------------------------
# Logging: configured lazily, when (and if) user code imports `logging`.
# Root logger format: [LEVEL]\t<ISO time>Z\t<requestId>\t<message>
# ---------------------------------------------------------------------------

_request_id = ""
_logging_configured = False


def _configure_logging(logging):
    global _logging_configured
    if _logging_configured:
        return
    _logging_configured = True

    class _RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id
            return True

    class _LambdaHandler(logging.Handler):
        def emit(self, record):
            try:
                msg = self.format(record).replace("\n", "\r")
                out = sys.stdout
                out.write(msg + "\n")
                out.flush()
            except Exception:
                self.handleError(record)

    fmt = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S")
    fmt.converter = time.gmtime
    handler = _LambdaHandler()
    handler.setFormatter(fmt)
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


class _AfterImportHook:
    """Meta-path finder: runs `after(module)` right after `name` is first imported, so the
    runtime can adjust a module the user's code imports (and only if it does)."""

    def __init__(self, name, after):
        self.name, self.after = name, after

    def find_spec(self, name, path=None, target=None):
        if name != self.name:
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        spec = None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if find is not None:
                spec = find(name, path, target)
                if spec is not None:
                    break
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        orig, after = spec.loader.exec_module, self.after

        def exec_module(module):
            orig(module)
            after(module)

        spec.loader.exec_module = exec_module
        return spec


# `logging`: the root logger configured right after it is first imported, so a user's
# logging.basicConfig() is a no-op as on AWS.
# `botocore.session`: a botocore that predates them (Debian 12's 1.29) taught the SDKs' endpoint
# variables AWS_ENDPOINT_URL_<SERVICE_ID> and AWS_ENDPOINT_URL, which Portico sets so that an
# unmodified boto3 reaches Portico's own APIs and the configured AWS endpoints (a botocore that
# knows them, 1.31 and later, is left alone).


def _teach_endpoint_variables(session_module):
    provider = sys.modules.get("botocore.configprovider")
    known = getattr(provider, "BOTOCORE_DEFAUT_SESSION_VARIABLES", None)
    if known is None or "endpoint_url" in known:
        return
    session_class = getattr(session_module, "Session", None)
    create = getattr(session_class, "create_client", None)
    if create is None:
        return

    def create_client(self, service_name, *args, **kwargs):
        if len(args) < 5 and kwargs.get("endpoint_url") is None:
            url = None
            try:
                model = self.get_service_model(service_name, kwargs.get("api_version"))
                sid = model.service_id.hyphenize().upper().replace("-", "_")
                url = os.environ.get("AWS_ENDPOINT_URL_" + sid)
            except Exception:
                pass
            url = url or os.environ.get("AWS_ENDPOINT_URL")
            if url:
                kwargs["endpoint_url"] = url
        return create(self, service_name, *args, **kwargs)

    session_class.create_client = create_client


def _ensure_logging():
    if not _logging_configured:
        mod = sys.modules.get("logging")
        if mod is not None and hasattr(mod, "Handler"):
            _configure_logging(mod)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def _stack_trace(exc):
    """stackTrace as AWS's Python runtime gives it: one '  File "f", line N, in name\n    source\n'
    string per frame from the first frame that is not the runtime's own. The frames are formatted
    from (file, line, name, source) tuples, which carry no column positions: no ^^^^ lines (Python
    3.11+ adds them when it formats its FrameSummary objects). One difference is left: for an
    exception raised while the handler's module is imported, AWS's also lists importlib's frames
    (it imports with importlib.import_module; importing importlib costs ~2 ms of a cold start)."""
    import traceback
    frames = traceback.extract_tb(exc.__traceback__)
    first = 0
    while first < len(frames) and frames[first].filename == _THIS_FILE:
        first += 1
    return traceback.format_list([(f.filename, f.lineno, f.name, f.line) for f in frames[first:]])


def _syntax_error_trace(e):
    """A syntax error's one stackTrace entry, as AWS's runtime words it (no comma, 'Line')."""
    return ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]


def _error_body(exc, request_id, error_type=None, message=None):
    try:
        stack = _stack_trace(exc)
    except Exception:
        stack = []
    return {
        "errorMessage": str(exc) if message is None else message,
        "errorType": error_type or type(exc).__name__,
        "requestId": request_id,
        "stackTrace": stack,
    }


def _log_error(body):
    lines = [f"[ERROR] {body['errorType']}: {body['errorMessage']}"]
    if body["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in body["stackTrace"])
    try:
        sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")
        sys.stdout.flush()
    except Exception:
        pass


def _encode_error(body):
    try:
        return json_dumps(body).encode("utf-8")
    except Exception:
        return json_dumps({"errorMessage": repr(body.get("errorMessage")),
                           "errorType": str(body.get("errorType")),
                           "requestId": body.get("requestId", ""),
                           "stackTrace": []}).encode("utf-8")


# ---------------------------------------------------------------------------
# Init + loop
# ---------------------------------------------------------------------------


class _InitError(Exception):
    """A failed init the runtime words itself; `trace` is its stackTrace (AWS's runtime gives none
    for a missing module or handler, one entry for a syntax error)."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.trace = trace or []


def _load_handler(spec):
    try:
        modname, fname = spec.rsplit(".", 1)
        if not modname or not fname:
            raise ValueError
    except ValueError:
        raise _InitError("Runtime.MalformedHandlerName", f"Bad handler '{spec}': expected module.function") from None
    modname = modname.replace("/", ".")
    try:
        __import__(modname)
        module = sys.modules[modname]
    except ImportError as e:
        raise _InitError("Runtime.ImportModuleError", f"Unable to import module '{modname}': {e}") from None
    except SyntaxError as e:
        raise _InitError("Runtime.UserCodeSyntaxError", f"Syntax error in module '{modname}': {e}",
                         _syntax_error_trace(e)) from None
    fn = getattr(module, fname, None)
    if fn is None:
        raise _InitError("Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'")
    if not callable(fn):
        raise _InitError("Runtime.HandlerNotFound", f"Handler '{fname}' on module '{modname}' is not callable")
    return fn


def _set_up_stdio():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except Exception:
            pass


def main():
    global _request_id
    env = os.environ
    set_trace_id = _trace_id_setter(env)
    _set_up_stdio()
    api = RuntimeApiClient(env.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))

    task_root = env.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # sys.path[0] is this script's directory: replace it with the task root so
    # the runtime's own directory is not importable by user code.
    script_dir = os.path.dirname(os.path.realpath(_THIS_FILE))
    if sys.path and sys.path[0] and os.path.realpath(sys.path[0]) == script_dir:
        sys.path[0] = task_root
    else:
        sys.path.insert(0, task_root)

    if "logging" in sys.modules:
        _ensure_logging()
    else:
        sys.meta_path.insert(0, _AfterImportHook("logging", _configure_logging))
    if "AWS_ENDPOINT_URL" in env or any(k.startswith("AWS_ENDPOINT_URL_") for k in env):
        sys.meta_path.insert(0, _AfterImportHook("botocore.session", _teach_endpoint_variables))

    try:
        handler = _load_handler(env.get("_HANDLER", ""))
    except Exception as e:
        if isinstance(e, _InitError):
            body = {"errorMessage": str(e), "errorType": e.error_type, "requestId": "", "stackTrace": e.trace}
        else:
            body = _error_body(e, "")
        _log_error(body)
        try:
            api.post("/init/error", _encode_error(body),
                     {"Lambda-Runtime-Function-Error-Type": body["errorType"]})
        except Exception as post_err:
            sys.stderr.write(f"portico runtime: could not report init error: {post_err}\n")
        sys.stdout.flush()
        sys.exit(1)

    next_path = API_PREFIX + "/invocation/next"
    # Each result goes out together with the next GET /next (pipelined), so the request for the
    # next event is already waiting at the Runtime API when that event comes.
    next_request = api.encode("GET", next_path)
    next_sent = False
    while True:
        try:
            status = None
            if next_sent:
                api.got_bytes = bool(api.buf)  # its answer may have begun with the 202's
                try:
                    status, headers, body = api.read_response()
                except (OSError, RuntimeApiError):
                    api.close()
                    if api.got_bytes:
                        raise
                    # Lost with its connection before any answer: asked again on a fresh one.
            if status is None:
                status, headers, body = api.request("GET", next_path)
        except Exception as e:
            sys.stderr.write(f"portico runtime: GET /invocation/next failed: {e}\n")
            sys.exit(1)
        if status != 200:
            sys.stderr.write(f"portico runtime: GET /invocation/next -> HTTP {status}\n")
            sys.exit(1)

        request_id = headers.get("lambda-runtime-aws-request-id", "")
        _request_id = request_id
        set_trace_id(headers.get("lambda-runtime-trace-id"))
        try:
            deadline = int(headers.get("lambda-runtime-deadline-ms", ""))
        except ValueError:
            deadline = int(time.time() * 1000) + 3000
        _ensure_logging()

        error = None
        try:
            event = json_loads(body.decode("utf-8"))
        except Exception as e:
            error = _error_body(e, request_id, "Runtime.UnmarshalError", f"Unable to unmarshal input: {e}")
            error["stackTrace"] = []  # the runtime's own fault: AWS's gives no frames
        if error is None:
            context = LambdaContext(
                request_id, deadline,
                headers.get("lambda-runtime-invoked-function-arn"),
                headers.get("lambda-runtime-client-context"),
                headers.get("lambda-runtime-cognito-identity"))
            try:
                result = handler(event, context)
            except Exception as e:
                error = _error_body(e, request_id)
        if error is None:
            try:
                payload = json_dumps(result).encode("utf-8")
            except Exception as e:
                error = _error_body(e, request_id, "Runtime.MarshalError",
                                    f"Unable to marshal response: {e}")
                error["stackTrace"] = []
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass

        if error is not None:
            _log_error(error)
        _request_id = ""  # its 202 comes with the next event: logs until then are nobody's
        try:
            if error is None:
                next_sent = api.post(f"/invocation/{request_id}/response", payload, then=next_request)
            else:
                next_sent = api.post(f"/invocation/{request_id}/error", _encode_error(error),
                                     {"Lambda-Runtime-Function-Error-Type": error["errorType"]}, then=next_request)
        except Exception as e:
            sys.stderr.write(f"portico runtime: lost Runtime API connection: {e}\n")
            sys.exit(1)


if __name__ == "__main__":
    main()
