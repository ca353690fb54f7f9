import type { HookReport } from '@codexus/plugin';
import type { HookEngine } from '../hooks/hook-engine.js';
import { settleOrAbort } from '../internal/settle-or-abort.js';
import { isRecord, str } from '../internal/wire.js';
import type { AnyTool, ToolContentItem, ToolContext, ToolOutput } from './tool.js';
import type { ToolRegistry } from './tool-registry.js';

/** `item/tool/call` params (codex's `DynamicToolCallParams`). */
export interface ToolCallParams {
  threadId: string;
  turnId: string;
  callId: string;
  tool: string;
  namespace?: string | null;
  arguments: unknown;
}

/** The answer codex passes back to the model (`DynamicToolCallResponse`). */
export interface ToolCallAnswer {
  contentItems: ({ type: 'inputText'; text: string } | { type: 'inputImage'; imageUrl: string })[];
  success: boolean;
}

/** A tool call as the turn's stream shows it. */
export interface ToolCallInfo {
  callId: string;
  /** The tool's name (without its namespace). */
  name: string;
  namespace?: string;
  arguments: unknown;
}

/** What happened to one call (the `toolCallCompleted` event). */
export interface ToolCallOutcome extends ToolCallInfo {
  success: boolean;
  durationMs: number;
  /** Why it failed: unknown tool, invalid arguments, blocked by a hook, the tool threw, aborted. */
  error?: string;
}

export interface RunToolCallOptions {
  registry: ToolRegistry;
  /** Aborts the call (interrupt, turn end, close). */
  signal: AbortSignal;
  /** The time limit when the tool has none (ms). */
  timeoutMs: number;
  hooks?: { engine: HookEngine; cwd: string };
  onStarted?(call: ToolCallInfo): void;
  onCompleted?(outcome: ToolCallOutcome): void;
  onReports?(reports: HookReport[]): void;
}

/**
 * Runs one `item/tool/call` and returns the answer for codex; never throws. Unknown tool, invalid
 * arguments (the issues as text, so the model can retry), a PreToolUse block, a throwing `run`, a
 * timeout and an abort all answer `success: false` with the reason as text.
 */
export async function runToolCall(
  params: ToolCallParams,
  options: RunToolCallOptions,
): Promise<ToolCallAnswer> {
  const startedAt = Date.now();
  const namespace = str(params.namespace) ?? undefined;
  const info: ToolCallInfo = {
    callId: params.callId,
    name: params.tool,
    ...(namespace === undefined ? {} : { namespace }),
    arguments: params.arguments,
  };
  options.onStarted?.(info);
  let answer: ToolCallAnswer;
  let error: string | undefined;
  try {
    const found = options.registry.find(namespace, params.tool);
    if (!found) throw new Error(`unknown tool "${qualified(info)}"`);
    let args = await found.parse(params.arguments);
    const patched = await preToolUse(params, info, args, options);
    if (patched !== undefined) args = await found.parse(patched); // a patch passes the schema too
    answer = { contentItems: encode(await execute(found, args, params, info, options)), success: true };
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    answer = { contentItems: [{ type: 'inputText', text: error }], success: false };
  }
  options.onCompleted?.({
    ...info,
    success: answer.success,
    durationMs: Date.now() - startedAt,
    ...(error === undefined ? {} : { error }),
  });
  return answer;
}

/** `namespace/name`, or `name`: what hooks match and messages show. */
export function qualified(call: { name: string; namespace?: string }): string {
  return call.namespace === undefined ? call.name : `${call.namespace}/${call.name}`;
}

/** Runs PreToolUse: throws on a block, returns the patched arguments (if a hook patched them). */
async function preToolUse(
  params: ToolCallParams,
  info: ToolCallInfo,
  args: unknown,
  options: RunToolCallOptions,
): Promise<unknown> {
  const engine = options.hooks?.engine;
  if (!engine?.has('PreToolUse')) return undefined;
  const outcome = await engine.runPre(
    'PreToolUse',
    {
      cwd: options.hooks?.cwd ?? '',
      threadId: params.threadId,
      turnId: params.turnId,
      tool: { kind: 'dynamicToolCall', itemId: params.callId, name: qualified(info), arguments: args },
    },
    { signal: options.signal },
  );
  options.onReports?.(outcome.reports);
  if (outcome.action.type === 'block')
    throw new Error(
      `declined by hook "${outcome.blockedBy ?? '(unknown)'}": ${outcome.action.reason.message}`,
    );
  return outcome.action.type === 'patch' ? outcome.action.patch.arguments : undefined;
}

async function execute(
  found: AnyTool,
  args: unknown,
  params: ToolCallParams,
  info: ToolCallInfo,
  options: RunToolCallOptions,
): Promise<ToolOutput> {
  const timeoutMs = found.timeoutMs ?? options.timeoutMs;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new Error(`tool "${qualified(info)}" timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const context: ToolContext = {
    signal: controller.signal,
    threadId: params.threadId,
    turnId: params.turnId,
    callId: params.callId,
    name: info.name,
    ...(info.namespace === undefined ? {} : { namespace: info.namespace }),
  };
  try {
    return await settleOrAbort(() => found.run(args, context), controller.signal);
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
}

function encode(output: ToolOutput): ToolCallAnswer['contentItems'] {
  if (typeof output === 'string') return [{ type: 'inputText', text: output }];
  if (!Array.isArray(output)) throw new Error('the tool returned neither a string nor content items');
  return output.map((item: ToolContentItem, i) => {
    if (isRecord(item) && item.type === 'text' && typeof item.text === 'string')
      return { type: 'inputText', text: item.text };
    if (isRecord(item) && item.type === 'image' && typeof item.url === 'string')
      return { type: 'inputImage', imageUrl: item.url };
    throw new Error(
      `the tool returned an invalid content item at [${i}] (want {type:'text',text} or {type:'image',url})`,
    );
  });
}
