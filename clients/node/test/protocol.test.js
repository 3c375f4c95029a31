// Client-side protocol handling, driven by an in-memory peer standing in for Baton: unknown server
// requests, a late -32800, interleaved events of concurrent runs, plan/approve answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, PlanDecision, decisionToJSON } from '../index.js';
import { Peer } from '../testing/harness.js';

const PLAN = {
  planId: 'p1', objective: 'o', subtasks: [
    { id: 's1', name: 'a', description: 'do a', budgetShare: 0.5 },
    { id: 's2', name: 'b', description: 'do b', dependsOn: ['s1'] }],
};
const REPORT = { runId: 'r1', status: 'completed', task: 't', results: [], usage: {}, costUSD: 0 };
const event = (runId, seq, type, fields = {}) => ({ method: 'run/event', params: { runId, seq, type, ...fields } });

test('initialize sends the process id, then initialized', async () => {
  const peer = new Peer();
  const call = peer.client.initialize();
  const request = await peer.next();
  assert.equal(request.method, 'initialize');
  assert.equal(request.params.processId, process.pid);
  peer.reply(request, { serverInfo: { name: 'baton', version: '9' }, protocolVersion: '1.0', capabilities: { methods: ['run'] } });
  assert.equal((await call).serverInfo.version, '9');
  assert.deepEqual(peer.client.serverMethods, ['run']);
  assert.equal((await peer.next()).method, 'initialized');
});

test('a late cancelled reply is dropped and the connection goes on', async () => {
  const peer = new Peer();
  const controller = new AbortController();
  const call = peer.client.status({ signal: controller.signal });
  const request = await peer.next();
  controller.abort();
  await assert.rejects(call, { name: 'AbortError' });
  assert.deepEqual(await peer.next(), { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: request.id } });
  peer.send({ id: request.id, error: { code: -32800, message: 'request cancelled' } });
  const second = peer.client.status();
  peer.reply(await peer.next(), { name: 'baton', requestsInFlight: 1 });
  assert.equal((await second).requestsInFlight, 1);
});

test('unknown server requests get method not found', async () => {
  const peer = new Peer();
  peer.send({ id: 's9', method: 'workspace/configuration', params: {} });
  assert.deepEqual(await peer.next(), {
    jsonrpc: '2.0', id: 's9', error: { code: -32601, message: 'method not found: workspace/configuration' },
  });
});

test('plan/approve without a handler approves', async () => {
  const peer = new Peer();
  peer.send({ id: 's1', method: 'plan/approve', params: { runId: 'r1', plan: PLAN } });
  assert.deepEqual(await peer.next(), { jsonrpc: '2.0', id: 's1', result: { decision: 'approve' } });
});

test('the plan/approve handler gets the plan and run id and can edit', async () => {
  const peer = new Peer();
  const seen = [];
  peer.client.onPlanApprove = async (plan, { runId }) => {
    seen.push(runId);
    return PlanDecision.edit({ ...plan, subtasks: plan.subtasks.slice(0, 1) });
  };
  peer.send({ id: 's2', method: 'plan/approve', params: { runId: 'r7', plan: PLAN } });
  const reply = await peer.next();
  assert.deepEqual(seen, ['r7']);
  assert.deepEqual(reply.result, { decision: 'edit', plan: { ...PLAN, subtasks: [PLAN.subtasks[0]] } });
});

test('plan/approve answers may be booleans or decisions', async () => {
  for (const [answer, wire] of [
    [false, { decision: 'reject', reason: 'rejected by the client' }],
    [true, { decision: 'approve' }],
    [PlanDecision.reject('too costly'), { decision: 'reject', reason: 'too costly' }],
    [undefined, { decision: 'approve' }],
  ]) {
    const peer = new Peer();
    peer.client.onPlanApprove = () => answer;
    peer.send({ id: 's3', method: 'plan/approve', params: { runId: 'r1', plan: PLAN } });
    assert.deepEqual((await peer.next()).result, wire);
  }
  assert.throws(() => decisionToJSON('approve'), TypeError);
});

test('a failing plan/approve handler is an internal error reply', async () => {
  const peer = new Peer();
  peer.client.onPlanApprove = () => { throw new Error('reviewer crashed'); };
  peer.send({ id: 's4', method: 'plan/approve', params: { runId: 'r1', plan: PLAN } });
  const reply = await peer.next();
  assert.equal(reply.error.code, ErrorCode.InternalError);
  assert.match(reply.error.message, /reviewer crashed/);
});

