import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { classifyTurnFailure, PromptRunError } from './prompt-run-error.js';

const partial = { threadId: 't', turnId: 'u', status: 'failed' as const, text: '', items: [], durationMs: 1 };

describe('classifyTurnFailure', () => {
  it.each([
    [{ message: 'x', codexErrorInfo: 'usageLimitExceeded' }, 'quotaExceeded'],
    [
      { message: "You've hit your usage limit. Purchase more credits", codexErrorInfo: 'other' },
      'quotaExceeded',
    ],
    [{ message: 'x', codexErrorInfo: 'rateLimitExceeded' }, 'rateLimit'],
    [{ message: 'x', codexErrorInfo: 'serverOverloaded' }, 'rateLimit'],
    [
      {
        message: 'exceeded retry limit, last status: 429 Too Many Requests',
        codexErrorInfo: { responseTooManyFailedAttempts: {} },
      },
      'rateLimit',
    ],
    [{ message: 'x', codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 429 } } }, 'rateLimit'],
    [{ message: 'stream disconnected before completion: boom', codexErrorInfo: 'other' }, 'other'],
    [{ message: 'x', codexErrorInfo: 'internalServerError' }, 'other'],
  ])('%j → %s', (error, expected) => {
    expect(classifyTurnFailure(error)).toBe(expected);
  });
});

describe('PromptRunError', () => {
  it('keeps the server message verbatim and maps reasons to codes', () => {
    const turnError = { message: 'usage limit reached', codexErrorInfo: 'usageLimitExceeded' };
    const e = new PromptRunError('failed', turnError.message, partial, { turnError });
    expect(e.code).toBe('TURN_FAILED');
    expect(e.serverMessage).toBe('usage limit reached');
    expect(e.isQuotaExceeded()).toBe(true);
    expect(e.isRetryable()).toBe(false);
    expect(CodexusError.isInstance(e)).toBe(true);
    expect(PromptRunError.isInstance(e)).toBe(true);
    expect(new PromptRunError('aborted', 'a', partial).code).toBe('ABORTED');
    expect(new PromptRunError('inactivity', 'a', partial).code).toBe('REQUEST_TIMEOUT');
    expect(new PromptRunError('connectionClosed', 'a', partial).code).toBe('CONNECTION_CLOSED');
    expect(PromptRunError.isInstance(new CodexusError('ABORTED', 'x'))).toBe(false);
  });
});
