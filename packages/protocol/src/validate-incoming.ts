import * as v from 'valibot';
import { JSONRPCErrorErrorSchema, RequestIdSchema } from './generated/schemas.js';
import type { RequestId } from './generated/types.js';
import { checkPayload, type ValidationMode } from './validate.js';
import { flattenIssues, type ValidationIssue } from './validation-issue.js';

/**
 * One entry point for checking everything a server sends, for conformance tests and diagnostics:
 * routes a decoded JSON-RPC message by shape (the codex framing: `method`+`id` = server request,
 * `method` alone = notification, `id` alone = response) and reports issues instead of throwing.
 */

export type IncomingKind = 'serverRequest' | 'notification' | 'response' | 'errorResponse' | 'invalid';

export interface IncomingReport {
  readonly kind: IncomingKind;
  /** No issues. */
  readonly ok: boolean;
  /**
   * The method is in the snapshot. For a response: the request's method was given (see
   * `methodOfResponse`) and is known. Unknown methods are reported, not failed.
   */
  readonly known: boolean;
  readonly method?: string;
  readonly id?: RequestId | null;
  /** Paths are prefixed with the envelope member (`params.turn.status`, `result.thread.id`). */
  readonly issues: readonly ValidationIssue[];
}

export interface ValidateIncomingOptions {
  /** The method of the client request a response answers; without it a response is only shape-checked. */
  readonly methodOfResponse?: (id: RequestId | null) => string | undefined;
  /** Default `loose` (unknown fields allowed); `strict` finds fields the snapshot does not list. */
  readonly mode?: ValidationMode;
}

function prefixed(prefix: string, issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => ({ ...i, path: i.path === '' ? prefix : `${prefix}.${i.path}` }));
}

function report(
  kind: IncomingKind,
  known: boolean,
  issues: readonly ValidationIssue[],
  extra: { method?: string; id?: RequestId | null } = {},
): IncomingReport {
  return { kind, ok: issues.length === 0, known, ...extra, issues };
}

function payloadIssues(method: string, part: 'params' | 'result', value: unknown, mode: ValidationMode) {
  const check = checkPayload(method, part, value, { mode });
  return { known: check.ok ? check.known : true, issues: check.ok ? [] : prefixed(part, check.issues) };
}

function idIssues(id: unknown): ValidationIssue[] {
  const result = v.safeParse(RequestIdSchema, id);
  return result.success ? [] : prefixed('id', flattenIssues(result.issues));
}

/** Checks one incoming message; never throws. */
export function validateIncoming(message: unknown, options: ValidateIncomingOptions = {}): IncomingReport {
  const mode = options.mode ?? 'loose';
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return report('invalid', false, [{ path: '', message: 'a JSON-RPC message must be a JSON object' }]);
  }
  const record = message as Record<string, unknown>;
  const hasId = 'id' in record;
  if ('method' in record) {
    const method = record.method;
    if (typeof method !== 'string') {
      return report('invalid', false, [{ path: 'method', message: 'method must be a string' }]);
    }
    if (hasId) {
      const id = record.id as RequestId | null;
      const { known, issues } = payloadIssues(method, 'params', record.params, mode);
      return report('serverRequest', known, [...idIssues(record.id), ...issues], { method, id });
    }
    const { known, issues } = payloadIssues(method, 'params', record.params, mode);
    return report('notification', known, issues, { method });
  }
  if (hasId) {
    const id = record.id as RequestId | null;
    if ('error' in record) {
      const result = v.safeParse(JSONRPCErrorErrorSchema, record.error);
      return report(
        'errorResponse',
        true,
        result.success ? [] : prefixed('error', flattenIssues(result.issues)),
        {
          id,
        },
      );
    }
    if (!('result' in record)) {
      return report('invalid', false, [{ path: '', message: 'a response needs result or error' }], { id });
    }
    const method = options.methodOfResponse?.(id);
    if (method === undefined) return report('response', false, idIssues(record.id), { id });
    const { known, issues } = payloadIssues(method, 'result', record.result, mode);
    return report('response', known, [...idIssues(record.id), ...issues], { method, id });
  }
  return report('invalid', false, [
    { path: '', message: 'neither a request, a notification nor a response' },
  ]);
}
