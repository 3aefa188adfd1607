// Portico Node.js bootstrap: speaks the Lambda Runtime API (2018-06-01) to the
// Portico parent process.  Run as `node node_runtime.mjs` with cwd = task root.
//
// Uses one keep-alive TCP connection with TCP_NODELAY and writes each request
// (head + body) in a single write.  Only built-in modules are used.

import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { format } from 'node:util';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const API_PREFIX = '/2018-06-01/runtime';
const EXIT_FATAL = 129;

// ---------------------------------------------------------------------------
// Minimal HTTP/1.1 client over a single persistent connection.
// ---------------------------------------------------------------------------

class HttpError extends Error {}

class RuntimeApiClient {
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    this.host = i > 0 ? hostPort.slice(0, i).replace(/^\[|\]$/g, '') : hostPort;
    this.port = i > 0 ? Number(hostPort.slice(i + 1)) : 80;
    this.hostHeader = hostPort;
    this.sock = null;
    this.used = false;      // has the current socket completed a request?
    this.pending = null;    // { resolve, reject, got }
    this.buf = null;        // unparsed bytes
    this.res = null;        // response being parsed
    this.wantRef = true;
    this.tail = Promise.resolve();
    this.queued = null;     // the pipelined request's { resolve, reject, got }, after pending
    this.nextPromise = null; // its response, for takeNext()
  }

  setRef(on) {
    this.wantRef = on;
    if (this.sock) on ? this.sock.ref() : this.sock.unref();
  }

  _connect() {
    const sock = net.connect({ host: this.host, port: this.port });
    sock.setNoDelay(true);
    if (!this.wantRef) sock.unref();
    this.sock = sock;
    this.used = false;
    this.buf = null;
    this.res = null;
    sock.on('data', (chunk) => this._onData(sock, chunk));
    const fail = (err) => {
      if (this.sock !== sock) return;
      this.sock = null;
      const p = this.pending;
      const q = this.queued;
      this.queued = null;
      if (p) {
        this.pending = null;
        const e = err || new HttpError('connection closed by Runtime API');
        e.got = p.got;
        p.reject(e, p.got);
      }
      if (q && this.queued === null) {
        const e = err || new HttpError('connection closed by Runtime API');
        e.got = q.got;
        q.reject(e);
      }
    };
    sock.on('error', fail);
    sock.on('close', () => fail(null));
  }

  // Returns { status, headers (lower-case names), body: Buffer }.  Requests
  // are serialized: one in flight at a time on the single connection.
  // `then`: bytes of a further request sent in the same write (HTTP/1.1 pipelining); its
  // response comes from takeNext().
  request(method, path, headers, body, then) {
    const run = () => this._request(method, path, headers, body, then);
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => {});
    return p;
  }

  /** The pipelined request's response (a promise), or null when none was sent. */
  takeNext() {
    const p = this.nextPromise;
    this.nextPromise = null;
    return p;
  }

  encode(method, path, headers, body) {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    const payload = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    if (payload !== null || method !== 'GET') head += `Content-Length: ${payload ? payload.length : 0}\r\n`;
    head += '\r\n';
    return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1');
  }

  _request(method, path, headers, body, then) {
    let queued = null;
    if (then) {
      this.nextPromise = new Promise((resolve, reject) => { queued = { got: false, resolve, reject }; });
      this.nextPromise.catch(() => {}); // handled by whoever takes it
    }
    return new Promise((resolve, reject) => {
      const attempt = (retry) => {
        if (!this.sock || this.sock.destroyed) this._connect();
        const reused = this.used;
        const request = this.encode(method, path, headers, body);
        const out = then ? Buffer.concat([request, then]) : request;
        this.queued = queued;
        this.pending = {
          got: false,
          resolve,
          reject: (err, got) => {
            // A kept-alive connection may have been closed by the server between
            // requests; retry once on a fresh connection if nothing came back.
            if (retry && reused && !got) attempt(false);
            else reject(err);
          },
        };
        this.sock.write(out);
      };
      attempt(true);
    });
  }

  _onData(sock, chunk) {
    if (sock !== this.sock) return;
    if (this.pending) this.pending.got = true;
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this._parse();
    } catch (err) {
      this.sock = null;
      sock.destroy();
      const p = this.pending;
      const q = this.queued;
      this.pending = null;
      this.queued = null;
      err.got = true; // a bad answer: never asked again
      if (p) p.reject(err, true);
      if (q) q.reject(err);
    }
  }

  _parse() {
    for (;;) {
      if (!this.res) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.buf.length > 1 << 20) throw new HttpError('response head too large');
          return;
        }
        const lines = this.buf.toString('latin1', 0, end).split('\r\n');
        this.buf = this.buf.subarray(end + 4);
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
        if (!m) throw new HttpError(`bad status line: ${lines[0]}`);
        const headers = {};
        for (let i = 1; i < lines.length; i++) {
          const c = lines[i].indexOf(':');
          if (c > 0) headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
        }
        const status = Number(m[1]);
        if (status >= 100 && status < 200) continue; // interim response
        const te = (headers['transfer-encoding'] || '').toLowerCase();
        const res = { status, headers, chunks: [], chunked: te.includes('chunked'), remaining: -1, toClose: false };
        if (!res.chunked) {
          if (headers['content-length'] !== undefined) res.remaining = Number(headers['content-length']);
          else if (status === 204 || status === 304) res.remaining = 0;
          else res.toClose = true; // body delimited by connection close
        }
        this.res = res;
      }
      const res = this.res;
      if (res.toClose) return; // completed in the 'close' handler below
      if (!res.chunked) {
        const n = Math.min(res.remaining, this.buf.length);
        if (n > 0) {
          res.chunks.push(this.buf.subarray(0, n));
          this.buf = this.buf.subarray(n);
          res.remaining -= n;
        }
        if (res.remaining > 0) return;
        return this._finish();
      }
      // chunked
      for (;;) {
        if (res.remaining > 0) {
          const n = Math.min(res.remaining, this.buf.length);
          res.chunks.push(this.buf.subarray(0, n));
          this.buf = this.buf.subarray(n);
          res.remaining -= n;
          if (res.remaining > 0) return;
          res.remaining = -2; // expect CRLF after chunk data
        }
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = this.buf.toString('latin1', 0, eol);
        this.buf = this.buf.subarray(eol + 2);
        if (res.remaining === -2) { res.remaining = -1; continue; }
        if (res.remaining === -3) { // trailers
          if (line === '') return this._finish();
          continue;
        }
        const size = parseInt(line, 16);
        if (Number.isNaN(size)) throw new HttpError('bad chunk size');
        if (size === 0) res.remaining = -3;
        else res.remaining = size;
      }
    }
  }

  _finish() {
    const res = this.res;
    this.res = null;
    const p = this.pending;
    this.pending = this.queued; // a pipelined request's response comes next
    this.queued = null;
    this.used = true;
    if ((res.headers.connection || '').toLowerCase() === 'close') {
      const s = this.sock;
      this.sock = null;
      if (s) s.destroy();
      if (this.pending) { // the pipelined request went nowhere: the caller sends it afresh
        this.pending = null;
        this.nextPromise = null;
      }
    }
    if (p) p.resolve({ status: res.status, headers: res.headers, body: Buffer.concat(res.chunks) });
    if (this.pending && this.buf && this.buf.length > 0) {
      this.pending.got = true; // its answer has begun
      this._parse();
    }
  }

  async post(path, body, headers, then) {
    const h = { 'Content-Type': 'application/json' };
    if (headers) Object.assign(h, headers);
    const res = await this.request('POST', API_PREFIX + path, h, body, then);
    if (res.status >= 300) {
      process.stderr.write(`portico runtime: POST ${path} -> HTTP ${res.status}: ${res.body.toString()}\n`);
    }
    return res;
  }
}

