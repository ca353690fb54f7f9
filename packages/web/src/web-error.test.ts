import { CodexRpcError, CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { httpStatusOf, webRefusal } from './web-error.js';

describe('httpStatusOf', () => {
  it('maps server (RPC) errors by kind: a missing thread is 404, the rest 502 with the message', () => {
    const missing = new CodexRpcError('thread/read', -32600, 'thread not found: t1');
    expect(httpStatusOf(missing)).toEqual({ status: 404, code: 'NOT_FOUND', message: missing.message });
    const other = new CodexRpcError('thread/start', -32600, 'boom');
    expect(httpStatusOf(other)).toEqual({ status: 502, code: 'RPC_ERROR', message: other.message });
  });

  it('keeps the refusal status and hides non-codexus errors', () => {
    expect(httpStatusOf(webRefusal('tooManySessions', 'full')).status).toBe(429);
    expect(httpStatusOf(new CodexusError('REQUEST_TIMEOUT', 'slow')).status).toBe(504);
    expect(httpStatusOf(new Error('secret detail'))).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'internal error',
    });
  });
});
