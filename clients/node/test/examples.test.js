// Every protocol/examples file, twice: its messages against protocol/schema.json, and the client fed
// the example's replies over an in-memory connection (it must send the example's request, answer its
// plan/approve requests as the example does, and resolve to the example's result or reject with a
// BatonError carrying its code and kind).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatonError, ErrorCode, ErrorKinds, PROTOCOL_VERSION } from '../index.js';
import { Peer } from '../testing/harness.js';
import { SCHEMA, errorName, examples, validate } from '../testing/schema.js';

const ALL = examples();

test('there are examples', () => assert.ok(ALL.length > 50, `${ALL.length} examples`));

test('ErrorCode, ErrorKinds and PROTOCOL_VERSION are the schema\'s', () => {
  for (const [name, entry] of Object.entries(SCHEMA.errors)) assert.equal(ErrorCode[name], entry.code, name);
  for (const [name, entry] of Object.entries(SCHEMA.errors)) for (const kind of entry.kinds) assert.equal(ErrorKinds[kind], entry.code, kind);
  assert.equal(PROTOCOL_VERSION, SCHEMA.protocolVersion);
});

function checkError(error, allowed, where) {
  const name = errorName(error.code);
  assert.ok(name, `${where}: code ${error.code} is not in the schema`);
  assert.ok(allowed.includes(name), `${where}: ${name} is not listed for the method`);
  if (error.data !== undefined) {
    assert.ok(SCHEMA.errors[name].kinds.includes(error.data.kind), `${where}: kind ${error.data.kind} of ${name}`);
    assert.deepEqual(validate(error.data, SCHEMA.errorKinds[error.data.kind].data), [], where);
  }
}

for (const { path, name, example } of ALL) {
  test(`${path} matches the schema`, () => {
    const all = [example.request, example.notification, ...(example.notifications ?? []),
      ...(example.serverRequests ?? []).flatMap((x) => [x.request, x.response]), example.response,
      ...(example.related ?? []).map((x) => x.message)].filter((m) => m !== undefined);
    const raw = name === '_connection';
    for (const message of all) {
      if (raw && (message === example.request)) continue;
      assert.deepEqual(validate(message, { $ref: '#/$defs/MessageOrBatch' }), [], `${path}: ${JSON.stringify(message).slice(0, 120)}`);
    }
    const request = example.request;
    const spec = request && !Array.isArray(request) ? SCHEMA.methods[request.method] : undefined;
    if (spec && example.response) {
      if ('result' in example.response) {
        assert.deepEqual(validate(request.params ?? {}, spec.params), [], `${path}: params`);
        assert.deepEqual(validate(example.response.result, spec.result), [], `${path}: result`);
      } else {
        checkError(example.response.error, spec.errors.concat(SCHEMA.requestErrors.errors), path);
      }
    }
    for (const note of [...(example.notifications ?? []), ...(example.notification ? [example.notification] : [])]) {
      const entry = SCHEMA.notifications[note.method];
      assert.ok(entry, `${path}: notification ${note.method}`);
      assert.deepEqual(validate(note.params ?? null, entry.params), [], `${path}: ${note.method} params`);
    }
    for (const { request: asked, response } of example.serverRequests ?? []) {
      const entry = SCHEMA.serverRequests[asked.method];
      assert.deepEqual(validate(asked.params, entry.params), [], `${path}: ${asked.method} params`);
      assert.deepEqual(validate(response.result, entry.result), [], `${path}: ${asked.method} result`);
    }
  });

  const request = example.request;
  if (name === '_connection' || !request || !SCHEMA.methods[request.method] || !example.response) continue;
  test(`${path}: the client sends the request and returns the result`, async () => {
    const peer = new Peer();
    const answers = (example.serverRequests ?? []).map((x) => x.response.result);
    peer.client.onPlanApprove = () => answers.shift();
    const events = [];
    const notifications = [];
    peer.client.on('runEvent', (event) => events.push(event));
    peer.client.on('notification', (n) => notifications.push(n));
    const call = peer.client.request(request.method, request.params, { id: request.id });
    const sent = await peer.next();
    assert.deepEqual(sent, request);
    for (const note of example.notifications ?? []) peer.send(note);
    for (const { request: asked, response } of example.serverRequests ?? []) {
      peer.send(asked);
      assert.deepEqual(await peer.next(), response, `${path}: the client's answer to ${asked.method}`);
    }
    peer.send(example.response);
    if ('result' in example.response) {
      assert.deepEqual(await call, example.response.result);
    } else {
      const error = await call.then(() => assert.fail('resolved'), (e) => e);
      assert.ok(error instanceof BatonError);
      assert.equal(error.code, example.response.error.code);
      assert.equal(error.rpcMessage, example.response.error.message);
      assert.equal(error.kind, example.response.error.data?.kind);
    }
    assert.deepEqual(notifications, (example.notifications ?? []).map((n) => ({ method: n.method, params: n.params })));
    assert.deepEqual(events, (example.notifications ?? []).filter((n) => n.method === 'run/event').map((n) => n.params));
  });
}
