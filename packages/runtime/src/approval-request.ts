import { CodexusError, type RequestId, RPC_INTERNAL_ERROR } from '@codexus/core';
import { encodeServerRequestResponse, type ServerRequestMethod } from '@codexus/protocol';
import { isRecord, str } from './internal/wire.js';

/** The fields every approval request has. */
export interface ApprovalBase {
  /** The server's request id. */
  id: RequestId;
  /** The wire method (legacy v1 methods are mapped onto the v2 kinds). */
  method: string;
  threadId?: string;
  turnId?: string;
  itemId?: string;
  /** The request's params, as sent. */
  params: unknown;
}

/** A server request that needs an answer, as an approval handler sees it. */
export type ApprovalRequest =
  | (ApprovalBase & { kind: 'commandExecution'; command?: string; cwd?: string; reason?: string })
  | (ApprovalBase & { kind: 'fileChange'; reason?: string; grantRoot?: string })
  | (ApprovalBase & { kind: 'userInput'; questions: unknown[] })
  | (ApprovalBase & { kind: 'permissions'; permissions: unknown })
  | (ApprovalBase & { kind: 'elicitation'; serverName?: string; message?: string })
  | (ApprovalBase & { kind: 'dynamicToolCall'; tool?: string; arguments: unknown })
  | (ApprovalBase & { kind: 'authRefresh' })
  | (ApprovalBase & { kind: 'unknown' });

export type ApprovalKind = ApprovalRequest['kind'];

/** The answer to a command or file-change approval. `cancel` also interrupts the turn. */
export type ApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** What an approval handler returns; which shape fits depends on the request's kind. */
export type ApprovalAnswer =
  | ApprovalDecision
  | { decision: ApprovalDecision | Record<string, unknown> }
  | { answers: Record<string, string[]> }
  | { permissions: unknown; scope?: unknown }
  | { action: 'accept' | 'decline' | 'cancel'; content?: unknown }
  | { contentItems: { type: 'inputText'; text: string }[]; success: boolean }
  | { accessToken: string; chatgptAccountId: string; chatgptPlanType?: string | null };

export type ApprovalHandler = (
  request: ApprovalRequest,
  context: { signal: AbortSignal },
) => ApprovalAnswer | Promise<ApprovalAnswer>;

/** What happens when no handler answers (none set, it threw, or it timed out). Fail closed. */
export type TimeoutAction = 'decline' | 'cancel';

/** What happens to server requests of methods the runtime does not know. */
export type UnknownServerRequestPolicy = 'queue' | 'methodNotFound' | 'autoDecline';

/** The v1 methods and the kind they map onto. */
const LEGACY: Record<string, 'commandExecution' | 'fileChange'> = {
  execCommandApproval: 'commandExecution',
  applyPatchApproval: 'fileChange',
};

const KINDS: Record<string, ApprovalKind> = {
  'item/commandExecution/requestApproval': 'commandExecution',
  'item/fileChange/requestApproval': 'fileChange',
  'item/tool/requestUserInput': 'userInput',
  'item/permissions/requestApproval': 'permissions',
  'mcpServer/elicitation/request': 'elicitation',
  'item/tool/call': 'dynamicToolCall',
  'account/chatgptAuthTokens/refresh': 'authRefresh',
  ...LEGACY,
};

/** Maps a server request onto the typed union (unknown methods → `unknown`). */
export function toApprovalRequest(id: RequestId, method: string, params: unknown): ApprovalRequest {
  const p = isRecord(params) ? params : {};
  const base: ApprovalBase = {
    id,
    method,
    params,
    threadId: str(p.threadId) ?? str(p.conversationId),
    turnId: str(p.turnId),
    itemId: str(p.itemId) ?? str(p.callId),
  };
  switch (Object.hasOwn(KINDS, method) ? KINDS[method] : undefined) {
    case 'commandExecution': {
      const command = Array.isArray(p.command) ? p.command.join(' ') : str(p.command);
      return { ...base, kind: 'commandExecution', command, cwd: str(p.cwd), reason: str(p.reason) };
    }
    case 'fileChange':
      return { ...base, kind: 'fileChange', reason: str(p.reason), grantRoot: str(p.grantRoot) };
    case 'userInput':
      return { ...base, kind: 'userInput', questions: Array.isArray(p.questions) ? p.questions : [] };
    case 'permissions':
      return { ...base, kind: 'permissions', permissions: p.permissions };
    case 'elicitation':
      return { ...base, kind: 'elicitation', serverName: str(p.serverName), message: str(p.message) };
    case 'dynamicToolCall':
      return { ...base, kind: 'dynamicToolCall', tool: str(p.tool) ?? str(p.name), arguments: p.arguments };
    case 'authRefresh':
      return { ...base, kind: 'authRefresh' };
    default:
      return { ...base, kind: 'unknown' };
  }
}