// ---------------------------------------------------------------------------
// Logging: console.* → "<ISO time>\t<requestId>\t<LEVEL>\t<message>"
// ---------------------------------------------------------------------------

let currentRequestId; // undefined outside an invocation, as on AWS

function patchConsole() {
  const make = (level, toStderr) => (...args) => {
    // One record per line: embedded newlines become CR, as Lambda does.
    const msg = format(...args).replace(/\n/g, '\r');
    const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${msg}\n`;
    (toStderr ? process.stderr : process.stdout).write(line);
  };
  console.log = make('INFO', false);
  console.info = make('INFO', false);
  console.debug = make('DEBUG', false);
  console.trace = make('TRACE', false);
  console.warn = make('WARN', true);
  console.error = make('ERROR', true);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

function errorBody(err, typeOverride) {
  if (err instanceof Error || (err && typeof err === 'object' && typeof err.message === 'string' && typeof err.stack === 'string')) {
    const stack = typeof err.stack === 'string' ? err.stack.split('\n') : [];
    return { errorType: typeOverride || err.name || 'Error', errorMessage: String(err.message), trace: stack };
  }
  let msg;
  if (typeof err === 'string') msg = err;
  else {
    try { msg = JSON.stringify(err); } catch { msg = undefined; }
    if (msg === undefined) msg = String(err);
  }
  return { errorType: typeOverride || 'Error', errorMessage: msg, trace: [] };
}

function safeStringify(obj) {
  try {
    return JSON.stringify(obj);
  } catch {
    return JSON.stringify({ errorType: obj.errorType, errorMessage: String(obj.errorMessage), trace: [] });
  }
}

function logError(prefix, body) {
  process.stderr.write(`${new Date().toISOString()}\t${currentRequestId}\tERROR\t${prefix}\t${safeStringify(body)}\n`);
}

// ---------------------------------------------------------------------------
// Handler loading
// ---------------------------------------------------------------------------

class InitError extends Error {
  constructor(type, message, cause) {
    super(message);
    this.errorType = type;
    this.cause = cause;
  }
}

async function loadHandler(taskRoot, spec) {
  if (!spec || spec.includes('..')) {
    throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  }
  const slash = spec.lastIndexOf('/');
  const dir = spec.slice(0, slash + 1);
  const base = spec.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) {
    throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  }
  const modName = dir + base.slice(0, dot);
  const exportPath = base.slice(dot + 1);
  const root = taskRoot.endsWith('/') ? taskRoot : taskRoot + '/';

  let file = null;
  for (const ext of ['.js', '.mjs', '.cjs']) {
    if (existsSync(root + modName + ext)) { file = root + modName + ext; break; }
  }
  if (!file) {
    throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modName}'`);
  }

  let ns;
  try {
    ns = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new InitError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, err);
    }
    if (err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND')) {
      throw new InitError('Runtime.ImportModuleError', `${err.name || 'Error'}: ${err.message}`, err);
    }
    throw err; // reported with the error's own type
  }

  const lookup = (obj) => {
    let v = obj;
    for (const part of exportPath.split('.')) {
      if (v === null || v === undefined) return undefined;
      v = v[part];
    }
    return v;
  };
  let fn = lookup(ns);
  if (fn === undefined && ns.default !== undefined && ns.default !== null) fn = lookup(ns.default);
  if (fn === undefined) {
    throw new InitError('Runtime.HandlerNotFound', `${modName}.${exportPath} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new InitError('Runtime.HandlerNotFound', `${modName}.${exportPath} is not a function`);
  }
  return fn;
}

// ---------------------------------------------------------------------------
// Main loop
// ---------------------------------------------------------------------------

// Each invocation's _X_AMZN_TRACE_ID. Written to process.env the usual way it would go through
// libc's setenv, which keeps every value it is ever given: a warm environment would grow by each
// invocation's trace header until its memory limit. So process.env becomes a view of the real
// environment that keeps this one variable in JS: reads, writes, `in`, deletes and enumeration
// (child_process copies it from there) see it like any other. Not seen through it: worker
// threads started with the default env (Node copies the native environment for them) and
// util.inspect(process.env), which shows the real object.
const TRACE_KEY = '_X_AMZN_TRACE_ID';
let traceId;
function installTraceIdView() {
  const real = process.env;
  if (real[TRACE_KEY] !== undefined) traceId = real[TRACE_KEY];
  delete real[TRACE_KEY];
  const descriptor = () => ({ value: traceId, writable: true, enumerable: true, configurable: true });
  const view = new Proxy(real, {
    get: (t, k) => (k === TRACE_KEY ? traceId : t[k]),
    set: (t, k, v) => {
      if (k === TRACE_KEY) traceId = String(v);
      else t[k] = v;
      return true;
    },
    has: (t, k) => (k === TRACE_KEY ? traceId !== undefined : k in t),
    deleteProperty: (t, k) => {
      if (k === TRACE_KEY) traceId = undefined;
      else delete t[k];
      return true;
    },
    ownKeys: (t) => {
      const keys = Reflect.ownKeys(t).filter((k) => k !== TRACE_KEY); // set natively meanwhile: once
      if (traceId !== undefined) keys.push(TRACE_KEY);
      return keys;
    },
    getOwnPropertyDescriptor: (t, k) =>
      k === TRACE_KEY ? (traceId === undefined ? undefined : descriptor()) : Reflect.getOwnPropertyDescriptor(t, k),
    defineProperty: (t, k, d) => {
      if (k !== TRACE_KEY) return Reflect.defineProperty(t, k, d);
      if (d.configurable === false || d.get || d.set) return false; // the real env refuses these too
      traceId = d.value === undefined ? undefined : String(d.value);
      return true;
    },
  });
  Object.defineProperty(process, 'env', { value: view, writable: true, enumerable: true, configurable: true });
}
installTraceIdView();

const env = process.env;
const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();
const client = new RuntimeApiClient(env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001');
const nextRequest = client.encode('GET', API_PREFIX + '/invocation/next', {});

let phase = 'init';      // 'init' | 'idle' | 'invoke'
let invocation = null;   // state of the running invocation
let exiting = false;

function fatal(err, errorType) {
  if (exiting) return;
  exiting = true;
  client.setRef(true);
  const body = errorBody(err, errorType);
  let p;
  if (phase === 'init') {
    logError('Init Error', body);
    p = client.post('/init/error', safeStringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
  } else if (phase === 'invoke' && invocation && !invocation.done) {
    invocation.done = true;
    logError('Invoke Error', body);
    p = client.post(`/invocation/${invocation.id}/error`, safeStringify(body),
      { 'Lambda-Runtime-Function-Error-Type': body.errorType });
  } else {
    logError('Uncaught Exception', body);
    p = Promise.resolve();
  }
  const bail = () => process.exit(EXIT_FATAL);
  p.then(bail, bail);
  setTimeout(bail, 2000).unref();
}

process.on('uncaughtException', (err) => fatal(err));
process.on('unhandledRejection', (reason) => {
  const body = errorBody(reason);
  const err = new Error(reason instanceof Error ? `${reason.name}: ${reason.message}` : body.errorMessage);
  err.name = 'Runtime.UnhandledPromiseRejection';
  err.stack = reason instanceof Error && reason.stack ? reason.stack : `${err.name}: ${err.message}`;
  fatal(err, 'Runtime.UnhandledPromiseRejection');
});
// Fires when user code left nothing pending (our socket is unref'd while a
// handler runs): completes callback-style invocations as Lambda does.
process.on('beforeExit', () => {
  if (invocation && !invocation.done) invocation.onEmptyLoop();
});

// ---------------------------------------------------------------------------
// Response streaming: awslambda.streamifyResponse(handler) marks a handler that writes its answer
// to a stream; awslambda.HttpResponseStream.from(stream, {statusCode, headers, cookies}) puts the
// status and headers a function URL answers with in front of it. The stream goes to the Runtime
// API as a chunked POST of its own (response mode "streaming"); a failure after it began travels
// in its trailers.
// ---------------------------------------------------------------------------

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

globalThis.awslambda = {
  streamifyResponse(handler) {
    handler[STREAMING] = 'response';
    return handler;
  },
  HttpResponseStream: {
    from(stream, prelude) {
      stream.setContentType(HTTP_INTEGRATION);
      stream.write(JSON.stringify(prelude || {}));
      stream.write(Buffer.alloc(8)); // the delimiter: eight NUL bytes
      return stream;
    },
  },
};

function responseStream(id) {
  let contentType = 'application/octet-stream';
  let req = null;
  let answered = null;
  const open = () => {
    if (req) return;
    req = http.request({
      host: client.host, port: client.port, method: 'POST', agent: false,
      path: `${API_PREFIX}/invocation/${id}/response`,
      headers: {
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Content-Type': contentType,
        'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      },
    });
    answered = new Promise((resolve) => {
      req.on('response', (res) => { res.resume(); res.on('end', resolve); res.on('error', resolve); });
      req.on('error', (err) => {
        process.stderr.write(`portico runtime: streaming the response failed: ${err.message}\n`);
        resolve();
      });
    });
    req.flushHeaders();
  };
  let failure = null; // the error the stream ends with, sent in its trailers
  const stream = new Writable({
    write(chunk, encoding, cb) { open(); req.write(chunk, cb); },
    final(cb) {
      open();
      if (failure) {
        req.addTrailers({
          'Lambda-Runtime-Function-Error-Type': failure.errorType,
          'Lambda-Runtime-Function-Error-Body': Buffer.from(safeStringify(failure)).toString('base64'),
        });
      }
      req.end(cb);
    },
  });
  stream.on('error', (err) => {
    process.stderr.write(`portico runtime: the response stream failed: ${err.message}\n`);
    if (req && !req.writableEnded) req.destroy(err);
  });
  stream.setContentType = (type) => { contentType = String(type); };
  stream.failWith = (err) => {
    // Through the Writable, after what is queued: the trailers go with its end.
    failure = errorBody(err);
    logError('Invoke Error', failure);
    if (!stream.writableEnded) stream.end();
    else if (req && !req.writableEnded) req.destroy(err); // ended already: the error cuts it off
  };
  stream.answered = () => { open(); return answered; };
  return stream;
}

function headerJson(v) {
  if (v === undefined || v === '') return undefined;
  try { return JSON.parse(v); } catch { return undefined; }
}

function runInvocation(handler, res) {
  const h = res.headers;
  const id = h['lambda-runtime-aws-request-id'];
  const deadline = Number(h['lambda-runtime-deadline-ms']) || Date.now() + 3000;
  traceId = h['lambda-runtime-trace-id'];

  return new Promise((resolveInvoke) => {
    const inv = { id, done: false, pendingResult: undefined, hasPending: false, onEmptyLoop: null };
    invocation = inv;
    currentRequestId = id;
    phase = 'invoke';

    const finish = (kind, value) => {
      if (inv.done) return;
      inv.done = true;
      client.setRef(true);
      let path, body, headers;
      if (kind === 'ok') {
        try {
          body = JSON.stringify(value === undefined ? null : value);
          if (body === undefined) body = 'null';
          path = `/invocation/${id}/response`;
        } catch (err) {
          kind = 'err';
          value = Object.assign(new Error(`Unable to stringify response body: ${err.message}`), { name: 'Runtime.MarshalError' });
        }
      }
      if (kind === 'err') {
        const eb = errorBody(value);
        logError('Invoke Error', eb);
        body = safeStringify(eb);
        path = `/invocation/${id}/error`;
        headers = { 'Lambda-Runtime-Function-Error-Type': eb.errorType };
      }
      // The next GET /next goes out in the same write (pipelined): it is waiting at the Runtime
      // API before the next event comes.
      const posted = client.post(path, body, headers, nextRequest);
      currentRequestId = undefined; // its 202 comes with the next event: logs until then are nobody's
      posted.then(resolveInvoke, (err) => {
        process.stderr.write(`portico runtime: lost Runtime API connection: ${err.message}\n`);
        process.exit(EXIT_FATAL);
      });
    };

    const context = {
      awsRequestId: id,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: headerJson(h['lambda-runtime-client-context']),
      identity: headerJson(h['lambda-runtime-cognito-identity']),
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };

    // Callback semantics: with callbackWaitsForEmptyEventLoop (default) the
    // result is sent once the event loop has drained; otherwise right away.
    const callback = (err, result) => {
      if (inv.done || inv.hasPending) return;
      const kind = err !== undefined && err !== null ? 'err' : 'ok';
      const value = kind === 'err' ? err : result;
      if (context.callbackWaitsForEmptyEventLoop) {
        inv.hasPending = true;
        inv.pendingKind = kind;
        inv.pendingResult = value;
      } else {
        finish(kind, value);
      }
    };
    inv.onEmptyLoop = () => {
      if (inv.hasPending) finish(inv.pendingKind, inv.pendingResult);
      else finish('ok', null);
    };
    context.done = (err, result) => callback(err, result);
    context.succeed = (result) => callback(null, result);
    context.fail = (err) => callback(err === undefined || err === null ? 'handled' : err);

    let event;
    try {
      event = JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      finish('err', Object.assign(new Error(`Unable to parse event: ${err.message}`), { name: 'Runtime.UnmarshalError' }));
      return;
    }

    if (handler[STREAMING] === 'response') {
      const stream = responseStream(id);
      const done = (err) => {
        if (inv.done) return;
        inv.done = true;
        client.setRef(true);
        if (err) stream.failWith(err);
        else if (!stream.writableEnded) stream.end();
        stream.answered().then(() => {
          currentRequestId = undefined;
          resolveInvoke();
        });
      };
      inv.onEmptyLoop = () => done(null);
      client.setRef(false);
      let ret;
      try {
        ret = handler(event, stream, context);
      } catch (err) {
        done(err);
        return;
      }
      Promise.resolve(ret).then(() => done(null), (e) => done(e === undefined || e === null ? new Error(String(e)) : e));
      return;
    }

    const callbackStyle = handler.constructor.name !== 'AsyncFunction' && handler.length >= 3;
    client.setRef(false);
    let ret;
    try {
      ret = handler(event, context, callback);
    } catch (err) {
      finish('err', err);
      return;
    }
    if (ret && typeof ret.then === 'function') {
      ret.then((v) => finish('ok', v), (e) => finish('err', e === undefined || e === null ? new Error(String(e)) : e));
    } else if (!callbackStyle && !inv.hasPending) {
      finish('ok', ret);
    }
    // else: wait for callback / context.* / empty event loop.
  });
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler(taskRoot, env._HANDLER);
  } catch (err) {
    if (exiting) return; // an async init failure is already being reported
    if (err instanceof InitError) {
      const body = { errorType: err.errorType, errorMessage: err.message, trace: err.cause && err.cause.stack ? String(err.cause.stack).split('\n') : [] };
      exiting = true;
      logError('Init Error', body);
      const bail = () => process.exit(EXIT_FATAL);
      client.post('/init/error', safeStringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType }).then(bail, bail);
      return;
    }
    fatal(err);
    return;
  }
  phase = 'idle';
  for (;;) {
    let res;
    try {
      const pipelined = client.takeNext();
      res = pipelined ? await pipelined.catch((err) => {
        // Lost with its connection before any answer: asked again on a fresh one (once).
        if (err && err.got) throw err;
        return client.request('GET', API_PREFIX + '/invocation/next', {});
      }) : await client.request('GET', API_PREFIX + '/invocation/next', {});
    } catch (err) {
      process.stderr.write(`portico runtime: GET /invocation/next failed: ${err.message}\n`);
      process.exit(EXIT_FATAL);
    }
    if (res.status !== 200) {
      process.stderr.write(`portico runtime: GET /invocation/next -> HTTP ${res.status}\n`);
      process.exit(EXIT_FATAL);
    }
    await runInvocation(handler, res);
    phase = 'idle';
    invocation = null;
    currentRequestId = undefined;
  }
}

main();
