/**
 * The one error type of `@codexus/process`. `code` is stable; the message is for people. The packages
 * above convert it into their own error types (`CodexusError`, `TestkitError`) with the same message.
 */
export const PROCESS_ERROR_CODES = [
  /** No codex binary was found (the message names every place that was searched). */
  'BINARY_NOT_FOUND',
  /** The child process could not be started (e.g. ENOENT, EACCES). */
  'SPAWN_FAILED',
  /** A write to a process whose stdin is closed (it exited, or is being stopped). */
  'NOT_RUNNING',
] as const;
export type ProcessErrorCode = (typeof PROCESS_ERROR_CODES)[number];

export interface ProcessErrorOptions {
  cause?: unknown;
  data?: Readonly<Record<string, unknown>>;
}

export class ProcessError extends Error {
  readonly code: ProcessErrorCode;
  /** Structured detail (searched places, command, ...). */
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ProcessErrorCode, message: string, options: ProcessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProcessError';
    this.code = code;
    this.data = options.data;
  }

  /** True when `value` is a `ProcessError` (with `code`, when given). */
  static is(value: unknown, code?: ProcessErrorCode): value is ProcessError {
    return value instanceof ProcessError && (code === undefined || value.code === code);
  }
}
