// Node front end for Baton, the headless LLM-orchestration engine (JSON-RPC 2.0 over stdio, NDJSON).
// Dependency-free ESM. One reader owns the connection's input: it settles reply promises, routes
// notifications, and answers Baton's own requests (plan/approve), so callers only await methods.

import { spawn as spawnProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** JSON-RPC error codes Baton uses, by name. */
export const ErrorCode = Object.freeze({
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  NotInitialized: -32002,
  RequestCancelled: -32800,
  ProviderFailed: 1001,
  NotFound: 1002,
  BudgetExceeded: 1003,
  PlanFailed: 1004,
  /** A structured output did not satisfy its schema, even after repair attempts. */
  OutputInvalid: 1005,
  DeadlineExceeded: 1006,
  /** Client-side: the connection ended before the reply came. */
  ConnectionClosed: -1,
});

const CODE_NAMES = new Map(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** An error reply from Baton (or, with code -1, a connection that closed first). */
export class BatonError extends Error {
  /**
   * @param {number} code
   * @param {string} message
   * @param {unknown} [data]
   */
  constructor(code, message, data) {
    super(`${message} (code ${code})`);
    this.name = CODE_NAMES.get(code) ? `BatonError[${CODE_NAMES.get(code)}]` : 'BatonError';
    this.code = code;
    this.rpcMessage = message;
    this.data = data;
  }

  /** `data.kind` when the server classified the failure (provider errors do). */
  get kind() {
    const kind = this.data && typeof this.data === 'object' ? this.data.kind : undefined;
    return typeof kind === 'string' ? kind : undefined;
  }

  /** @param {any} error a JSON-RPC `error` member */
  static fromJSON(error) {
    if (!error || typeof error !== 'object') return new BatonError(ErrorCode.InternalError, `malformed error member: ${JSON.stringify(error)}`);
    const code = Number.isInteger(error.code) ? error.code : ErrorCode.InternalError;
    return new BatonError(code, typeof error.message === 'string' ? error.message : 'unknown error', error.data);
  }
}

/**
 * The baton executable: `binary` if given, else $BATON_BINARY, else `baton` on PATH, else
 * `.build/release/baton` or `.build/debug/baton` of the checkout this module lives in.
 * @param {string} [binary]
 * @param {Record<string, string | undefined>} [env]
 */
export function findBinary(binary, env = process.env) {
  if (binary) return binary;
  if (env.BATON_BINARY) return env.BATON_BINARY;
  const executable = (p) => { try { accessSync(p, constants.X_OK); return true; } catch { return false; } };
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'baton'))) return join(dir, 'baton');
  }
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    for (const config of ['release', 'debug']) {
      const candidate = join(dir, '.build', config, 'baton');
      if (executable(candidate)) return candidate;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error('baton executable not found: pass binary, set BATON_BINARY, put baton on PATH, or run `swift build` in the Baton checkout');
}

/** Runs a user hook so that neither a throw nor a rejected promise can break the reader. */
function callHook(hook, ...args) {
  if (typeof hook !== 'function') return;
  try {
    const result = hook(...args);
    if (result && typeof result.then === 'function') result.then(undefined, (e) => console.error('baton client hook failed:', e));
  } catch (e) {
    console.error('baton client hook failed:', e);
  }
}

/** Drops members left undefined, so the server applies its defaults. */
function compact(params) {
  return Object.fromEntries(Object.entries(params ?? {}).filter(([, v]) => v !== undefined));
}

/** Normalises a plan/approve handler's answer to the wire shape. */
export function decisionToJSON(decision) {
  if (decision === undefined || decision === null || decision === true) return { decision: 'approve' };
  if (decision === false) return { decision: 'reject', reason: 'rejected by the client' };
  if (typeof decision === 'object' && typeof decision.decision === 'string') return decision;
  throw new TypeError(`a plan/approve handler must return a decision object or a boolean, not ${JSON.stringify(decision)}`);
}

/** Builders for plan/approve answers. */
export const PlanDecision = Object.freeze({
  approve: () => ({ decision: 'approve' }),
  edit: (plan) => ({ decision: 'edit', plan }),
  reject: (reason) => (reason === undefined ? { decision: 'reject' } : { decision: 'reject', reason }),
});

