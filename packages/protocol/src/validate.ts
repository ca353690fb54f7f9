import { CodexusError } from '@codexus/core';
import * as v from 'valibot';
import {
  type DecodedNotification,
  type DecodedServerRequest,
  decodeNotification,
  decodeServerRequest,
  type NotificationMessage,
  type ServerRequestMessage,
} from './decode.js';
import type { KnownServerNotification, KnownServerRequest } from './generated/decoders.js';
import type {
  ClientNotificationMap,
  ClientNotificationMethod,
  ClientRequestMap,
  ClientRequestMethod,
  ServerRequestMap,
  ServerRequestMethod,
} from './generated/methods.js';
import { schemasOf } from './internal/schema-lookup.js';
import { getMethodInfo } from './inventory.js';
import type { Direction } from './method-info.js';
import { experimentalFieldsIn } from './stability.js';
import { toStrictSchema } from './strict-schema.js';
import { flattenIssues, type ValidationIssue } from './validation-issue.js';

/**
 * Validation policy:
 * - What the client sends is checked strictly: params of client requests and notifications
 *   (`validateParams`) and results of server requests (`encodeServerRequestResponse`). An unknown
 *   field is an error: it is a typo or a field this codex version does not have.
 * - What the server sends is checked loosely (`validateResult`, `validateNotification`,
 *   `validateServerRequest`): unknown fields are kept, so a newer server does not break us.
 *   Unknown enum values and unknown union tags are still issues (they are real drift).
 * - Validation works on `params`/`result`, never on the envelope (codex adds `emittedAtMs` to
 *   notifications, which is not in the schema).
 * - A method this snapshot does not know is never an error: the value passes through unchecked.
 * - A failure is `CodexusError('VALIDATION_FAILED')` with `data: { method, direction, part, issues, path }`.
 */

export type PayloadPart = 'params' | 'result';
export type ValidationMode = 'strict' | 'loose';

/** `error.data` of a `VALIDATION_FAILED` error. */
export interface ValidationErrorData {
  readonly method: string;
  /** Who sends the validated payload. */
  readonly direction: Direction;
  readonly part: PayloadPart;
  readonly issues: readonly ValidationIssue[];
  /** Dotted path of the first issue (`''` for the payload itself). */
  readonly path: string;
}

/** The outcome of {@link checkPayload}. `known: false` means the method is not in the snapshot (unchecked). */
export type PayloadCheck<T = unknown> =
  | { readonly ok: true; readonly value: T; readonly known: boolean }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[]; readonly error: CodexusError };

export interface CheckOptions {
  /** Default: `strict` for what the client sends, `loose` for what the server sends. */
  readonly mode?: ValidationMode;
}

function opposite(direction: Direction): Direction {
  return direction === 'clientToServer' ? 'serverToClient' : 'clientToServer';
}

function describe(method: string, part: PayloadPart, issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  const where = first && first.path !== '' ? ` at ${first.path}` : '';
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
  return `${method} ${part} failed validation${where}: ${first?.message ?? 'invalid'}${more}`;
}

function failure(
  method: string,
  direction: Direction,
  part: PayloadPart,
  issues: readonly ValidationIssue[],
  cause?: unknown,
): { ok: false; issues: readonly ValidationIssue[]; error: CodexusError } {
  const data: ValidationErrorData = { method, direction, part, issues, path: issues[0]?.path ?? '' };
  const error = new CodexusError('VALIDATION_FAILED', describe(method, part, issues), {
    data: { ...data },
    ...(cause === undefined ? {} : { cause }),
  });
  return { ok: false, issues, error };
}

/**
 * Validates one payload of `method` without throwing. Returns the parsed value (loose objects keep
 * unknown fields; a method without params yields `undefined`).
 */
export function checkPayload(
  method: string,
  part: PayloadPart,
  value: unknown,
  options: CheckOptions = {},
): PayloadCheck {
  const info = getMethodInfo(method);
  const schemas = schemasOf(method);
  if (!info || !schemas) return { ok: true, value, known: false };
  const direction = part === 'params' ? info.direction : opposite(info.direction);
  const schema = part === 'params' ? schemas.params : schemas.result;
  if (!schema) {
    return failure(method, direction, part, [
      { path: '', message: `${method} is a notification: it has no result` },
    ]);
  }
  const mode = options.mode ?? (direction === 'clientToServer' ? 'strict' : 'loose');
  const result = v.safeParse(mode === 'strict' ? toStrictSchema(schema) : schema, value);
  if (result.success) return { ok: true, value: result.output, known: true };
  return failure(method, direction, part, flattenIssues(result.issues));
}

