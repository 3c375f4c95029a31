// complete, models/list and error replies against the real binary and the mock LLM server.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { BatonError, ErrorCode } from '../index.js';
import { Mock, connect } from '../testing/harness.js';

let mock;
before(async () => { mock = await Mock.start(); });
beforeEach(() => mock.reset());
after(() => mock.stop());

test('complete returns the provider answer', async (t) => {
  const client = await connect(t, mock);
  const result = await client.complete({ prompt: 'What is the capital of France?' });
  assert.equal(result.text, 'echo: What is the capital of France?');
  assert.equal(result.finishReason, 'stop');
  assert.equal(result.model, 'mock-model');
  assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);
  assert.deepEqual(result.toolCalls, []);
});

test('complete passes its parameters through', async (t) => {
  const client = await connect(t, mock);
  await client.complete({ prompt: 'hi', system: 'be brief', maxTokens: 7, temperature: 0.5 });
  const [entry] = (await mock.log()).slice(-1);
  assert.ok(entry.body.max_tokens === 7 || entry.body.max_completion_tokens === 7);
  assert.equal(entry.body.temperature, 0.5);
  assert.deepEqual(entry.body.messages[0], { role: 'system', content: 'be brief' });
});

test('complete with a schema returns JSON text', async (t) => {
  const client = await connect(t, mock);
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
  const result = await client.complete({ messages: [{ role: 'user', content: 'Where?' }], schema, schemaName: 'answer' });
  assert.deepEqual(Object.keys(JSON.parse(result.text)), ['city']);
});

test('onDelta receives the streamed text in order', async (t) => {
  await mock.configure({ reply_words: 12 });
  const client = await connect(t, mock);
  const deltas = [];
  const result = await client.complete({ prompt: 'stream this' }, { onDelta: (text) => deltas.push(text) });
  assert.ok(deltas.length > 1);
  assert.equal(deltas.join(''), result.text);
  assert.equal((await mock.log()).at(-1).body.stream, true);
});

test('completeStream yields deltas then the result', async (t) => {
  await mock.configure({ reply_words: 5 });
  const client = await connect(t, mock);
  const items = [];
  for await (const item of client.completeStream({ prompt: 'iterate' })) items.push(item);
  const result = items.pop();
  assert.equal(typeof result, 'object');
  assert.ok(items.length > 1 && items.every((d) => typeof d === 'string'));
  assert.equal(items.join(''), result.text);
});

test('modelsList names the mock provider and the default model', async (t) => {
  const client = await connect(t, mock);
  const models = await client.modelsList();
  assert.equal(models.defaultModel, 'mock:mock-model');
  const provider = models.providers.find((p) => p.name === 'mock');
  assert.deepEqual(provider.models, ['mock-model']);
  assert.equal(provider.modelsSource, 'endpoint');
  assert.equal(provider.hasKey, false);
});

test('a rate-limited provider is error 1001 with its kind', async (t) => {
  await mock.configure({ status: 429 });
  const client = await connect(t, mock);
  await assert.rejects(client.complete({ prompt: 'hi' }), (e) => {
    assert.ok(e instanceof BatonError);
    assert.equal(e.code, ErrorCode.ProviderFailed);
    assert.equal(e.kind, 'rateLimited');
    assert.equal(e.data.status, 429);
    assert.equal(e.data.retryable, true);
    assert.match(e.rpcMessage, /429/);
    return true;
  });
});

test('an unknown provider is -32602 notConfigured', async (t) => {
  const client = await connect(t, mock);
  await assert.rejects(client.complete({ prompt: 'hi', model: 'nope:model' }),
    (e) => e.code === ErrorCode.InvalidParams && e.kind === 'notConfigured' && /nope/.test(e.rpcMessage));
});

test('an unknown method is -32601 and a mistyped field is -32602', async (t) => {
  const client = await connect(t, mock);
  await assert.rejects(client.request('no/such'),
    (e) => e.code === ErrorCode.MethodNotFound && e.rpcMessage === 'method not found: no/such');
  await assert.rejects(client.complete({ prompt: 'hi', maxTokens: 'many' }),
    (e) => e.code === ErrorCode.InvalidParams && /maxTokens/.test(e.rpcMessage));
});

test('the client keeps working after errors', async (t) => {
  await mock.configure({ status: 500 });
  const client = await connect(t, mock);
  await assert.rejects(client.complete({ prompt: 'fails' }), (e) => e.kind === 'serverError');
  await mock.reset();
  assert.equal((await client.complete({ prompt: 'works' })).text, 'echo: works');
});

test('BatonError.fromJSON names codes and tolerates garbage', () => {
  const e = BatonError.fromJSON({ code: 1003, message: 'over budget', data: { kind: 'tokens' } });
  assert.equal(e.name, 'BatonError[BudgetExceeded]');
  assert.equal(e.kind, 'tokens');
  assert.equal(BatonError.fromJSON({ code: 4242, message: 'new' }).name, 'BatonError');
  assert.equal(BatonError.fromJSON('garbage').code, ErrorCode.InternalError);
});
