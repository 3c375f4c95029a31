// plan, runSubtask, synthesize, run (events, approval, cancellation), runs/* against the real
// binary and the mock LLM server. Skipped while the server does not serve these methods.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ErrorCode, PlanDecision } from '../index.js';
import { Mock, connect, skipUnlessServed } from '../testing/harness.js';

let mock;
before(async () => { mock = await Mock.start(); });
beforeEach(() => mock.reset());
after(() => mock.stop());

const BUDGET_SCHEMA = { type: 'object', properties: { budgetShare: { type: 'number' } }, required: ['budgetShare'] };
const TWO_STEPS = [
  { id: 'a', name: 'Draft', description: 'Draft the text' },
  { id: 'b', name: 'Polish', description: 'Polish the draft', dependsOn: ['a'] },
];
const field = (subtask, key) => subtask.params?.[key] ?? subtask[key];

test('plan splits a task into subtasks with the fields a subtaskSchema demands', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'plan')) return;
  const plan = await client.plan({ task: 'Plan a party', maxSubtasks: 3, subtaskSchema: BUDGET_SCHEMA });
  assert.ok(plan.planId);
  assert.ok(plan.subtasks.length >= 1 && plan.subtasks.length <= 3);
  for (const s of plan.subtasks) {
    assert.ok(s.id && s.name && s.description);
    assert.equal(typeof field(s, 'budgetShare'), 'number');
  }
});

test('runSubtask and synthesize work on a stored plan', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'plan', 'runSubtask', 'synthesize')) return;
  const plan = await client.plan({ task: 'Describe three rivers' });
  for (const subtask of plan.subtasks) {
    const result = await client.runSubtask({ planId: plan.planId, subtaskId: subtask.id });
    assert.equal(result.subtaskId, subtask.id);
    assert.match(result.output, /^echo:/);
    assert.ok(result.attempts >= 1);
  }
  const synthesis = await client.synthesize({ planId: plan.planId });
  assert.ok(synthesis.output);
  assert.deepEqual(synthesis.missing, []);
});

test('synthesize given results reports the missing ones', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'synthesize')) return;
  const synthesis = await client.synthesize({
    task: 'Answer the customer', format: 'bullets', results: [
      { subtaskId: 's1', name: 'Billing', status: 'completed', output: 'Refund issued.' },
      { subtaskId: 's2', name: 'Return', status: 'failed', error: 'timeout' }],
  });
  assert.deepEqual(synthesis.missing, ['s2']);
});

test('run reports every subtask and its events arrive in order', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const events = [];
  const report = await client.run({ task: 'Write a short story' }, { onEvent: (e) => events.push(e) });
  assert.equal(report.status, 'completed');
  assert.ok(report.output);
  assert.equal(report.results.length, report.plan.subtasks.length);
  assert.ok(events.every((e) => e.runId === report.runId));
  const seqs = events.map((e) => e.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i));
  assert.equal(events[0].type, 'planReady');
  assert.equal(events.at(-1).type, 'runCompleted');
  const completed = new Set(events.filter((e) => e.type === 'subtaskCompleted').map((e) => e.subtaskId));
  assert.deepEqual(completed, new Set(report.plan.subtasks.map((s) => s.id)));
});

test('runEvents streams deltas and ends with the report', async (t) => {
  await mock.configure({ reply_words: 10 });
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const items = [];
  for await (const item of client.runEvents({ task: 'Explain tides', stream: true })) items.push(item);
  const report = items.pop();
  assert.equal(report.status, 'completed');
  for (const r of report.results) {
    const text = items.filter((e) => e.type === 'subtaskDelta' && e.subtaskId === r.subtaskId).map((e) => e.text).join('');
    assert.equal(text, r.output);
  }
  assert.equal(items.filter((e) => e.type === 'synthesisDelta').map((e) => e.text).join(''), report.output);
});

test('a given plan skips the planner', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const report = await client.run({ task: 'Write and polish a slogan', subtasks: TWO_STEPS });
  assert.deepEqual(report.results.map((r) => r.subtaskId), ['a', 'b']);
  assert.equal((await mock.log()).length, 3);
});

test('context variables fill prompt templates; an unknown variable is refused before any call', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const report = await client.run({
    task: 'Taglines', context: { product: 'Zephyr kettles', audience: 'night owls' },
    subtasks: [{ id: 't', name: 'Tagline', description: 'One tagline' }],
    templates: { worker: 'Write {subtaskName} for {product}, aimed at {audience}.' },
  });
  assert.equal(report.status, 'completed');
  const prompt = (await mock.log())[0].body.messages.at(-1).content;
  assert.ok(prompt.includes('Zephyr kettles') && prompt.includes('night owls') && !prompt.includes('{product}'));
  await mock.reset();
  await assert.rejects(client.run({ task: 'x', templates: { worker: 'Do {nothing}' } }),
    (e) => e.code === ErrorCode.InvalidParams && e.kind === 'templateVariableMissing' && e.data.variable === 'nothing');
  assert.deepEqual(await mock.log(), []);
});