const LEGACY_DECISIONS: Record<ApprovalDecision, string> = {
  accept: 'approved',
  acceptForSession: 'approved_for_session',
  decline: 'denied',
  cancel: 'abort',
};

/** A JSON-RPC result or error to send back. */
export type WireAnswer = { result: unknown } | { error: { code: number; message: string } };

/**
 * Encodes a handler's answer into the wire result for the request's method. Throws (a TypeError, or
 * `VALIDATION_FAILED` for a decision codex does not accept) when the answer does not fit the
 * request's kind: the caller then falls back to the timeout action.
 */
export function encodeApprovalAnswer(request: ApprovalRequest, answer: ApprovalAnswer): WireAnswer {
  const legacy = Object.hasOwn(LEGACY, request.method);
  switch (request.kind) {
    case 'commandExecution':
    case 'fileChange':
      return { result: encodeDecision(request, answer, legacy) };
    case 'userInput':
      if (isRecord(answer) && isRecord((answer as { answers?: unknown }).answers)) return { result: answer };
      throw new TypeError('a userInput request needs { answers }');
    case 'permissions':
      if (isRecord(answer) && Object.hasOwn(answer, 'permissions')) return { result: answer };
      throw new TypeError('a permissions request needs { permissions, scope? }');
    case 'elicitation':
      if (isRecord(answer) && typeof (answer as { action?: unknown }).action === 'string')
        return { result: answer };
      throw new TypeError('an elicitation needs { action }');
    case 'dynamicToolCall':
      if (isRecord(answer) && Array.isArray((answer as { contentItems?: unknown }).contentItems))
        return { result: answer };
      throw new TypeError('a dynamic tool call needs { contentItems, success }');
    case 'authRefresh':
      if (isRecord(answer) && typeof (answer as { accessToken?: unknown }).accessToken === 'string')
        return { result: answer };
      throw new TypeError('an auth refresh needs { accessToken, chatgptAccountId }');
    default:
      throw new TypeError(`no answer shape is known for ${request.method}`);
  }
}

/**
 * The `{ decision }` result of a command or file-change approval. Only the handler's own `decision`
 * counts (never one inherited through the prototype). A v1 request takes the four decisions, mapped
 * onto its spelling by own keys only (`'toString'`, `'__proto__'`, `'constructor'` are not
 * decisions); a v2 request takes what the generated response schema accepts, validated strictly
 * (object decisions included). Anything else throws `VALIDATION_FAILED`.
 */
function encodeDecision(request: ApprovalRequest, answer: ApprovalAnswer, legacy: boolean): unknown {
  const decision =
    typeof answer === 'string'
      ? answer
      : isRecord(answer) && Object.hasOwn(answer, 'decision')
        ? (answer as { decision: unknown }).decision
        : undefined;
  if (legacy) {
    if (typeof decision === 'string' && Object.hasOwn(LEGACY_DECISIONS, decision))
      return { decision: LEGACY_DECISIONS[decision as ApprovalDecision] };
  } else if (decision !== undefined) {
    try {
      return encodeServerRequestResponse(request.method as ServerRequestMethod, { decision } as never);
    } catch (error) {
      throw new CodexusError(
        'VALIDATION_FAILED',
        `the ${request.kind} approval decision ${preview(decision)} is not one codex accepts`,
        { cause: error, data: { method: request.method, decision, issues: issuesOf(error) } },
      );
    }
  }
  throw new CodexusError(
    'VALIDATION_FAILED',
    `a ${request.kind} approval needs a decision (accept, acceptForSession, decline, cancel); got ${preview(decision ?? answer)}`,
    { data: { method: request.method } },
  );
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function issuesOf(error: unknown): unknown {
  return CodexusError.isInstance(error) && isRecord(error.data) ? error.data.issues : undefined;
}

/** The fail-closed answer for a request nobody answered. */
export function fallbackAnswer(request: ApprovalRequest, action: TimeoutAction): WireAnswer {
  switch (request.kind) {
    case 'commandExecution':
    case 'fileChange':
      return encodeApprovalAnswer(request, action);
    case 'userInput':
      return { result: { answers: {} } };
    case 'permissions':
      return { result: { permissions: {} } };
    case 'elicitation':
      return { result: { action: action === 'cancel' ? 'cancel' : 'decline' } };
    case 'dynamicToolCall':
      return {
        result: {
          contentItems: [{ type: 'inputText', text: 'declined: no handler answered' }],
          success: false,
        },
      };
    default:
      return {
        error: {
          code: RPC_INTERNAL_ERROR,
          message: `${request.method}: declined by the client (no handler answered)`,
        },
      };
  }
}