/**
 * A connection to Baton. Create it with `await BatonClient.spawn()` or `BatonClient.attach()`.
 *
 * Events: `runEvent` (every run/event), `progress` ({token, value}), `logMessage` ({type, message}),
 * `notification` ({method, params}: every notification, raw), `close` (the connection ended).
 * `onPlanApprove(plan, {runId})` answers plan/approve; unset, every plan is approved.
 */
export class BatonClient extends EventEmitter {
  /**
   * @param {import('node:stream').Readable} readable
   * @param {import('node:stream').Writable} writable
   * @param {{child?: import('node:child_process').ChildProcess, tempDir?: string}} [options]
   */
  constructor(readable, writable, { child, tempDir } = {}) {
    super();
    this.child = child ?? null;
    this.initializeResult = null;
    /** @type {null | ((plan: any, info: {runId: string}) => any)} */
    this.onPlanApprove = null;
    this._readable = readable;
    this._writable = writable;
    this._tempDir = tempDir;
    this._nextId = 1;
    this._pending = new Map();
    this._deltaHandlers = new Map();
    this._runs = [];
    this._serverRequests = new Map();
    this._closed = false;
    this._shutdownSent = false;
    this._exitCode = child ? new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal))) : null;
    this._buffer = Buffer.alloc(0);
    readable.on('data', (chunk) => this._onData(chunk));
    readable.once('end', () => this._onClose('connection to baton closed'));
    readable.once('close', () => this._onClose('connection to baton closed'));
    readable.once('error', (e) => this._onClose(`connection to baton failed: ${e.message}`));
    writable.on('error', () => {}); // EPIPE after baton exits: requests already fail with ConnectionClosed
  }

  /**
   * Start `baton serve` and connect to it (`initialize` is still to be sent).
   * `args` go after `serve`; `env` adds to this process's environment (undefined/null removes);
   * `config` is a config file path or an object written to a temporary file.
   * @param {import('./index.js').SpawnOptions} [options]
   */
  static async spawn({ binary, args = [], env, config, stateDir, stderr = 'inherit', cwd } = {}) {
    const argv = ['serve', ...args];
    let tempDir;
    if (config && typeof config === 'object') {
      tempDir = mkdtempSync(join(tmpdir(), 'baton-config-'));
      writeFileSync(join(tempDir, 'config.json'), JSON.stringify(config));
      argv.push('--config', join(tempDir, 'config.json'));
    } else if (config) {
      argv.push('--config', resolve(config));
    }
    if (stateDir) argv.push('--state-dir', resolve(stateDir));
    const childEnv = { ...process.env };
    for (const [key, value] of Object.entries(env ?? {})) {
      if (value === undefined || value === null) delete childEnv[key];
      else childEnv[key] = value;
    }
    const child = spawnProcess(findBinary(binary), argv, { stdio: ['pipe', 'pipe', stderr], env: childEnv, cwd });
    try {
      await new Promise((resolveSpawn, rejectSpawn) => {
        child.once('spawn', resolveSpawn);
        child.once('error', rejectSpawn);
      });
    } catch (e) {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      throw e;
    }
    child.on('error', () => {}); // a failed kill later must not crash the host; exit/close still come
    return new BatonClient(child.stdout, child.stdin, { child, tempDir });
  }

  /** Use an existing connection (any readable/writable byte streams). */
  static attach(readable, writable) {
    return new BatonClient(readable, writable);
  }

  /** Request methods the server reported in `initialize` (empty before it). */
  get serverMethods() {
    return this.initializeResult?.capabilities?.methods ?? [];
  }

  // ---------------------------------------------------------------- raw JSON-RPC

  /**
   * Send a request; resolves with its result or rejects with a BatonError. Aborting `signal`
   * sends `$/cancelRequest`, rejects with the signal's reason and drops the server's -32800.
   * @param {string} method
   * @param {unknown} [params]
   * @param {{signal?: AbortSignal, id?: number}} [options]
   */
  request(method, params, { signal, id } = {}) {
    if (this._closed) return Promise.reject(new BatonError(ErrorCode.ConnectionClosed, 'connection to baton closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const rid = id ?? this._nextId++;
    return new Promise((resolveReply, rejectReply) => {
      const onAbort = () => {
        if (!this._pending.has(rid)) return;
        this._pending.delete(rid);
        this._write({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: rid } });
        rejectReply(signal.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this._pending.set(rid, {
        resolve: (value) => { signal?.removeEventListener('abort', onAbort); resolveReply(value); },
        reject: (error) => { signal?.removeEventListener('abort', onAbort); rejectReply(error); },
      });
      const message = { jsonrpc: '2.0', id: rid, method };
      if (params !== undefined) message.params = params;
      this._write(message);
    });
  }

  /** @param {string} method @param {unknown} [params] */
  notify(method, params) {
    if (this._closed) throw new BatonError(ErrorCode.ConnectionClosed, 'connection to baton closed');
    const message = { jsonrpc: '2.0', method };
    if (params !== undefined) message.params = params;
    this._write(message);
  }

  _write(message) {
    if (this._closed || this._writable.destroyed || this._writable.writableEnded) return;
    this._writable.write(JSON.stringify(message) + '\n');
  }

  // ---------------------------------------------------------------- reading

  _onData(chunk) {
    this._buffer = this._buffer.length ? Buffer.concat([this._buffer, chunk]) : chunk;
    let newline;
    while ((newline = this._buffer.indexOf(10)) !== -1) {
      const line = this._buffer.subarray(0, newline).toString('utf8').trim();
      this._buffer = this._buffer.subarray(newline + 1);
      if (!line) continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        console.error('baton sent a line that is not JSON:', line.slice(0, 200));
        continue;
      }
      for (const m of Array.isArray(message) ? message : [message]) {
        if (m && typeof m === 'object') this._dispatch(m);
      }
    }
  }

  _onClose(reason) {
    if (this._closed && this._pending.size === 0 && this._serverRequests.size === 0) return;
    const wasOpen = !this._closed;
    this._closed = true;
    for (const { reject } of this._pending.values()) reject(new BatonError(ErrorCode.ConnectionClosed, reason));
    this._pending.clear();
    for (const controller of this._serverRequests.values()) controller.abort();
    if (wasOpen) this._emit('close', reason);
  }

  _emit(event, ...args) {
    try {
      this.emit(event, ...args);
    } catch (e) {
      console.error(`baton client '${event}' listener failed:`, e);
    }
  }

  _dispatch(message) {
    if (typeof message.method === 'string') {
      if ('id' in message) this._onServerRequest(message.id, message.method, message.params);
      else this._onNotification(message.method, message.params);
      return;
    }
    const pending = this._pending.get(message.id);
    if (!pending) {
      // A reply to a request whose caller gave up (its -32800), or an error with id null.
      if (message.error && message.id === null) console.error('baton reported an error:', message.error);
      return;
    }
    this._pending.delete(message.id);
    if (message.error) pending.reject(BatonError.fromJSON(message.error));
    else pending.resolve(message.result ?? null);
  }

  _onNotification(method, params) {
    const p = params && typeof params === 'object' ? params : {};
    if (method === 'run/event') this._onRunEvent(p);
    else if (method === 'complete/delta') callHook(this._deltaHandlers.get(p.requestId), p.text ?? '');
    else if (method === '$/progress') this._emit('progress', { token: p.token, value: p.value });
    else if (method === 'window/logMessage') this._emit('logMessage', { type: p.type, message: p.message });
    else if (method === '$/cancelRequest' || method === 'notifications/cancelled' || method === '$/cancel_request') {
      this._serverRequests.get(p.id ?? p.requestId)?.abort();
    }
    this._emit('notification', { method, params });
  }

  _onRunEvent(event) {
    let watch;
    if ('requestId' in event) watch = this._runs.find((w) => w.requestId === event.requestId);
    watch ??= this._runs.find((w) => w.runId === event.runId);
    // Without a request id on the event, a new run id belongs to the oldest run request that has
    // not seen an event yet.
    watch ??= this._runs.find((w) => w.runId === undefined);
    if (watch) {
      watch.runId = event.runId;
      callHook(watch.onEvent, event);
    }
    this._emit('runEvent', event);
  }

  _onServerRequest(id, method, params) {
    if (method !== 'plan/approve') {
      this._write({ jsonrpc: '2.0', id, error: { code: ErrorCode.MethodNotFound, message: `method not found: ${method}` } });
      return;
    }
    const controller = new AbortController();
    this._serverRequests.set(id, controller);
    const cancelled = new Promise((resolveCancel) => controller.signal.addEventListener('abort', () => resolveCancel(CANCELLED), { once: true }));
    const answer = (async () => {
      const handler = this.onPlanApprove;
      if (!handler) return { decision: 'approve' };
      return decisionToJSON(await handler(params?.plan ?? {}, { runId: params?.runId ?? '', signal: controller.signal }));
    })();
    Promise.race([answer, cancelled])
      .then(
        (result) => (result === CANCELLED
          ? { error: { code: ErrorCode.RequestCancelled, message: 'request cancelled' } }
          : { result }),
        (e) => ({ error: { code: ErrorCode.InternalError, message: `plan/approve handler failed: ${e?.message ?? e}` } }),
      )
      .then((reply) => {
        this._serverRequests.delete(id);
        this._write({ jsonrpc: '2.0', id, ...reply });
      });
    answer.catch(() => {}); // a handler failing after a cancel has nothing left to tell
  }

  // ---------------------------------------------------------------- lifecycle

  /** Send `initialize` (with this process's pid, so Baton exits if we die) and `initialized`. */
  async initialize(params = {}) {
    this.initializeResult = await this.request('initialize', {
      processId: process.pid, clientInfo: { name: 'baton-client-node' }, capabilities: {}, ...params,
    });
    this.notify('initialized', {});
    return this.initializeResult;
  }

  /** Ask Baton to stop accepting requests (`exit` then ends it with code 0). */
  async shutdown() {
    await this.request('shutdown');
    this._shutdownSent = true;
  }

  /** Send `exit` and wait for the process to end; resolves to its exit code when spawned. */
  async exit(timeoutMs = 10000) {
    if (!this._closed) this.notify('exit');
    return this._waitExit(timeoutMs);
  }

  async _waitExit(timeoutMs) {
    if (!this._exitCode) return null;
    let timer;
    const timeout = new Promise((resolveTimeout) => { timer = setTimeout(() => resolveTimeout(TIMED_OUT), timeoutMs); });
    const code = await Promise.race([this._exitCode, timeout]);
    clearTimeout(timer);
    if (code !== TIMED_OUT) return code;
    this.child.kill('SIGKILL');
    return this._exitCode;
  }

  /**
   * Shut Baton down in order (`shutdown`, `exit`) if it still runs, then release everything.
   * Resolves to the exit code when this client spawned the process.
   */
  async close(timeoutMs = 10000) {
    let code = null;
    try {
      if (!this._closed && this.child && this.child.exitCode === null && this.child.signalCode === null) {
        if (this.initializeResult && !this._shutdownSent) {
          try { await this.shutdown(); } catch { /* already gone or refusing: exit anyway */ }
        }
        code = await this.exit(timeoutMs);
      } else {
        code = await this._waitExit(timeoutMs);
      }
    } finally {
      this._writable.end();
      this._onClose('connection to baton closed');
      if (this._tempDir) rmSync(this._tempDir, { recursive: true, force: true });
    }
    return code;
  }

  // ---------------------------------------------------------------- methods

  /** @param {{signal?: AbortSignal}} [options] */
  status(options) { return this.request('baton/status', undefined, options); }

  /** @param {{signal?: AbortSignal}} [options] */
  modelsList(options) { return this.request('models/list', undefined, options); }

  /**
   * One chat call. With `onDelta` (which implies `stream`) the text arrives piece by piece.
   * @param {object} params  {prompt?, messages?, system?, model?, schema?, schemaName?, maxTokens?, temperature?, stop?, tools?, stream?}
   * @param {{signal?: AbortSignal, onDelta?: (text: string) => unknown}} [options]
   */
  async complete(params, { signal, onDelta } = {}) {
    const id = this._nextId++;
    const body = compact({ ...params });
    if (onDelta) {
      body.stream = true;
      this._deltaHandlers.set(id, onDelta);
    }
    try {
      return await this.request('complete', body, { signal, id });
    } finally {
      this._deltaHandlers.delete(id);
    }
  }

  /**
   * `complete` as an async iterator: yields each text delta (a string), then the result object.
   * Leaving the loop early cancels the request.
   */
  async *completeStream(params, { signal } = {}) {
    yield* this._stream((onItem, sig) => this.complete(params, { signal: sig, onDelta: onItem }), signal);
  }

  /** Split a task into subtasks (kept by the server under `planId` for later steps). */
  plan(params, options) { return this.request('plan', compact(params), options); }

  /** Run one subtask: of a stored plan ({planId, subtaskId}) or given inline ({task, subtask}). */
  runSubtask(params, options) { return this.request('runSubtask', compact(params), options); }

  /** Merge subtask results into one answer: a stored plan's ({planId}) or given ones ({task, results}). */
  synthesize(params, options) { return this.request('synthesize', compact(params), options); }

  /**
   * The whole flow: plan, (approve), run the subtasks, synthesize. `onEvent` gets this run's
   * run/event notifications. A run stopped with `cancel({runId})` resolves with status `cancelled`.
   * @param {object} params  {task, context?, instructions?, concurrency?, models?, budget?, approvePlan?, format?, style?, maxSubtasks?, minSubtasks?, subtaskSchema?, subtasks?, deadlineSeconds?, stream?}
   * @param {{signal?: AbortSignal, onEvent?: (event: any) => unknown}} [options]
   */
  async run(params, { signal, onEvent } = {}) {
    const watch = { requestId: this._nextId++, runId: undefined, onEvent };
    this._runs.push(watch);
    let report;
    try {
      report = await this.request('run', compact(params), { signal, id: watch.requestId });
    } finally {
      this._runs.splice(this._runs.indexOf(watch), 1);
    }
    if (watch.runId !== undefined && watch.runId !== report?.runId) {
      console.warn(`baton client: run ${report?.runId} got the events of run ${watch.runId}: concurrent runs on one `
        + 'connection are told apart by start order, and this server\'s run/event carries no request id');
    }
    return report;
  }

  /** `run` as an async iterator: yields each event, then the report last. Leaving early cancels the run. */
  async *runEvents(params, { signal } = {}) {
    yield* this._stream((onItem, sig) => this.run(params, { signal: sig, onEvent: onItem }), signal);
  }

  /** Stop a run ({runId}) or the work on a plan ({planId}); resolves to whether anything was cancelled. */
  async cancel({ runId, planId } = {}, options) {
    if ((runId === undefined) === (planId === undefined)) throw new TypeError('cancel needs exactly one of runId and planId');
    const result = await this.request('cancel', compact({ runId, planId }), options);
    return Boolean(result?.cancelled);
  }

  runsGet(runId, options) { return this.request('runs/get', { runId }, options); }

  async runsList(options) {
    const result = await this.request('runs/list', undefined, options);
    return result?.runs ?? [];
  }

  /** Items pushed by a call's callback, then its result; cancels the call if the consumer leaves. */
  async *_stream(start, signal) {
    const controller = new AbortController();
    const forward = () => controller.abort(signal.reason);
    signal?.addEventListener('abort', forward, { once: true });
    const queue = [];
    let wake = null;
    let finished = false;
    const push = (item) => { queue.push(item); wake?.(); };
    const call = start(push, controller.signal);
    call.then(() => { finished = true; wake?.(); }, () => { finished = true; wake?.(); });
    try {
      while (true) {
        if (queue.length) { yield queue.shift(); continue; }
        if (finished) break;
        await new Promise((resolveWake) => { wake = resolveWake; });
        wake = null;
      }
      yield await call;
    } finally {
      signal?.removeEventListener('abort', forward);
      if (!finished) {
        controller.abort();
        await call.catch(() => {});
      }
    }
  }
}

const CANCELLED = Symbol('cancelled');
const TIMED_OUT = Symbol('timed out');
