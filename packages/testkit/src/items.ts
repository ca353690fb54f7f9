/**
 * Builders for the output items a scripted model answers with. Each returns a {@link ScriptItem}:
 * the Responses API item that goes into `response.output_item.done`, plus optional text deltas
 * that are streamed before it. Ids come from process-wide counters (`msg_1`, `call_1`, ...), so
 * they are unique across every model in a test run and the same from run to run.
 */

/** Assistant text: `{type:"message", role:"assistant", content:[{type:"output_text", text}]}`. */
export interface OutputMessageItem {
  type: 'message';
  id: string;
  role: 'assistant';
  status: 'completed';
  content: Array<{ type: 'output_text'; text: string; annotations: unknown[] }>;
}

/** A reasoning summary: `{type:"reasoning", summary:[{type:"summary_text", text}]}`. */
export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
}

/** A tool call; `arguments` is a JSON string, as on the real API. */
export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'completed';
}

/** Any other item, sent as given (see {@link rawItem}). */
export interface CustomOutputItem {
  type: string;
  [key: string]: unknown;
}

export type OutputItem = OutputMessageItem | ReasoningItem | FunctionCallItem | CustomOutputItem;

/** One output item of a scripted response. */
export interface ScriptItem {
  readonly kind: 'item';
  readonly item: OutputItem;
  /**
   * Streamed before the item is done: `response.output_text.delta` per chunk for a message,
   * `response.reasoning_summary_text.delta` per chunk for reasoning.
   */
  readonly deltas?: readonly string[];
}

const counters = new Map<string, number>();
/** Next id with the given prefix: `msg_1`, `msg_2`, `call_1`, ... (process-wide). */
export function nextId(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}_${n}`;
}

/** An assistant message with the whole text in one item (no deltas). */
export function message(text: string): ScriptItem {
  const item: OutputMessageItem = {
    type: 'message',
    id: nextId('msg'),
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
  return { kind: 'item', item };
}

/** An assistant message streamed as one `output_text.delta` per chunk; the final text is the chunks joined. */
export function streamedMessage(chunks: readonly string[]): ScriptItem {
  return { ...message(chunks.join('')), deltas: [...chunks] };
}

/** A reasoning item whose summary is `summaryText` (codex shows it as a `reasoning` item). */
export function reasoning(summaryText: string): ScriptItem {
  const item: ReasoningItem = {
    type: 'reasoning',
    id: nextId('rs'),
    summary: [{ type: 'summary_text', text: summaryText }],
  };
  return { kind: 'item', item };
}

/** A reasoning item whose summary is streamed as one `reasoning_summary_text.delta` per chunk. */
export function streamedReasoning(chunks: readonly string[]): ScriptItem {
  return { ...reasoning(chunks.join('')), deltas: [...chunks] };
}

export interface FunctionCallOptions {
  /** The `call_id` codex echoes back in the `function_call_output`. Default: `call_<n>`. */
  callId?: string;
}

/** A call of any tool codex offers (`exec_command`, `request_user_input`, an MCP or dynamic tool, ...). */
export function functionCall(
  name: string,
  args: Readonly<Record<string, unknown>> | string,
  options: FunctionCallOptions = {},
): ScriptItem {
  const item: FunctionCallItem = {
    type: 'function_call',
    id: nextId('fc'),
    call_id: options.callId ?? nextId('call'),
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
    status: 'completed',
  };
  return { kind: 'item', item };
}

export interface ShellOptions extends FunctionCallOptions {
  /** Working directory of the command (default: the turn's cwd). */
  workdir?: string;
  /** Ask to run outside the sandbox; with approval `on-request` this makes codex ask for approval. */
  sandboxPermissions?: 'require_escalated';
  /** The approval question shown with `require_escalated`. */
  justification?: string;
  /** `false` runs `bash -c` instead of codex's default login shell (`bash -lc`), skipping profile noise. */
  login?: boolean;
  /** Reusable approval prefix, only with `require_escalated` (e.g. `['git', 'pull']`). */
  prefixRule?: readonly string[];
  /** How long codex waits for output before yielding (codex default 10 000 ms). */
  yieldTimeMs?: number;
}

/**
 * A shell command as codex 0.169 offers it to a non-OpenAI model: a `function_call` named
 * `exec_command` with JSON arguments `{cmd, workdir?, sandbox_permissions?, justification?, ...}`.
 */
export function shell(cmd: string, options: ShellOptions = {}): ScriptItem {
  const args: Record<string, unknown> = { cmd };
  if (options.workdir !== undefined) args.workdir = options.workdir;
  if (options.sandboxPermissions !== undefined) args.sandbox_permissions = options.sandboxPermissions;
  if (options.justification !== undefined) args.justification = options.justification;
  if (options.login !== undefined) args.login = options.login;
  if (options.prefixRule !== undefined) args.prefix_rule = [...options.prefixRule];
  if (options.yieldTimeMs !== undefined) args.yield_time_ms = options.yieldTimeMs;
  return functionCall('exec_command', args, options.callId === undefined ? {} : { callId: options.callId });
}

/** One file operation of {@link applyPatch}. */
export type PatchOperation =
  | { addFile: { path: string; content: string } }
  | { deleteFile: { path: string } }
  /** `diff` is the hunk text: `@@` lines, then lines starting with ` ` (context), `-` or `+`. */
  | { updateFile: { path: string; diff: string; moveTo?: string } };

/** Renders operations as the body of an apply_patch envelope (without Begin/End lines). */
export function renderPatchOperations(operations: readonly PatchOperation[]): string {
  const lines: string[] = [];
  for (const op of operations) {
    if ('addFile' in op) {
      lines.push(`*** Add File: ${op.addFile.path}`);
      for (const line of splitLines(op.addFile.content)) lines.push(`+${line}`);
    } else if ('deleteFile' in op) {
      lines.push(`*** Delete File: ${op.deleteFile.path}`);
    } else {
      lines.push(`*** Update File: ${op.updateFile.path}`);
      if (op.updateFile.moveTo !== undefined) lines.push(`*** Move to: ${op.updateFile.moveTo}`);
      lines.push(...splitLines(op.updateFile.diff));
    }
  }
  return lines.join('\n');
}

/**
 * A file change the way codex 0.169 receives it from a non-OpenAI model: an `exec_command` whose
 * `cmd` is `apply_patch <<'EOF'\n*** Begin Patch\n...\n*** End Patch\nEOF\n`. codex intercepts it
 * and reports a `fileChange` item (not a `commandExecution`).
 * `patch` is either operations or the raw text between (or including) the Begin/End lines.
 */
export function applyPatch(
  patch: string | PatchOperation | readonly PatchOperation[],
  options: ShellOptions = {},
): ScriptItem {
  const body =
    typeof patch === 'string'
      ? stripEnvelope(patch)
      : renderPatchOperations(Array.isArray(patch) ? patch : [patch as PatchOperation]);
  return shell(`apply_patch <<'EOF'\n*** Begin Patch\n${body}\n*** End Patch\nEOF\n`, options);
}

/** Any output item, sent unchanged (for item types the builders do not cover). */
export function rawItem(item: OutputItem, deltas?: readonly string[]): ScriptItem {
  return deltas === undefined ? { kind: 'item', item } : { kind: 'item', item, deltas: [...deltas] };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function stripEnvelope(patch: string): string {
  const lines = splitLines(patch.replace(/\r\n/g, '\n'));
  if (lines[0]?.trim() === '*** Begin Patch') lines.shift();
  if (lines[lines.length - 1]?.trim() === '*** End Patch') lines.pop();
  return lines.join('\n');
}
