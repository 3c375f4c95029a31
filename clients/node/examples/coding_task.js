#!/usr/bin/env node
// A coding task split into subtasks (one function each) and merged into one program.
// Usage: node clients/node/examples/coding_task.js [--model provider:model] [--binary path]
// Progress goes to stderr, the program to stdout.
import { parseArgs } from 'node:util';
import { BatonClient } from '../index.js';

const { values: args } = parseArgs({ options: { model: { type: 'string' }, binary: { type: 'string' } } });
const model = args.model;

function progress(event) {
  const lines = {
    planReady: () => `plan: ${event.plan.subtasks.length} subtasks: ${event.plan.subtasks.map((s) => s.name).join(', ')}`,
    subtaskStarted: () => `  started   ${event.name}`,
    subtaskCompleted: () => `  done      ${event.subtaskId} (${event.completed}/${event.total})`,
    subtaskFailed: () => `  FAILED    ${event.subtaskId}: ${event.error}`,
    retrying: () => `  retrying  ${event.subtaskId ?? 'step'} after attempt ${event.attempt}: ${event.reason}`,
    synthesisStarted: () => 'synthesizing...',
  };
  if (lines[event.type]) console.error(lines[event.type]());
}

const client = await BatonClient.spawn({ binary: args.binary });
try {
  await client.initialize();
  const report = await client.run({
    task: 'Write a Python command-line program that reads a text file and prints the ten most frequent words with their counts.',
    instructions: 'Each subtask writes one Python function with a docstring, no prose.',
    minSubtasks: 2,
    maxSubtasks: 4,
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
