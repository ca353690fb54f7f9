import { CodexusError, type CodexusErrorCode } from '@codexus/core';
import { isRecord, type TurnError } from './internal/wire.js';
import type { PromptRunResult } from './prompt-run-event.js';

/** How a turn failure should be treated: retry later, stop (quota), or look at it. */
export type TurnFailureClass = 'rateLimit' | 'quotaExceeded' | 'other';

const RATE_LIMIT_INFO = new Set(['rateLimitExceeded', 'serverOverloaded']);
const QUOTA_INFO = new Set(['usageLimitExceeded', 'sessionBudgetExceeded']);
const QUOTA_MESSAGE = /usage limit|purchase more credits|quota|insufficient[_ ]quota|billing/i;
const RATE_LIMIT_MESSAGE = /rate limit|too many requests|overloaded|\b429\b/i;

/**
 * Pure classifier of a turn failure. `codexErrorInfo` is a string (`usageLimitExceeded`) or a tagged
 * object (`{httpConnectionFailed:{httpStatusCode:429}}`); the message is the fallback.
 */
export function classifyTurnFailure(error: Pick<TurnError, 'message' | 'codexErrorInfo'>): TurnFailureClass {
  const info = error.codexErrorInfo;
  if (typeof info === 'string') {
    if (QUOTA_INFO.has(info)) return 'quotaExceeded';
    if (RATE_LIMIT_INFO.has(info)) return 'rateLimit';
  }
  if (isRecord(info)) {
    for (const value of Object.values(info)) {
      if (isRecord(value) && value.httpStatusCode === 429) return 'rateLimit';
    }
  }
  if (QUOTA_MESSAGE.test(error.message)) return 'quotaExceeded';
  if (RATE_LIMIT_MESSAGE.test(error.message)) return 'rateLimit';
  return 'other';
}

export type PromptRunFailureReason = 'failed' | 'timeout' | 'inactivity' | 'aborted' | 'connectionClosed';

/** The error code of each failure reason, so `CodexusError.is(error, 'ABORTED')` works as everywhere else. */
const REASON_CODES = {
  failed: 'TURN_FAILED',
  timeout: 'REQUEST_TIMEOUT',
  inactivity: 'REQUEST_TIMEOUT',
  aborted: 'ABORTED',
  connectionClosed: 'CONNECTION_CLOSED',
} as const satisfies Record<PromptRunFailureReason, CodexusErrorCode>;

/**
 * A turn that did not complete: the server failed it (`TURN_FAILED`), it timed out or went silent
 * (`REQUEST_TIMEOUT`), it was aborted (`ABORTED`) or the connection died (`CONNECTION_CLOSED`).
 * Keeps the server's message verbatim and the partial result.
 */
export class PromptRunError extends CodexusError {
  static override readonly brand: string = 'codexus.error.PromptRunError';
  readonly reason: PromptRunFailureReason;
  readonly failureClass: TurnFailureClass;
  readonly codexErrorInfo: unknown;
  /** The server's error message, verbatim (when the server failed the turn). */
  readonly serverMessage: string | undefined;
  readonly partial: PromptRunResult;

  constructor(
    reason: PromptRunFailureReason,
    message: string,
    partial: PromptRunResult,
    options: { turnError?: TurnError; cause?: unknown } = {},
  ) {
    const turnError = options.turnError;
    super(REASON_CODES[reason], message, {
      cause: options.cause,
      data: { reason, threadId: partial.threadId, turnId: partial.turnId, turnError },
    });
    this.name = 'PromptRunError';
    this.reason = reason;
    this.partial = partial;
    this.serverMessage = turnError?.message;
    this.codexErrorInfo = turnError?.codexErrorInfo;
    this.failureClass = turnError ? classifyTurnFailure(turnError) : 'other';
  }

  /** True only for quota failures (do not retry). */
  isQuotaExceeded(): boolean {
    return this.failureClass === 'quotaExceeded';
  }

  /** True for rate limits and overload (retry later). */
  isRetryable(): boolean {
    return this.failureClass === 'rateLimit';
  }
}
