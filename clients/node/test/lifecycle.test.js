// Lifecycle against the real binary: initialize, status, shutdown/exit codes, closing, spawning.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { BatonClient, BatonError, ErrorCode, findBinary } from '../index.js';
import { Mock, batonBinary, connect } from '../testing/harness.js';

let mock;
before(async () => { mock = await Mock.start(); });
beforeEach(() => mock.reset());
after(() => mock.stop());

test('initialize reports the server and its methods', async (t) => {
  const client = await connect(t, mock, { initialize: false });
  const result = await client.initialize();
  assert.equal(result.serverInfo.name, 'baton');
  assert.equal(result.protocolVersion, '1.0');
  for (const m of ['baton/status', 'complete', 'models/list']) assert.ok(client.serverMethods.includes(m));
});

test('requests before initialize fail with -32002', async (t) => {
  const client = await connect(t, mock, { initialize: false });
  await assert.rejects(client.status(), (e) => e instanceof BatonError && e.code === ErrorCode.NotInitialized);
});

test('status describes the spawned process', async (t) => {
  const client = await connect(t, mock);
  const status = await client.status();
  assert.equal(status.framing, 'ndjson');
  assert.equal(status.requestsInFlight, 1);
  assert.equal(status.processId, client.child.pid);
});

test('shutdown then exit ends with code 0, and requests after shutdown are refused', async (t) => {
  const client = await connect(t, mock);
  await client.shutdown();
  await assert.rejects(client.status(), (e) => e.code === ErrorCode.InvalidRequest);
  assert.equal(await client.exit(), 0);
});

test('exit without shutdown ends with code 1', async (t) => {
  const client = await connect(t, mock);
  assert.equal(await client.exit(), 1);
});

test('close shuts down in order, removes the temporary config and refuses later requests', async (t) => {
  const client = await connect(t, mock);
  const args = readFileSync(`/proc/${client.child.pid}/cmdline`, 'utf8').split('\0');
  const configPath = args[args.indexOf('--config') + 1];
  assert.ok(existsSync(configPath));
  assert.equal(await client.close(), 0);
  assert.ok(!existsSync(configPath));
  await assert.rejects(client.status(), (e) => e.code === ErrorCode.ConnectionClosed);
});

test('env adds to the environment and null removes', async (t) => {
  const client = await BatonClient.spawn({
    binary: batonBinary(), cwd: '/tmp',
    env: { BATON_MODEL: 'local:from-env', BATON_CONFIG: null, XDG_CONFIG_HOME: '/nonexistent' },
  });
  t.after(() => client.close());
  await client.initialize();
  assert.equal((await client.modelsList()).defaultModel, 'local:from-env');
  const environ = readFileSync(`/proc/${client.child.pid}/environ`, 'utf8').split('\0');
  assert.ok(environ.includes(`PATH=${process.env.PATH}`));
  assert.ok(!environ.some((e) => e.startsWith('BATON_CONFIG=')));
});

test('requests in flight fail with ConnectionClosed when baton dies', async (t) => {
  await mock.configure({ gate: true });
  const client = await connect(t, mock);
  const closed = new Promise((resolveClosed) => client.once('close', resolveClosed));
  const call = client.complete({ prompt: 'held' });
  await mock.wait({ gated: 1 });
  client.child.kill('SIGKILL');
  await assert.rejects(call, (e) => e.code === ErrorCode.ConnectionClosed);
  await closed;
  await assert.rejects(client.status(), (e) => e.code === ErrorCode.ConnectionClosed);
});

test('findBinary prefers the argument, then BATON_BINARY, then PATH', () => {
  assert.equal(findBinary('/given/baton', { BATON_BINARY: '/env/baton' }), '/given/baton');
  assert.equal(findBinary(undefined, { BATON_BINARY: '/env/baton' }), '/env/baton');
  const dir = batonBinary().replace(/\/baton$/, '');
  assert.equal(findBinary(undefined, { PATH: `/nonexistent:${dir}` }), `${dir}/baton`);
});

test('findBinary falls back to the checkout build', () => {
  assert.match(findBinary(undefined, { PATH: '/nonexistent' }), /\.build\/(release|debug)\/baton$/);
});

test('spawning a missing binary rejects and leaves no temporary config', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-node-tmp-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir; // os.tmpdir() reads it on every call
  t.after(() => { if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved; });
  await assert.rejects(BatonClient.spawn({ binary: '/nonexistent/baton', config: { defaultModel: 'local:x' } }), /ENOENT/);
  assert.deepEqual(readdirSync(dir), []);
});
