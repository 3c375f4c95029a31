// Types for the Baton Node client. Wire objects are typed as Baton sends them (camelCase JSON);
// every object may carry members newer servers add.

import { EventEmitter } from 'node:events';
import { ChildProcess } from 'node:child_process';
import { Readable, Writable } from 'node:stream';

export declare const ErrorCode: Readonly<{
  ParseError: -32700;
  InvalidRequest: -32600;
  MethodNotFound: -32601;
  InvalidParams: -32602;
  InternalError: -32603;
  NotInitialized: -32002;
  RequestCancelled: -32800;
  ProviderFailed: 1001;
  NotFound: 1002;
  BudgetExceeded: 1003;
  PlanFailed: 1004;
  OutputInvalid: 1005;
  DeadlineExceeded: 1006;
  ConnectionClosed: -1;
}>;

export declare class BatonError extends Error {
  constructor(code: number, message: string, data?: unknown);
  code: number;
  /** The server's message, without the code suffix of `message`. */
  rpcMessage: string;
  data: unknown;
  /** `data.kind` when the server classified the failure (`rateLimited`, `notConfigured`, ...). */
  readonly kind: string | undefined;
  static fromJSON(error: unknown): BatonError;
}

export declare function findBinary(binary?: string, env?: Record<string, string | undefined>): string;

export interface Usage { inputTokens: number; outputTokens: number }

