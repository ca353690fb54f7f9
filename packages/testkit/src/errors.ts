/**
 * The one error type of the testkit. `code` is stable; the message is for people.
 * Kept separate from `@codexus/core`'s errors on purpose: the testkit depends on nothing of ours but
 * the process leaf `@codexus/process` (whose `ProcessError` it converts into this one).
 */
export const TESTKIT_ERROR_CODES = [
  /** No codex binary was found (the message names every place that was searched). */
  'BINARY_NOT_FOUND',
  /** A bounded wait (request, notification, recorded model request) ran out of time. */
  'TIMEOUT',
  /** The codex process exited while something was still waiting on it. */
  'PROCESS_EXITED',
  /** The codex app-server answered a request with a JSON-RPC error (see `rpcError`). */
  'RPC_ERROR',
] as const;
export type TestkitErrorCode = (typeof TESTKIT_ERROR_CODES)[number];

/** The `error` member of a JSON-RPC error response. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface TestkitErrorOptions {
  cause?: unknown;
  data?: Readonly<Record<string, unknown>>;
  rpcError?: JsonRpcErrorObject;
}

export class TestkitError extends Error {
  readonly code: TestkitErrorCode;
  /** Structured detail (exit code, stderr tail, searched paths, ...). */
  readonly data: Readonly<Record<string, unknown>> | undefined;
  /** Set when `code === 'RPC_ERROR'`: the server's error object as received. */
  readonly rpcError: JsonRpcErrorObject | undefined;

  constructor(code: TestkitErrorCode, message: string, options: TestkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TestkitError';
    this.code = code;
    this.data = options.data;
    this.rpcError = options.rpcError;
  }
}
