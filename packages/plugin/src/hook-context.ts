import type { HookPhase } from './hook-phase.js';
import type { ReasoningEffort } from './vocabulary.js';

/** The tool items a tool phase can be about (the codex item types). */
export const HOOK_TOOL_KINDS = ['commandExecution', 'fileChange', 'mcpToolCall', 'dynamicToolCall'] as const;
export type HookToolKind = (typeof HOOK_TOOL_KINDS)[number];

/** One file a `fileChange` tool adds, deletes or updates. */
export interface HookFileChange {
  path: string;
  kind: 'add' | 'delete' | 'update';
  /** The new path of a moved file. */
  movePath?: string;
  /** The unified diff, when known. */
  diff?: string;
}

/** What a tool phase is about. */
export interface HookToolInfo {
  kind: HookToolKind;
  /** The codex item id of the tool call. */
  itemId?: string;
  /** `commandExecution`: the command line. */
  command?: string;
  /** `commandExecution`: the command's working directory. */
  cwd?: string;
  /** `fileChange`: the files it touches (empty when codex did not say yet). */
  fileChanges?: readonly HookFileChange[];
  /** `mcpToolCall` / `dynamicToolCall`: the tool's name (`server/tool` for MCP). */
  name?: string;
  /** `mcpToolCall` / `dynamicToolCall`: the call's arguments. */
  arguments?: unknown;
}

/** What the action a post-hook observes produced. */
export interface HookResult {
  /** `completed`, `failed`, `interrupted`, `declined`, ... as the runtime reported it. */
  status?: string;
  /** The final text of a run or turn; the output of a command. */
  text?: string;
  /** A command's exit code. */
  exitCode?: number | null;
  /** The error message of a failed action. */
  error?: string;
  /** The whole value as the runtime produced it (a run or turn result, a thread, a tool item). */
  value?: unknown;
}

/**
 * What a hook sees. Fields that do not apply to a phase are absent: `tool` only on tool phases,
 * `result` only on post phases, `threadId` not before a session exists, `turnId` not before a turn.
 */
export interface HookContext {
  readonly phase: HookPhase;
  /** The working directory of the run, session or turn. */
  readonly cwd: string;
  readonly threadId?: string;
  readonly turnId?: string;
  /** The prompt's text (runs and turns), as patched by the hooks before this one. */
  readonly prompt?: string;
  readonly model?: string;
  readonly effort?: ReasoningEffort;
  readonly tool?: HookToolInfo;
  readonly result?: HookResult;
  /** What the program attached to the engine or the call (names, labels, ids). */
  readonly metadata: Readonly<Record<string, unknown>>;
}
