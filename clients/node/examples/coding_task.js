#!/usr/bin/env node
// A coding task split into subtasks (one function each) and merged into one program.
// Usage: node clients/node/examples/coding_task.js [--model provider:model] [--binary path] [--max-tokens N]
// Progress goes to stderr, the program to stdout. Plan approval caps each subtask's output (default
// 300 tokens, 0 = no cap) so the synthesis fits the local model's 2048-token context.
import { parseArgs } from 'node:util';
import { BatonClient, PlanDecision } from '../index.js';

const { values: args } = parseArgs({
  options: { model: { type: 'string' }, binary: { type: 'string' }, 'max-tokens': { type: 'string', default: '300' } },
});
const model = args.model;
const maxTokens = Number(args['max-tokens']);

const planned = new Set(); // a second planReady is the plan as edited at approval

function progress(event) {
  const lines = {
    planReady: () => `plan${planned.has(event.runId) ? ' (as approved)' : ''}: ${event.plan.subtasks.length} subtasks: ${event.plan.subtasks.map((s) => s.name).join(', ')}`,
    subtaskStarted: () => `  started   ${event.name}`,
    subtaskCompleted: () => `  done      ${event.subtaskId} (${event.completed}/${event.total})`,
    subtaskFailed: () => `  FAILED    ${event.subtaskId}: ${event.error}`,
    retrying: () => `  retrying  ${event.subtaskId ?? 'step'} after attempt ${event.attempt}: ${event.reason}`,
    synthesisStarted: () => 'synthesizing...',
  };
  if (lines[event.type]) console.error(lines[event.type]());
  if (event.type === 'planReady') planned.add(event.runId);
}

const client = await BatonClient.spawn({ binary: args.binary });
client.onPlanApprove = (plan) => PlanDecision.edit({
  ...plan,
  subtasks: plan.subtasks.map((s) => (maxTokens ? { ...s, constraints: { ...s.constraints, maxTokens } } : s)),
});
try {
  await client.initialize();
  const report = await client.run({
    task: 'Write a Python command-line program that reads a text file and prints the ten most frequent words with their counts.',
    instructions: 'Each subtask writes one Python function with a docstring, no prose.',
    minSubtasks: 2,
    maxSubtasks: 3,
    approvePlan: true,
    format: 'one complete Python file in a single code block, functions first, then main()',
    models: model ? { planner: model, worker: model, synthesizer: model } : undefined,
  }, { onEvent: progress });
  const tokens = report.usage.inputTokens + report.usage.outputTokens;
  console.error(`run ${report.runId}: ${report.status}, ${tokens} tokens, $${report.costUSD.toFixed(4)}`);
  if (report.status === 'completed') console.log(report.output);
  else console.error(`error: ${report.error ?? report.status}`);
  process.exitCode = report.status === 'completed' ? 0 : 1;
} finally {
  await client.close();
}
