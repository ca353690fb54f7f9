import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { CodexRpcError, CodexusError, classifyRpcError } from './errors.js';

describe('errors', () => {
  it('classifies the -32600 family by message (messages seen from codex 0.169.0)', () => {
    const cases: [number, string, string][] = [
      [-32600, 'Not initialized', 'notInitialized'],
      [-32600, 'Already initialized', 'alreadyInitialized'],
      [-32600, 'Invalid request: unknown variant `nope`, expected one of `initialize`', 'methodNotFound'],
      [-32600, 'thread/realtime/start requires experimentalApi capability', 'experimentalApiRequired'],
      [-32600, 'thread not found: 0192', 'threadNotFound'],
      [-32600, 'thread not loaded: 01a23c98', 'threadNotFound'], // thread/read on a codex without it (0.171)
      [-32600, 'no rollout found for thread id 019', 'noRollout'],
      [-32600, 'Invalid request: missing field `threadId`', 'invalidParams'],
      [-32001, 'Server overloaded; retry later', 'overloaded'],
      [-32600, 'something new', 'other'],
    ];
    for (const [code, message, kind] of cases)
      expect([message, classifyRpcError(code, message)]).toEqual([message, kind]);
  });

  it('keeps the verbatim message and truncates the display message', () => {
    const long = `unknown variant \`x\`, expected one of ${'`a`, '.repeat(500)}`;
    const err = new CodexRpcError('x', -32600, long);
    expect(err.rawMessage).toBe(long);
    expect(err.message.length).toBeLessThan(450);
    expect(err.isMethodNotFound()).toBe(true);
  });

  it('builds from a message that is not a string (a malformed wire error) without throwing', () => {
    for (const message of [undefined, null, 42]) {
      const err = new CodexRpcError('m', -32600, message as unknown as string);
      expect([message, err.rawMessage, err.kind]).toEqual([message, String(message), 'other']);
      expect(err.message).toBe(`m: ${String(message)} (code -32600)`);
    }
  });

  it('recognises instances across realms by a global symbol', () => {
    const err = new CodexusError('ABORTED', 'x', { cause: 'why', data: { a: 1 } });
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for('codexus.error.CodexusError')]: true,
      code: 'ABORTED',
    });
    expect(CodexusError.isInstance(err)).toBe(true);
    expect(CodexusError.isInstance(foreign)).toBe(true);
    expect(CodexusError.isInstance(new Error('x'))).toBe(false);
    expect(CodexusError.is(err, 'ABORTED')).toBe(true);
    expect(CodexusError.is(err, 'REQUEST_TIMEOUT')).toBe(false);
    expect(err.cause).toBe('why');
    expect(CodexRpcError.isInstance(err)).toBe(false);
  });

  it('guards are exact per class: a subclass guard never narrows a parent instance', () => {
    class ChildError extends CodexusError {
      static override readonly brand: string = 'codexus.test.ChildError';
      readonly extra = 1;
    }
    const parent = new CodexusError('ABORTED', 'x');
    const child = new ChildError('ABORTED', 'y');
    expect(ChildError.isInstance(parent)).toBe(false);
    expect(ChildError.is(parent, 'ABORTED')).toBe(false);
    expect(ChildError.isInstance(child)).toBe(true);
    expect(ChildError.is(child, 'ABORTED')).toBe(true);
    expect(ChildError.is(child, 'TURN_FAILED')).toBe(false);
    expect(CodexusError.isInstance(child)).toBe(true);
    // Cross-realm: another copy of the class marks instances with the same registry symbols.
    const foreign = { [Symbol.for('codexus.test.ChildError')]: true, code: 'ABORTED' };
    expect(ChildError.isInstance(foreign)).toBe(true);
    expect(CodexusError.isInstance(foreign)).toBe(false);
    expect(CodexRpcError.isInstance(child)).toBe(false);
  });

  it('an RPC error is a CodexusError with a string code per kind; the wire code is rpcCode', () => {
    const notFound = new CodexRpcError('thread/read', -32600, 'thread not found: t', { x: 1 });
    expect(CodexusError.isInstance(notFound)).toBe(true);
    expect(CodexusError.is(notFound, 'RPC_THREAD_NOT_FOUND')).toBe(true);
    expect(CodexRpcError.is(notFound, 'RPC_THREAD_NOT_FOUND')).toBe(true);
    expect(notFound).toMatchObject({
      rpcCode: -32600,
      rpcData: { x: 1 },
      kind: 'threadNotFound',
      method: 'thread/read',
    });
    expect(notFound.data).toMatchObject({ method: 'thread/read', rpcCode: -32600, kind: 'threadNotFound' });
    expect(new CodexRpcError('m', -32001, 'busy').code).toBe('RPC_OVERLOADED');
    expect(new CodexRpcError('m', -32600, 'something else').code).toBe('RPC_ERROR');
    expect(CodexRpcError.isInstance(new CodexusError('ABORTED', 'x'))).toBe(false);
  });

  it('computes bounded jittered backoff', () => {
    const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelay(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelay(2, policy, () => 0)).toBe(0);
  });
});
