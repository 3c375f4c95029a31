// Test support (outside test/, which node --test runs wholesale): the real baton binary, the
// project's mock LLM server, and an in-memory peer standing in for Baton.

import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BatonClient } from '../index.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function batonBinary() {
  const path = process.env.BATON_BINARY || join(REPO, '.build', 'debug', 'baton');
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`baton binary not found at ${path}: run \`swift build\` or set BATON_BINARY`);
  }
  return path;
}

/** The mock LLM server and its control endpoints. */
export class Mock {
  static async start() {
    const proc = spawn('python3', [join(REPO, 'scripts', 'mock_llm.py'), '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const port = await new Promise((resolvePort, reject) => {
      let text = '';
      proc.stdout.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\n')) resolvePort(JSON.parse(text.split('\n')[0]).port);
      });
      proc.once('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
    });
    return new Mock(proc, port);
  }

  constructor(proc, port) {
    this.proc = proc;
    this.url = `http://127.0.0.1:${port}`;
  }

  async control(path, body) {
    const response = await fetch(this.url + path, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`mock ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  configure(knobs) { return this.control('/_mock/config', knobs); }
  reset() { return this.control('/_mock/reset', { config: true }); }
  release() { return this.control('/_mock/release', {}); }
  log() { return this.control('/_mock/log'); }

  /** Resolves once every given mock stat is at least the given value (no sleeping). */
  wait(stats) {
    const query = new URLSearchParams({ ...stats, timeout: '20' });
    return this.control(`/_mock/wait?${query}`);
  }

  batonConfig() {
    return { defaultModel: 'mock:mock-model', providers: { mock: { kind: 'openai', baseURL: `${this.url}/v1` } } };
  }

  stop() {
    this.proc.kill();
  }
}

/** A Baton process on the mock, initialized unless asked not to, closed when the test ends. */
export async function connect(t, mock, { initialize = true, ...spawnOptions } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-node-test-'));
  const client = await BatonClient.spawn({
    binary: batonBinary(), config: mock.batonConfig(), stateDir: join(dir, 'state'), cwd: dir, ...spawnOptions,
  });
  t.after(() => client.close());
  if (initialize) await client.initialize();
  return client;
}

export function skipUnlessServed(t, client, ...methods) {
  const missing = methods.filter((m) => !client.serverMethods.includes(m));
  if (missing.length) t.skip(`this baton build does not serve ${missing.join(', ')} yet`);
  return missing.length === 0;
}

/** Baton's side of an in-memory connection. */
export class Peer {
  constructor() {
    this.toClient = new PassThrough();
    this.fromClient = new PassThrough();
    this.queue = [];
    this.waiters = [];
    let buffer = '';
    this.fromClient.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter(message);
        else this.queue.push(message);
      }
    });
    this.client = BatonClient.attach(this.toClient, this.fromClient);
  }

  /** The next message the client wrote. */
  next() {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    return new Promise((resolveNext) => this.waiters.push(resolveNext));
  }

  send(message) {
    this.toClient.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');
  }

  reply(request, result) {
    this.send({ id: request.id, result });
  }
}