test('baton cancelling plan/approve aborts the handler and answers -32800', async () => {
  const peer = new Peer();
  let handlerSignal;
  let started;
  const running = new Promise((resolveStarted) => { started = resolveStarted; });
  peer.client.onPlanApprove = (plan, { signal }) => {
    handlerSignal = signal;
    started();
    return new Promise(() => {}); // never decides
  };
  peer.send({ id: 's5', method: 'plan/approve', params: { runId: 'r1', plan: PLAN } });
  await running;
  peer.send({ method: '$/cancelRequest', params: { id: 's5' } });
  assert.deepEqual(await peer.next(), { jsonrpc: '2.0', id: 's5', error: { code: -32800, message: 'request cancelled' } });
  assert.equal(handlerSignal.aborted, true);
});

test('events of concurrent runs reach their own run', async () => {
  const peer = new Peer();
  const everything = [];
  const first = [];
  const second = [];
  peer.client.on('runEvent', (e) => everything.push(e));
  const runA = peer.client.run({ task: 'a' }, { onEvent: (e) => first.push(e) });
  const requestA = await peer.next();
  const runB = peer.client.run({ task: 'b' }, { onEvent: (e) => second.push(e) });
  const requestB = await peer.next();
  // With a request id the event goes to that request; without, a new run id goes to the oldest
  // run request that has not seen an event yet.
  peer.send(event('rb', 1, 'planReady', { requestId: requestB.id, plan: PLAN }));
  peer.send(event('ra', 1, 'planReady', { plan: PLAN }));
  peer.send(event('rb', 2, 'subtaskStarted', { subtaskId: 's1', name: 'a' }));
  peer.send(event('ra', 2, 'subtaskStarted', { subtaskId: 's1', name: 'a' }));
  peer.reply(requestA, { ...REPORT, runId: 'ra' });
  peer.reply(requestB, { ...REPORT, runId: 'rb' });
  assert.equal((await runA).runId, 'ra');
  assert.equal((await runB).runId, 'rb');
  assert.deepEqual(first.map((e) => [e.runId, e.seq]), [['ra', 1], ['ra', 2]]);
  assert.deepEqual(second.map((e) => [e.runId, e.seq]), [['rb', 1], ['rb', 2]]);
  assert.equal(everything.length, 4);
});

test('events given to the wrong run are reported', async (t) => {
  const peer = new Peer();
  const warnings = [];
  t.mock.method(console, 'warn', (message) => warnings.push(message));
  const first = [];
  const runA = peer.client.run({ task: 'a' }, { onEvent: (e) => first.push(e) });
  const requestA = await peer.next();
  const runB = peer.client.run({ task: 'b' });
  const requestB = await peer.next();
  peer.send(event('rb', 1, 'planReady', { plan: PLAN })); // b's run starts emitting first
  peer.reply(requestB, { ...REPORT, runId: 'rb' });
  peer.reply(requestA, { ...REPORT, runId: 'ra' });
  await Promise.all([runA, runB]);
  assert.deepEqual(first.map((e) => e.runId), ['rb']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /run ra got the events of run rb/);
});

test('runEvents yields events (unknown types too), then the report', async () => {
  const peer = new Peer();
  const items = [];
  const consumer = (async () => { for await (const item of peer.client.runEvents({ task: 't' })) items.push(item); })();
  const request = await peer.next();
  peer.send(event('r1', 1, 'subtaskDelta', { subtaskId: 's1', text: 'hel' }));
  peer.send(event('r1', 2, 'somethingNew', { novel: { x: 1 } }));
  peer.reply(request, REPORT);
  await consumer;
  assert.deepEqual(items.map((i) => i.type ?? i.status), ['subtaskDelta', 'somethingNew', 'completed']);
  assert.deepEqual(items[1].novel, { x: 1 });
});

test('leaving runEvents early cancels the run request', async () => {
  const peer = new Peer();
  const stream = peer.client.runEvents({ task: 't' });
  const first = stream.next();
  const request = await peer.next();
  peer.send(event('r1', 1, 'planReady', { plan: PLAN }));
  assert.equal((await first).value.type, 'planReady');
  await stream.return();
  assert.deepEqual(await peer.next(), { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: request.id } });
});

test('an error reply of a run rejects runEvents', async () => {
  const peer = new Peer();
  const consumer = (async () => { for await (const _ of peer.client.runEvents({ task: 't' })) { /* none */ } })();
  const request = await peer.next();
  peer.send({ id: request.id, error: { code: 1004, message: 'planner failed' } });
  await assert.rejects(consumer, (e) => e.code === ErrorCode.PlanFailed);
});

