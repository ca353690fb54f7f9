import { JSONRPCErrorCode } from 'json-rpc-2.0';
/**
 * One error root: {@link CodexusError}, with a string `code`, `data` and `cause`. A JSON-RPC error
 * answer from the server is a {@link CodexRpcError} (a `CodexusError` whose code is `RPC_<kind>`;
 * the wire's numeric code is `rpcCode`). Every class has a cross-realm `isInstance` that is exact
 * for that class (it works across duplicated package copies and never narrows a parent to a child)
 * and `is(error, code)`.
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
  /** JSON-RPC error answers ({@link CodexRpcError}), one code per {@link CodexRpcErrorKind}. */
  'RPC_NOT_INITIALIZED',
  'RPC_ALREADY_INITIALIZED',
  'RPC_EXPERIMENTAL_API_REQUIRED',
  'RPC_METHOD_NOT_FOUND',
  'RPC_THREAD_NOT_FOUND',
  'RPC_NO_ROLLOUT',
  'RPC_STEER_MISMATCH',
  'RPC_INVALID_PARAMS',
  'RPC_OVERLOADED',
  /** A JSON-RPC error answer of no known kind. */
  'RPC_ERROR',
] as const;
export type CodexusErrorCode = (typeof CODEXUS_ERROR_CODES)[number];

/** What a class needs for the `isInstance`/`is` guards: its own brand, and its instance type. */
export interface BrandedErrorClass<T> {
  readonly brand: string;
  readonly prototype: T;
}

export interface CodexusErrorOptions {
  cause?: unknown;
  /** Structured detail for programs (e.g. validation issues, exit code, stderr tail). */
  data?: Readonly<Record<string, unknown>>;
}

/**
 * A failure with a string code. `error.code` is stable; the message is for people. Subclasses set
 * their own `static override readonly brand` (a global-registry symbol key), so that
 * `Subclass.isInstance(parentInstance)` is false.
 */
export class CodexusError extends Error {
  /** The key of this class's cross-realm marker (`Symbol.for(brand)`); every subclass sets its own. */
  static readonly brand: string = 'codexus.error.CodexusError';
  readonly code: CodexusErrorCode;
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: CodexusErrorCode, message: string, options: CodexusErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodexusError';
    // One marker per class of the chain that declares a brand: CodexusError, then each subclass.
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brand'))
        Object.defineProperty(this, Symbol.for((c as unknown as { brand: string }).brand), { value: true });
    }
    this.code = code;
    this.data = options.data;
  }

  /** True for an instance of this class (or a subclass), also one created by another copy of the package. */
  static isInstance<T>(this: BrandedErrorClass<T>, error: unknown): error is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class the guard is called on; each class has its own brand
    return CodexusError.hasBrand(error, this.brand);
  }

  /** True when `error` is an instance of this class with the given code. */
  static is<T extends { readonly code: CodexusErrorCode }>(
    this: BrandedErrorClass<T>,
    error: unknown,
    code: CodexusErrorCode,
  ): error is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class the guard is called on; each class has its own brand
    return CodexusError.hasBrand(error, this.brand) && (error as { code?: unknown }).code === code;
  }

  private static hasBrand(error: unknown, brand: string): boolean {
    return typeof error === 'object' && error !== null && Symbol.for(brand) in error;
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

/** JSON-RPC error codes the codex app-server uses (the standard ones as json-rpc-2.0 defines them). */
export const RPC_INVALID_REQUEST: number = JSONRPCErrorCode.InvalidRequest;
export const RPC_METHOD_NOT_FOUND: number = JSONRPCErrorCode.MethodNotFound;
export const RPC_INVALID_PARAMS: number = JSONRPCErrorCode.InvalidParams;
export const RPC_INTERNAL_ERROR: number = JSONRPCErrorCode.InternalError;
/** codex's own: `Server overloaded; retry later` (retried with backoff). */
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
  ['threadNotFound', /thread not found|thread .* not found|thread not loaded/i],
  ['noRollout', /no rollout found/i],
  ['steerMismatch', /expected ?turn|turn id mismatch|no active turn|not the active turn/i],
  ['invalidParams', /invalid (request|params)|missing field|invalid type|unknown field|invalid value/i],
] as const;

export type CodexRpcErrorKind = (typeof RPC_ERROR_KINDS)[number][0] | 'overloaded' | 'other';

const RPC_CODES = {
  notInitialized: 'RPC_NOT_INITIALIZED',
  alreadyInitialized: 'RPC_ALREADY_INITIALIZED',
  experimentalApiRequired: 'RPC_EXPERIMENTAL_API_REQUIRED',
  methodNotFound: 'RPC_METHOD_NOT_FOUND',
  threadNotFound: 'RPC_THREAD_NOT_FOUND',
  noRollout: 'RPC_NO_ROLLOUT',
  steerMismatch: 'RPC_STEER_MISMATCH',
  invalidParams: 'RPC_INVALID_PARAMS',
  overloaded: 'RPC_OVERLOADED',
  other: 'RPC_ERROR',
} as const satisfies Record<CodexRpcErrorKind, CodexusErrorCode>;

/**
 * A JSON-RPC error answer from the server: `code` is `RPC_<kind>` (`CodexusError.is(e,
 * 'RPC_THREAD_NOT_FOUND')`), `rpcCode` the wire's number, `rawMessage` the server's text.
 */
export class CodexRpcError extends CodexusError {
  static override readonly brand: string = 'codexus.error.CodexRpcError';
  /** The JSON-RPC error code on the wire (codex uses -32600 for nearly everything). */
  readonly rpcCode: number;
  /** The `data` member of the JSON-RPC error, verbatim. */
  readonly rpcData: unknown;
  readonly method: string;
  /** The classified kind (from code and message); `other` when nothing matched. */
  readonly kind: CodexRpcErrorKind;
  /** The server's message, verbatim. */
  readonly rawMessage: string;

  constructor(
    method: string,
    rpcCode: number,
    message: string,
    rpcData?: unknown,
    options: { cause?: unknown } = {},
  ) {
    // Never throws, whatever it is given: it is built while a response is being settled.
    const text = typeof message === 'string' ? message : String(message);
    const kind = classifyRpcError(rpcCode, text);
    super(RPC_CODES[kind], `${method}: ${truncate(text, 300)} (code ${rpcCode})`, {
      cause: options.cause,
      data: { method, rpcCode, kind, ...(rpcData === undefined ? {} : { rpcData }) },
    });
    this.name = 'CodexRpcError';
    this.method = method;
    this.rpcCode = rpcCode;
    this.rpcData = rpcData;
    this.kind = kind;
    this.rawMessage = text;
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
