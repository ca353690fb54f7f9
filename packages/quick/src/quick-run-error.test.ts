import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { QuickRunError } from './quick-run-error.js';

describe('QuickRunError', () => {
  it("takes the cause's code, keeps the cause and its data", () => {
    const cause = new CodexusError('BINARY_NOT_FOUND', 'no codex', { data: { searched: ['a'] } });
    const error = new QuickRunError('connect', cause);
    expect(error.code).toBe('BINARY_NOT_FOUND');
    expect(error.kind).toBe('connect');
    expect(error.cause).toBe(cause);
    expect(error.data).toEqual({ kind: 'connect', searched: ['a'] });
    expect(error.message).toBe('quick run failed during connect: no codex');
    expect(CodexusError.is(error, 'BINARY_NOT_FOUND')).toBe(true);
  });

  it('falls back to a code per kind when the cause has none', () => {
    expect(new QuickRunError('connect', new Error('x')).code).toBe('SPAWN_FAILED');
    expect(new QuickRunError('run', new Error('x')).code).toBe('TURN_FAILED');
    expect(new QuickRunError('shutdown', 'x').code).toBe('CONNECTION_CLOSED');
    expect(new QuickRunError('run', new Error('x'), { code: 'REQUEST_TIMEOUT' }).code).toBe(
      'REQUEST_TIMEOUT',
    );
  });

  it('a run error followed by a shutdown error carries both', () => {
    const runError = new CodexusError('TURN_FAILED', 'turn broke');
    const shutdownError = new Error('kill failed');
    const error = new QuickRunError('run', runError, { shutdownError });
    expect(error.runError).toBe(runError);
    expect(error.shutdownError).toBe(shutdownError);
    expect(error.code).toBe('TURN_FAILED');
    expect(error.message).toContain('turn broke');
    expect(error.message).toContain('shutdown failed too: kill failed');
  });

  it('a shutdown error alone keeps the completed result', () => {
    const result = {
      threadId: 't',
      turnId: 'u',
      status: 'completed' as const,
      text: 'ok',
      items: [],
      durationMs: 1,
    };
    const error = new QuickRunError('shutdown', new Error('stuck'), { result });
    expect(error.shutdownError).toBeInstanceOf(Error);
    expect(error.runError).toBeUndefined();
    expect(error.result).toBe(result);
  });

  it('isInstance works across realms (a marker, not instanceof)', () => {
    const error = new QuickRunError('run', new Error('x'));
    expect(QuickRunError.isInstance(error)).toBe(true);
    expect(CodexusError.isInstance(error)).toBe(true);
    expect(QuickRunError.isInstance(Object.assign(Object.create(null), { ...error }))).toBe(false);
    const foreign = Object.create(null);
    Object.defineProperty(foreign, Symbol.for('codexus.error.QuickRunError'), { value: true });
    expect(QuickRunError.isInstance(foreign)).toBe(true);
    expect(QuickRunError.isInstance(new CodexusError('ABORTED', 'x'))).toBe(false);
  });
});
