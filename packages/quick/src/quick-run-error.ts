import { CodexusError, type CodexusErrorCode } from '@codexus/core';
import type { PromptRunResult } from '@codexus/runtime';

/**
 * The phase of a quick run that failed:
 * - `connect`: nothing ran. The profile or options were invalid, the binary was not found, spawn or
 *   handshake failed, or the signal aborted it while connecting.
 * - `run`: codex was up, but starting the thread or the turn failed (the turn failed, timed out, was
 *   aborted, or codex died).
 * - `shutdown`: the run completed, but closing codex failed (`result` holds what the run produced).
 */
export type QuickRunErrorKind = 'connect' | 'run' | 'shutdown';

/** The code used when the underlying error has no string code of its own. */
const FALLBACK_CODES = {
  connect: 'SPAWN_FAILED',
  run: 'TURN_FAILED',
  shutdown: 'CONNECTION_CLOSED',
} as const satisfies Record<QuickRunErrorKind, CodexusErrorCode>;

export interface QuickRunErrorOptions {
  /** With kind `run` (or `connect`, after the first thread failed to start): closing codex failed too. */
  shutdownError?: unknown;
  /** The completed run's result (kind `shutdown` only). */
  result?: PromptRunResult;
  /** Overrides the code taken from the cause (e.g. `REQUEST_TIMEOUT` when the call's timeout aborted it). */
  code?: CodexusErrorCode;
}

/**
 * Every failure of `quickRun`, `quickRunWithProfile` and `Workflow.connect`. `code` is the
 * underlying error's code when it has one (`BINARY_NOT_FOUND`, `VALIDATION_FAILED`, `TURN_FAILED`,
 * `ABORTED`, `REQUEST_TIMEOUT`, ...), so `CodexusError.is(error, 'ABORTED')` works on it directly;
 * `cause` is the underlying error. A run error followed by a shutdown error keeps both.
 */
export class QuickRunError extends CodexusError {
  static override readonly brand: string = 'codexus.error.QuickRunError';
  readonly kind: QuickRunErrorKind;
  /** The error of the run phase (kind `run`), e.g. a `PromptRunError` with its `partial` result. */
  readonly runError: unknown;
  /** The error of closing codex, when that failed too (kind `run`) or alone (kind `shutdown`). */
  readonly shutdownError: unknown;
  /** What the run produced, when it completed and only the shutdown failed. */
  readonly result: PromptRunResult | undefined;

  constructor(kind: QuickRunErrorKind, cause: unknown, options: QuickRunErrorOptions = {}) {
    const code = options.code ?? codeOf(cause) ?? FALLBACK_CODES[kind];
    const also =
      options.shutdownError === undefined ? '' : `; shutdown failed too: ${messageOf(options.shutdownError)}`;
    super(code, `quick run failed during ${kind}: ${messageOf(cause)}${also}`, {
      cause,
      data: { ...(CodexusError.isInstance(cause) ? cause.data : undefined), kind },
    });
    this.name = 'QuickRunError';
    this.kind = kind;
    this.runError = kind === 'run' ? cause : undefined;
    this.shutdownError = kind === 'shutdown' ? cause : options.shutdownError;
    this.result = options.result;
  }
}

function codeOf(error: unknown): CodexusErrorCode | undefined {
  return CodexusError.isInstance(error) ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