function orThrow(check: PayloadCheck): unknown {
  if (!check.ok) throw check.error;
  return check.value;
}

export interface ValidateParamsOptions {
  /**
   * Whether the connection opted in to the experimental API. When `false`, an experimental method
   * or a set experimental params field fails with `EXPERIMENTAL_API_REQUIRED` before anything is
   * sent. When omitted, the gate is not checked.
   */
  readonly experimentalApi?: boolean;
}

/**
 * Strictly validates the params of a client request or notification before sending (unknown fields
 * rejected). Throws `CodexusError('VALIDATION_FAILED')`; an unknown method passes through.
 */
export function validateParams<M extends ClientRequestMethod>(
  method: M,
  params: unknown,
  options?: ValidateParamsOptions,
): ClientRequestMap[M]['params'];
export function validateParams<M extends ClientNotificationMethod>(
  method: M,
  params: unknown,
  options?: ValidateParamsOptions,
): ClientNotificationMap[M]['params'];
export function validateParams(method: string, params: unknown, options?: ValidateParamsOptions): unknown;
export function validateParams(
  method: string,
  params: unknown,
  options: ValidateParamsOptions = {},
): unknown {
  if (options.experimentalApi === false) {
    const info = getMethodInfo(method);
    const fields = experimentalFieldsIn(method, params);
    if (info?.requiresExperimentalApi || fields.length > 0) {
      const what = info?.requiresExperimentalApi ? method : `${method} params ${fields.join(', ')}`;
      throw new CodexusError(
        'EXPERIMENTAL_API_REQUIRED',
        `${what} requires the experimental API (initialize with capabilities.experimentalApi: true)`,
        { data: { method, fields } },
      );
    }
  }
  return orThrow(checkPayload(method, 'params', params, { mode: 'strict' }));
}

/**
 * Loosely validates the result of a client request (unknown fields kept). Throws
 * `CodexusError('VALIDATION_FAILED')`; an unknown method passes through.
 */
export function validateResult<M extends ClientRequestMethod>(
  method: M,
  result: unknown,
): ClientRequestMap[M]['result'];
export function validateResult(method: string, result: unknown): unknown;
export function validateResult(method: string, result: unknown): unknown {
  return orThrow(checkPayload(method, 'result', result, { mode: 'loose' }));
}

/**
 * Strictly validates the answer to a server request before it is sent and returns it (the value to
 * put in the JSON-RPC `result`). An unknown method passes through unchecked.
 */
export function encodeServerRequestResponse<M extends ServerRequestMethod>(
  method: M,
  result: ServerRequestMap[M]['result'],
): ServerRequestMap[M]['result'];
export function encodeServerRequestResponse<M extends string>(
  method: M extends ServerRequestMethod ? never : M,
  result: unknown,
): unknown;
export function encodeServerRequestResponse(method: string, result: unknown): unknown {
  return orThrow(checkPayload(method, 'result', result, { mode: 'strict' }));
}

/**
 * Decodes and loosely validates a notification. Unknown methods decode to `{ kind: 'unknown' }`;
 * invalid params of a known method throw `CodexusError('VALIDATION_FAILED')`.
 */
export function validateNotification(message: NotificationMessage): DecodedNotification {
  const decoded = decodeNotification(message);
  if (decoded.kind === 'unknown') return decoded;
  const params = orThrow(checkPayload(decoded.method, 'params', message.params, { mode: 'loose' }));
  return { ...decoded, params } as KnownServerNotification;
}

/**
 * Decodes and loosely validates a server request. Unknown methods decode to `{ kind: 'unknown' }`;
 * invalid params of a known method throw `CodexusError('VALIDATION_FAILED')`.
 */
export function validateServerRequest(message: ServerRequestMessage): DecodedServerRequest {
  const decoded = decodeServerRequest(message);
  if (decoded.kind === 'unknown') return decoded;
  const params = orThrow(checkPayload(decoded.method, 'params', message.params, { mode: 'loose' }));
  return { ...decoded, params } as KnownServerRequest;
}
