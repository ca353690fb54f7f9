/**
 * Two error roots, as in the wire/local split of JSON-RPC clients:
 * - {@link CodexRpcError}: the server answered a request with a JSON-RPC error (numeric `code`).
 * - {@link CodexusError}: something failed on our side (string `code`).
 * Both carry `cause` and have a cross-realm `isInstance` (works across duplicated package copies).
 */

export const CODEXUS_ERROR_CODES = [
  'BINARY_NOT_FOUND',
  'SPAWN_FAILED',
  'CONNECTION_CLOSED',
  'REQUEST_TIMEOUT',
  'ABORTED',
  'PROTOCOL_VIOLATION',
  'INCOMPATIBLE_VERSION',
  'VALIDATION_FAILED',
  'EXPERIMENTAL_API_REQUIRED',
  /** The connected codex version does not have the method (checked locally; nothing was sent). */
  'METHOD_UNSUPPORTED',
  'OUTPUT_INVALID',
  'SESSION_CLOSED',
  'TURN_IN_PROGRESS',
  'TURN_FAILED',
  'HOOK_BLOCKED',
  /** A remote app-server refused the WebSocket upgrade (HTTP 401/403: missing, wrong or expired credentials). */
  'AUTH_FAILED',
  /** A write was refused because the stored state changed since it was read (nothing was lost). */
  'CONFLICT',
  /** The thing asked for does not exist (or is not visible to the caller). */
  'NOT_FOUND',
] as const;
export type CodexusErrorCode = (typeof CODEXUS_ERROR_CODES)[number];

const codexusMarker = Symbol.for('codexus.error.CodexusError');
const rpcMarker = Symbol.for('codexus.error.CodexRpcError');

export interface CodexusErrorOptions {
  cause?: unknown;
  /** Structured detail for programs (e.g. validation issues, exit code, stderr tail). */
  data?: Readonly<Record<string, unknown>>;
}

/** A local failure with a string code. `error.code` is stable; the message is for people. */
export class CodexusError extends Error {
  readonly code: CodexusErrorCode;
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: CodexusErrorCode, message: string, options: CodexusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodexusError';
    Object.defineProperty(this, codexusMarker, { value: true });
    this.code = code;
    this.data = options.data;
  }

  /** True for any CodexusError, also one created by another copy of this package. */
  static isInstance(error: unknown): error is CodexusError {
    return typeof error === 'object' && error !== null && codexusMarker in error;
  }

  /** True when `error` is a CodexusError with the given code. */
  static is(error: unknown, code: CodexusErrorCode): error is CodexusError {
    return CodexusError.isInstance(error) && error.code === code;
  }
}

/** A `VALIDATION_FAILED` error for the input at `path` (a field name or a dotted path), before any RPC. */
export function validationError(
  path: string,
  message: string,
  data: Record<string, unknown> = {},
): CodexusError {
  return new CodexusError('VALIDATION_FAILED', message, { data: { path, ...data } });
}

/** JSON-RPC error codes the codex app-server uses. */
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
export const RPC_SERVER_OVERLOADED = -32001;

/**
 * codex 0.169.0 answers almost every request-level error with -32600; the kind is only in the
 * message. This table tells them apart (first match wins). See docs/wire-facts.md.
 */
export const RPC_ERROR_KINDS = [
  ['notInitialized', /not initialized/i],
  ['alreadyInitialized', /already initialized/i],
  ['experimentalApiRequired', /requires experimentalApi capability/i],
  ['methodNotFound', /unknown variant|unknown method|method not found/i],
  ['threadNotFound', /thread not found|thread .* not found/i],
  ['noRollout', /no rollout found/i],
  ['steerMismatch', /expected ?turn|turn id mismatch|no active turn|not the active turn/i],
  ['invalidParams', /invalid (request|params)|missing field|invalid type|unknown field|invalid value/i],
] as const;

export type CodexRpcErrorKind = (typeof RPC_ERROR_KINDS)[number][0] | 'overloaded' | 'other';

/** A JSON-RPC error response from the server. */
export class CodexRpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  readonly method: string;
  /** The classified kind (from code and message); `other` when nothing matched. */
  readonly kind: CodexRpcErrorKind;

  constructor(
    method: string,
    code: number,
    message: string,
    data?: unknown,
    options: { cause?: unknown } = {},
  ) {
    // Never throws, whatever it is given: it is built while a response is being settled.
    const text = typeof message === 'string' ? message : String(message);
    super(
      `${method}: ${truncate(text, 300)} (code ${code})`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'CodexRpcError';
    Object.defineProperty(this, rpcMarker, { value: true });
    this.method = method;
    this.code = code;
    this.data = data;
    this.kind = classifyRpcError(code, text);
    this.rawMessage = text;
  }

  /** The server's message, verbatim. */
  readonly rawMessage: string;

  static isInstance(error: unknown): error is CodexRpcError {
    return typeof error === 'object' && error !== null && rpcMarker in error;
  }

  isOverloaded(): boolean {
    return this.kind === 'overloaded';
  }
  isNotInitialized(): boolean {
    return this.kind === 'notInitialized';
  }
  isMethodNotFound(): boolean {
    return this.kind === 'methodNotFound';
  }
  isInvalidParams(): boolean {
    return this.kind === 'invalidParams';
  }
  isExperimentalApiRequired(): boolean {
    return this.kind === 'experimentalApiRequired';
  }
  isThreadNotFound(): boolean {
    return this.kind === 'threadNotFound';
  }
  isNoRollout(): boolean {
    return this.kind === 'noRollout';
  }
}

/** Pure classifier for a JSON-RPC error (code + message) into a {@link CodexRpcErrorKind}. */
export function classifyRpcError(code: number, message: string): CodexRpcErrorKind {
  if (code === RPC_SERVER_OVERLOADED) return 'overloaded';
  if (code === RPC_METHOD_NOT_FOUND) return 'methodNotFound';
  if (code === RPC_INVALID_PARAMS) return 'invalidParams';
  for (const [kind, pattern] of RPC_ERROR_KINDS) {
    if (pattern.test(message)) return kind;
  }
  return 'other';
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more chars in rawMessage)` : text;
}
