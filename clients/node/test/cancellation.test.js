// Aborting a request's AbortSignal sends $/cancelRequest; the server's -32800 for it is dropped,
// and the client goes on working. The mock's gate holds calls in flight.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ErrorCode } from '../index.js';
import { Mock, connect } from '../testing/harness.js';

let mock;
before(async () => { mock = await Mock.start(); });
beforeEach(() => mock.reset());
after(() => mock.stop());

test('aborting the signal cancels the request on the server', async (t) => {
  await mock.configure({ gate: true });
  const client = await connect(t, mock);
  const controller = new AbortController();
  const call = client.complete({ prompt: 'held' }, { signal: controller.signal });
  await mock.wait({ gated: 1 });
  controller.abort();
  await assert.rejects(call, { name: 'AbortError' });
  await mock.wait({ disconnects: 1 });
  assert.equal((await client.status()).requestsInFlight, 1);
  await mock.configure({ gate: false });
  assert.equal((await client.complete({ prompt: 'after' })).text, 'echo: after');
});

test('some of many aborted, the rest complete', async (t) => {
  await mock.configure({ gate: true });
  const client = await connect(t, mock);
  const controllers = [0, 1, 2, 3, 4].map(() => new AbortController());
  const calls = controllers.map((c, i) => client.complete({ prompt: `held ${i}` }, { signal: c.signal }));
  const outcomes = Promise.allSettled(calls);
  await mock.wait({ gated: 5 });
  controllers.slice(0, 3).forEach((c) => c.abort(new Error('not needed')));
  await mock.wait({ disconnects: 3 });
  await mock.release();
  const settled = await outcomes;
  assert.deepEqual(settled.slice(0, 3).map((s) => s.reason?.message), ['not needed', 'not needed', 'not needed']);
  assert.deepEqual(settled.slice(3).map((s) => s.value.text), ['echo: held 3', 'echo: held 4']);
  assert.equal((await client.status()).requestsInFlight, 1);
});

test('an already aborted signal sends nothing', async (t) => {
  const client = await connect(t, mock);
  await assert.rejects(client.status({ signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal((await client.status()).requestsInFlight, 1);
});

test('leaving completeStream early cancels the request', async (t) => {
  await mock.configure({ stall_stream: true, reply_words: 20 });
  const client = await connect(t, mock);
  for await (const item of client.completeStream({ prompt: 'stalls halfway' })) {
    assert.equal(typeof item, 'string');
    break;
  }
  await mock.wait({ disconnects: 1 });
  assert.equal((await client.status()).requestsInFlight, 1);
});

test('a request the server cancels rejects with -32800', async (t) => {
  await mock.configure({ gate: true });
  const client = await connect(t, mock);
  const call = client.complete({ prompt: 'held' });
  await mock.wait({ gated: 1 });
  client.notify('exit'); // exit without shutdown: Baton cancels what is in flight
  await assert.rejects(call, (e) => e.code === ErrorCode.RequestCancelled);
});