test('a cyclic given plan is -32602 invalidPlan; a failing planner ends the run as failed', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run', 'plan')) return;
  const cyclic = [{ id: 'a', name: 'A', description: 'a', dependsOn: ['b'] }, { id: 'b', name: 'B', description: 'b', dependsOn: ['a'] }];
  await assert.rejects(client.run({ task: 'x', subtasks: cyclic }), (e) => e.code === ErrorCode.InvalidParams && e.kind === 'invalidPlan');
  await mock.configure({ status: 400 });
  const report = await client.run({ task: 'x' });
  assert.equal(report.status, 'failed');
  assert.match(report.error, /400/);
  await assert.rejects(client.plan({ task: 'x' }), (e) => e.code === ErrorCode.ProviderFailed && e.kind === 'badRequest');
});

test('retries and usage are reported as events', async (t) => {
  await mock.configure({ fail_first_n: 1, error_status: 500 });
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const events = [];
  const report = await client.run({ task: 'x', subtasks: [{ id: 'a', name: 'A', description: 'a' }] }, { onEvent: (e) => events.push(e) });
  assert.equal(report.results[0].attempts, 2);
  const retry = events.find((e) => e.type === 'retrying');
  assert.equal(retry.subtaskId, 'a');
  assert.equal(retry.attempt, 1);
  assert.match(retry.reason, /500/);
  assert.deepEqual(events.filter((e) => e.type === 'usage').at(-1).usage, report.usage);
});

test('approval can edit the plan, reject it, or default to approve', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const reviewed = [];
  client.onPlanApprove = (plan, { runId }) => {
    reviewed.push(runId);
    return PlanDecision.edit({ ...plan, subtasks: plan.subtasks.slice(0, 1) });
  };
  const events = [];
  const edited = await client.run({ task: 'Plan a garden', approvePlan: true, minSubtasks: 2 }, { onEvent: (e) => events.push(e) });
  assert.deepEqual(reviewed, [edited.runId]);
  assert.equal(edited.results.length, 1);
  // planReady comes again with the plan as edited.
  assert.deepEqual(events.filter((e) => e.type === 'planReady').map((e) => e.plan.subtasks.length), [2, 1]);
  client.onPlanApprove = () => PlanDecision.reject('not now');
  assert.equal((await client.run({ task: 'Plan a garden', approvePlan: true })).status, 'rejected');
  client.onPlanApprove = null;
  assert.equal((await client.run({ task: 'Plan a garden', approvePlan: true })).status, 'completed');
});

test('cancel by run id resolves the run as cancelled', async (t) => {
  await mock.configure({ gate: true });
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run', 'cancel')) return;
  let gotRunId;
  const runId = new Promise((resolveRunId) => { gotRunId = resolveRunId; });
  const call = client.run({ task: 'Slow work', subtasks: TWO_STEPS }, { onEvent: (e) => gotRunId(e.runId) });
  await mock.wait({ gated: 1 });
  assert.equal(await client.cancel({ runId: await runId }), true);
  const report = await call;
  assert.equal(report.status, 'cancelled');
  assert.equal(report.results.find((r) => r.subtaskId === 'a').status, 'cancelled');
});

test('aborting a run request cancels it', async (t) => {
  await mock.configure({ gate: true });
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const controller = new AbortController();
  const call = client.run({ task: 'Slow work', subtasks: TWO_STEPS }, { signal: controller.signal });
  await mock.wait({ gated: 1 });
  controller.abort();
  await assert.rejects(call, { name: 'AbortError' });
  await mock.wait({ disconnects: 1 });
  assert.equal((await client.status()).requestsInFlight, 1);
});

test('runsGet and runsList find a finished run; unknown ids are 1002', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run', 'runs/get', 'runs/list')) return;
  const report = await client.run({ task: 'Name a cat', subtasks: [{ id: 'n', name: 'Name', description: 'A name' }] });
  const again = await client.runsGet(report.runId);
  assert.equal(again.status, 'completed');
  assert.ok((await client.runsList()).some((r) => r.runId === report.runId && r.task === 'Name a cat'));
  await assert.rejects(client.runsGet('no-such-run'), (e) => e.code === ErrorCode.NotFound);
  assert.equal(await client.cancel({ runId: 'no-such-run' }), false);
});

test('a token budget stops the run', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  assert.equal((await client.run({ task: 'Write an essay', budget: { maxTokens: 1 } })).status, 'budgetExceeded');
});

test('run progress reaches the progress listeners', async (t) => {
  const client = await connect(t, mock);
  if (!skipUnlessServed(t, client, 'run')) return;
  const kinds = [];
  client.on('progress', ({ token, value }) => kinds.push(`${token}:${value.kind}`));
  await client.run({ task: 'Count to three', workDoneToken: 'w1' });
  assert.equal(kinds[0], 'w1:begin');
  assert.equal(kinds.at(-1), 'w1:end');
});