test('notifications reach their listeners and a throwing listener is contained', async () => {
  const peer = new Peer();
  const progress = [];
  const logs = [];
  const raw = [];
  peer.client.on('progress', (p) => progress.push(p));
  peer.client.on('logMessage', (l) => logs.push(l));
  peer.client.on('notification', (n) => { raw.push(n.method); throw new Error('listener bug'); });
  const originalError = console.error;
  console.error = () => {};
  try {
    peer.send({ method: '$/progress', params: { token: 'w1', value: { kind: 'begin', title: 'run' } } });
    peer.send({ method: 'window/logMessage', params: { type: 2, message: 'rate limited' } });
    peer.send({ method: 'something/else', params: {} });
    const call = peer.client.status();
    peer.reply(await peer.next(), { name: 'baton' });
    assert.equal((await call).name, 'baton');
  } finally {
    console.error = originalError;
  }
  assert.deepEqual(progress, [{ token: 'w1', value: { kind: 'begin', title: 'run' } }]);
  assert.deepEqual(logs, [{ type: 2, message: 'rate limited' }]);
  assert.deepEqual(raw, ['$/progress', 'window/logMessage', 'something/else']);
});

test('deltas of concurrent completions reach their own callback', async () => {
  const peer = new Peer();
  const a = [];
  const b = [];
  const callA = peer.client.complete({ prompt: 'a' }, { onDelta: (t) => a.push(t) });
  const requestA = await peer.next();
  const callB = peer.client.complete({ prompt: 'b' }, { onDelta: (t) => b.push(t) });
  const requestB = await peer.next();
  assert.equal(requestA.params.stream, true);
  peer.send({ method: 'complete/delta', params: { requestId: requestB.id, text: 'B' } });
  peer.send({ method: 'complete/delta', params: { requestId: requestA.id, text: 'A' } });
  peer.reply(requestA, { text: 'A' });
  peer.reply(requestB, { text: 'B' });
  await Promise.all([callA, callB]);
  assert.deepEqual([a, b], [['A'], ['B']]);
});

test('end of input fails pending requests with ConnectionClosed', async () => {
  const peer = new Peer();
  const call = peer.client.status();
  await peer.next();
  peer.toClient.end();
  await assert.rejects(call, (e) => e.code === ErrorCode.ConnectionClosed);
  await assert.rejects(peer.client.status(), (e) => e.code === ErrorCode.ConnectionClosed);
});

test('lines split across chunks and multi-byte characters are reassembled', async () => {
  const peer = new Peer();
  const call = peer.client.status();
  const request = await peer.next();
  const bytes = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { name: 'bâton ✓' } }) + '\n');
  const cut = bytes.indexOf(Buffer.from('✓')) + 1; // inside the 3-byte character
  peer.toClient.write(bytes.subarray(0, cut));
  peer.toClient.write(bytes.subarray(cut));
  assert.equal((await call).name, 'bâton ✓');
});

test('method parameters go out as given, without undefined members', async () => {
  const peer = new Peer();
  const roundtrip = async (promise, result) => {
    const request = await peer.next();
    peer.reply(request, result);
    return [request, await promise];
  };
  let [request] = await roundtrip(peer.client.run({ task: 't', models: { worker: 'm:w' }, budget: { maxCostUSD: 0.5 }, approvePlan: true, stream: undefined }), REPORT);
  assert.deepEqual(request.params, { task: 't', models: { worker: 'm:w' }, budget: { maxCostUSD: 0.5 }, approvePlan: true });
  [request] = await roundtrip(peer.client.plan({ task: 't', maxSubtasks: 3 }), PLAN);
  assert.deepEqual([request.method, request.params], ['plan', { task: 't', maxSubtasks: 3 }]);
  [request] = await roundtrip(peer.client.runSubtask({ planId: 'p1', subtaskId: 's1' }), { subtaskId: 's1', output: 'o' });
  assert.deepEqual([request.method, request.params], ['runSubtask', { planId: 'p1', subtaskId: 's1' }]);
  [request] = await roundtrip(peer.client.synthesize({ planId: 'p1', format: 'bullets' }), { output: 'x', missing: [] });
  assert.deepEqual([request.method, request.params], ['synthesize', { planId: 'p1', format: 'bullets' }]);
  let cancelled;
  [request, cancelled] = await roundtrip(peer.client.cancel({ runId: 'r1' }), { cancelled: true });
  assert.deepEqual([request.method, request.params, cancelled], ['cancel', { runId: 'r1' }, true]);
  let runs;
  [request, runs] = await roundtrip(peer.client.runsList(), { runs: [{ runId: 'r1', status: 'running', task: 't' }] });
  assert.deepEqual([request.method, runs[0].runId], ['runs/list', 'r1']);
  [request] = await roundtrip(peer.client.runsGet('r1'), REPORT);
  assert.deepEqual([request.method, request.params], ['runs/get', { runId: 'r1' }]);
  await assert.rejects(peer.client.cancel({}), TypeError);
  await assert.rejects(peer.client.cancel({ runId: 'r', planId: 'p' }), TypeError);
});