export interface InitializeResult {
  serverInfo: { name: string; version: string };
  protocolVersion: string;
  capabilities: { methods: string[]; cancellation?: string[]; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Status {
  name: string; version: string; protocolVersion: string; uptimeSeconds: number;
  framing: 'lsp' | 'ndjson'; requestsInFlight: number; processId: number;
  [key: string]: unknown;
}

export interface ToolCall { id: string; name: string; arguments: unknown }

export interface ChatResult {
  text: string; toolCalls: ToolCall[];
  finishReason: 'stop' | 'length' | 'toolCalls' | 'contentFilter' | 'other';
  usage: Usage; model: string; requestId?: string; latencyMs?: number; rateLimit?: Record<string, number>;
  [key: string]: unknown;
}

export interface ProviderInfo {
  name: string; kind: string; baseURL: string; hasKey: boolean; models: string[];
  modelsSource: 'endpoint' | 'configuration'; error?: string;
}

export interface ModelsList { defaultModel?: string; providers: ProviderInfo[] }

export interface Message { role: 'system' | 'user' | 'assistant' | 'tool'; content: string; toolCalls?: ToolCall[]; toolCallId?: string }

export interface CompleteParams {
  prompt?: string; messages?: Message[]; system?: string; model?: string;
  schema?: object; schemaName?: string; maxTokens?: number; temperature?: number; stop?: string[];
  tools?: { name: string; description?: string; parameters: object }[]; stream?: boolean;
  [key: string]: unknown;
}

export interface Subtask {
  id: string; name: string; description: string; type?: string;
  params?: Record<string, unknown>; dependsOn?: string[]; constraints?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface Plan { planId: string; objective: string; subtasks: Subtask[]; [key: string]: unknown }

export interface PlanParams {
  task: string; context?: Record<string, unknown>; instructions?: string; maxSubtasks?: number;
  minSubtasks?: number; model?: string; subtaskSchema?: object; template?: string;
  [key: string]: unknown;
}

export type RunSubtaskParams = ({ planId: string; subtaskId: string } | { task: string; subtask: Partial<Subtask> & { name: string; description: string }; context?: Record<string, unknown> })
  & { model?: string; outputSchema?: object; maxTokens?: number; instructions?: string; template?: string; [key: string]: unknown };

export interface SubtaskResult {
  subtaskId: string; output: string; json?: unknown; usage: Usage; costUSD?: number; model: string;
  attempts: number; durationMs: number; finishReason: string;
}

export type SubtaskStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';

export interface SynthesizeParams {
  planId?: string; task?: string;
  results?: { subtaskId: string; name?: string; status: SubtaskStatus; output?: string; error?: string }[];
  format?: string; style?: string; instructions?: string; model?: string;
  context?: Record<string, unknown>; maxTokens?: number; template?: string;
  [key: string]: unknown;
}

export interface Synthesis {
  output: string; usage: Usage; costUSD?: number; model: string; attempts: number; durationMs: number; missing: string[];
}

export interface RunParams {
  task: string; context?: Record<string, unknown>; instructions?: string; concurrency?: number;
  models?: { planner?: string; worker?: string; synthesizer?: string };
  budget?: { maxTokens?: number; maxCostUSD?: number };
  approvePlan?: boolean; format?: string; style?: string; maxSubtasks?: number; minSubtasks?: number;
  subtaskSchema?: object; subtasks?: Subtask[]; deadlineSeconds?: number; stream?: boolean;
  /** Prompt templates by role; `{variable}` names a built-in variable or a key of `context`. */
  templates?: { planner?: string; worker?: string; synthesizer?: string };
  [key: string]: unknown;
}

export interface SubtaskOutcome {
  subtaskId: string; status: SubtaskStatus; output?: string; error?: string; usage: Usage;
  attempts: number; durationMs: number; model?: string; costUSD?: number; finishReason?: string;
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'budgetExceeded' | 'rejected' | 'interrupted';

export interface CallSummary {
  model: string; usage: Usage; costUSD?: number; attempts: number; durationMs: number; finishReason?: string;
}

export interface RunReport {
  runId: string; status: RunStatus; task: string; plan?: Plan; results: SubtaskOutcome[];
  output?: string; error?: string; usage: Usage; costUSD: number; unpricedModels?: string[];
  planning?: CallSummary; synthesis?: CallSummary;
  startedAt?: string; finishedAt?: string; durationMs?: number; journalPath?: string; journalError?: string;
  [key: string]: unknown;
}

export interface RunSummary {
  runId: string; status: RunStatus; task: string; startedAt?: string; finishedAt?: string;
  subtasks?: number; costUSD?: number;
  [key: string]: unknown;
}

export type RunEventType = 'planReady' | 'subtaskStarted' | 'subtaskDelta' | 'subtaskCompleted' | 'subtaskFailed'
  | 'subtaskSkipped' | 'retrying' | 'synthesisStarted' | 'synthesisDelta' | 'usage' | 'runCompleted';

/** A run/event notification; the members present depend on `type` (unknown types pass through). */
export interface RunEvent {
  runId: string; seq: number; type: RunEventType | (string & {});
  plan?: Plan; subtaskId?: string; name?: string; model?: string; text?: string; status?: string;
  output?: string; error?: string; usage?: Usage; costUSD?: number; completed?: number; total?: number;
  attempt?: number; reason?: string; delaySeconds?: number;
  [key: string]: unknown;
}

export type PlanDecisionJSON =
  | { decision: 'approve' } | { decision: 'edit'; plan: Plan } | { decision: 'reject'; reason?: string };

export declare const PlanDecision: Readonly<{
  approve(): PlanDecisionJSON;
  edit(plan: Plan): PlanDecisionJSON;
  reject(reason?: string): PlanDecisionJSON;
}>;

export declare function decisionToJSON(decision: PlanDecisionJSON | boolean | null | undefined): PlanDecisionJSON;

export type PlanApproveHandler = (plan: Plan, info: { runId: string; signal: AbortSignal })
  => PlanDecisionJSON | boolean | undefined | Promise<PlanDecisionJSON | boolean | undefined>;

export interface SpawnOptions {
  binary?: string;
  /** Arguments after `serve`. */
  args?: string[];
  /** Added to this process's environment; undefined/null removes a variable. */
  env?: Record<string, string | undefined | null>;
  /** A config file path, or an object written to a temporary file. */
  config?: string | object;
  stateDir?: string;
  /** Where Baton's diagnostics go (a `stdio` entry: 'inherit' by default). */
  stderr?: 'inherit' | 'ignore' | 'pipe' | number;
  cwd?: string;
}

export interface RequestOptions { signal?: AbortSignal }

export declare class BatonClient extends EventEmitter {
  constructor(readable: Readable, writable: Writable, options?: { child?: ChildProcess; tempDir?: string });
  static spawn(options?: SpawnOptions): Promise<BatonClient>;
  static attach(readable: Readable, writable: Writable): BatonClient;

  readonly child: ChildProcess | null;
  initializeResult: InitializeResult | null;
  onPlanApprove: PlanApproveHandler | null;
  readonly serverMethods: string[];

  request(method: string, params?: unknown, options?: RequestOptions & { id?: number }): Promise<any>;
  notify(method: string, params?: unknown): void;

  initialize(params?: Record<string, unknown>): Promise<InitializeResult>;
  shutdown(): Promise<void>;
  exit(timeoutMs?: number): Promise<number | string | null>;
  close(timeoutMs?: number): Promise<number | string | null>;

  status(options?: RequestOptions): Promise<Status>;
  modelsList(options?: RequestOptions): Promise<ModelsList>;
  complete(params: CompleteParams, options?: RequestOptions & { onDelta?: (text: string) => unknown }): Promise<ChatResult>;
  completeStream(params: CompleteParams, options?: RequestOptions): AsyncGenerator<string | ChatResult>;
  plan(params: PlanParams, options?: RequestOptions): Promise<Plan>;
  runSubtask(params: RunSubtaskParams, options?: RequestOptions): Promise<SubtaskResult>;
  synthesize(params: SynthesizeParams, options?: RequestOptions): Promise<Synthesis>;
  run(params: RunParams, options?: RequestOptions & { onEvent?: (event: RunEvent) => unknown }): Promise<RunReport>;
  runEvents(params: RunParams, options?: RequestOptions): AsyncGenerator<RunEvent | RunReport>;
  cancel(target: { runId: string } | { planId: string }, options?: RequestOptions): Promise<boolean>;
  runsGet(runId: string, options?: RequestOptions): Promise<RunReport>;
  runsList(options?: RequestOptions): Promise<RunSummary[]>;

  on(event: 'runEvent', listener: (event: RunEvent) => void): this;
  on(event: 'progress', listener: (progress: { token: string | number; value: { kind: 'begin' | 'report' | 'end'; [key: string]: unknown } }) => void): this;
  on(event: 'logMessage', listener: (log: { type: 1 | 2 | 3 | 4; message: string }) => void): this;
  on(event: 'notification', listener: (notification: { method: string; params: unknown }) => void): this;
  on(event: 'close', listener: (reason: string) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}
