import {
  HOOK_TOOL_KINDS,
  type HookFileChange,
  type HookReport,
  type HookResult,
  type HookToolInfo,
  type HookToolKind,
} from '@codexus/plugin';
import { type ApprovalRequest, encodeApprovalAnswer, type WireAnswer } from '../approval-request.js';
import { fieldsOf, isRecord, str, type TurnItem } from '../internal/wire.js';
import type { HookEngine } from './hook-engine.js';

/** Decisions that let a command or file change go ahead (v2 and legacy spellings). */
const ACCEPTING = new Set(['accept', 'acceptForSession', 'approved', 'approved_for_session']);

export interface ReviewApprovalOptions {
  signal?: AbortSignal;
  /** The session's cwd (for contexts whose request names none). */
  cwd?: string;
  /** The tool's item, when the turn has seen it (gives a file change its files). */
  item?: TurnItem;
  metadata?: Readonly<Record<string, unknown>>;
  /** Receives the reports of the PreToolUse hooks that ran (e.g. to put them on the turn's result). */
  onReports?(reports: HookReport[]): void;
}

/**
 * `PreToolUse`, inside approval handling (the `ApprovalRouter`'s `review`): runs after the approval
 * handler answered and can only make the answer stricter. An accepting answer to a command, file
 * change or dynamic tool call goes to the hooks; a block (or a failing hook: fail closed) turns it
 * into a decline. A decline, a cancel, an error, and requests that are no tool use pass unchanged,
 * and no hook runs for them.
 */
export async function reviewApproval(
  engine: HookEngine,
  request: ApprovalRequest,
  answer: WireAnswer,
  options: ReviewApprovalOptions = {},
): Promise<WireAnswer> {
  const tool = toolInfoFromApproval(request, options.item);
  if (!tool || !engine.has('PreToolUse') || !accepts(request, answer)) return answer;
  let verdict: { hook: string; message: string } | undefined;
  try {
    const outcome = await engine.runPre(
      'PreToolUse',
      {
        cwd: tool.cwd ?? options.cwd ?? '',
        threadId: request.threadId,
        turnId: request.turnId,
        tool,
        metadata: options.metadata,
      },
      { signal: options.signal },
    );
    options.onReports?.(outcome.reports);
    if (outcome.action.type === 'block')
      verdict = { hook: outcome.blockedBy ?? '(unknown)', message: outcome.action.reason.message };
  } catch (error) {
    verdict = { hook: '(engine)', message: `PreToolUse hooks did not finish: ${String(error)}` };
  }
  return verdict ? declined(request, verdict) : answer;
}

/**
 * `PostToolUse`, when a tool item completed (`item/completed` of a commandExecution, fileChange,
 * mcpToolCall or dynamicToolCall): the hooks see the tool and its outcome. Other items run nothing.
 */
export function runPostToolUse(
  engine: HookEngine,
  item: TurnItem,
  scope: {
    threadId: string;
    turnId: string;
    cwd: string;
    metadata?: Readonly<Record<string, unknown>>;
    signal?: AbortSignal;
  },
): Promise<HookReport[]> {
  const tool = toolInfoFromItem(item);
  if (!tool || !engine.has('PostToolUse')) return Promise.resolve([]);
  return engine.runPost(
    'PostToolUse',
    {
      cwd: tool.cwd ?? scope.cwd,
      threadId: scope.threadId,
      turnId: scope.turnId,
      tool,
      result: toolResult(item),
      metadata: scope.metadata,
    },
    { signal: scope.signal },
  );
}

/** True for the item types the tool phases are about. */
export function isToolItem(item: { type: string }): item is TurnItem & { type: HookToolKind } {
  return (HOOK_TOOL_KINDS as readonly string[]).includes(item.type);
}

/** The tool info of a tool item (undefined for other items). */
export function toolInfoFromItem(item: TurnItem): HookToolInfo | undefined {
  if (!isToolItem(item)) return undefined;
  const info: HookToolInfo = { kind: item.type, itemId: item.id };
  switch (item.type) {
    case 'commandExecution':
      assign(info, { command: str(item.command), cwd: str(item.cwd) });
      break;
    case 'fileChange':
      info.fileChanges = fileChanges(item.changes);
      break;
    case 'mcpToolCall': {
      const server = str(item.server);
      const tool = str(item.tool);
      assign(info, { name: server && tool ? `${server}/${tool}` : tool, arguments: item.arguments });
      break;
    }
    case 'dynamicToolCall': {
      // Named as PreToolUse names it: `namespace/name` for a tool of a namespace.
      const tool = str(item.tool);
      const namespace = str(item.namespace);
      assign(info, { name: namespace && tool ? `${namespace}/${tool}` : tool, arguments: item.arguments });
      break;
    }
  }
  return info;
}

/** The tool info of an approval request (undefined for requests that are no tool use). */
export function toolInfoFromApproval(request: ApprovalRequest, item?: TurnItem): HookToolInfo | undefined {
  const fromItem = item && item.id === request.itemId ? toolInfoFromItem(item) : undefined;
  let info: HookToolInfo;
  switch (request.kind) {
    case 'commandExecution':
      info = { ...fromItem, kind: 'commandExecution' };
      return assign(info, {
        itemId: request.itemId,
        command: request.command ?? fromItem?.command,
        cwd: request.cwd ?? fromItem?.cwd,
      });
    case 'fileChange':
      info = { ...fromItem, kind: 'fileChange', fileChanges: fromItem?.fileChanges ?? [] };
      return assign(info, { itemId: request.itemId });
    case 'dynamicToolCall':
      info = { kind: 'dynamicToolCall' };
      return assign(info, { itemId: request.itemId, name: request.tool, arguments: request.arguments });
    default:
      return undefined;
  }
}

/** Does the answer let the tool go ahead? */
function accepts(request: ApprovalRequest, answer: WireAnswer): boolean {
  if (!('result' in answer) || !isRecord(answer.result)) return false;
  if (request.kind === 'dynamicToolCall') return answer.result.success === true;
  const decision = answer.result.decision;
  return typeof decision === 'string' ? ACCEPTING.has(decision) : isRecord(decision);
}

function declined(request: ApprovalRequest, verdict: { hook: string; message: string }): WireAnswer {
  if (request.kind === 'dynamicToolCall') {
    const text = `declined by hook "${verdict.hook}": ${verdict.message}`;
    return { result: { contentItems: [{ type: 'inputText', text }], success: false } };
  }
  return encodeApprovalAnswer(request, 'decline');
}

function toolResult(item: TurnItem): HookResult {
  const result: HookResult = { value: item };
  const fields = fieldsOf(item);
  assign(result, { status: str(fields.status) });
  if (item.type === 'commandExecution') {
    if (typeof item.exitCode === 'number' || item.exitCode === null) result.exitCode = item.exitCode;
    assign(result, { text: str(item.aggregatedOutput) });
  }
  if (isRecord(fields.error)) assign(result, { error: str(fields.error.message) });
  return result;
}

function fileChanges(changes: unknown): HookFileChange[] {
  if (!Array.isArray(changes)) return [];
  return changes.filter(isRecord).map((change) => {
    const kind = isRecord(change.kind) ? str(change.kind.type) : str(change.kind);
    const file: HookFileChange = {
      path: str(change.path) ?? '',
      kind: kind === 'add' || kind === 'delete' ? kind : 'update',
    };
    if (isRecord(change.kind)) assign(file, { movePath: str(change.kind.move_path) ?? undefined });
    return assign(file, { diff: str(change.diff) });
  });
}

/** Copies the defined values only (the contexts stay free of `undefined` keys). */
function assign<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}
