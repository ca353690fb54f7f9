import { CodexusError, type ServerNotification, type TransportCloseInfo } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { type NotificationSource, waitForNotification } from './wait-for.js';

function fakeSource() {
  const listeners = new Map<string, Set<(n: ServerNotification) => void>>();
  let close!: (info: TransportCloseInfo) => void;
  const source: NotificationSource = {
    on(method, listener) {
      const set = listeners.get(method) ?? new Set();
      set.add(listener);
      listeners.set(method, set);
      const dispose = () => void set.delete(listener);
      return { dispose, [Symbol.dispose]: dispose };
    },
    closed: new Promise((resolve) => {
      close = resolve;
    }),
  };
  const emit = (method: string, params: Record<string, unknown>) => {
    for (const l of [...(listeners.get(method) ?? [])]) l({ method, params } as ServerNotification);
  };
  const count = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { source, emit, count, close: (reason: string) => close({ reason }) };
}

describe('waitForNotification', () => {
  it('resolves with the first match after the call and removes its listener', async () => {
    const { source, emit, count } = fakeSource();
    const waiting = waitForNotification(
      source,
      'turn/completed',
      (n) => (n.params as { turnId?: string }).turnId === 't2',
    );
    emit('turn/completed', { turnId: 't1' });
    emit('turn/started', { turnId: 't2' });
    emit('turn/completed', { turnId: 't2', n: 1 });
    emit('turn/completed', { turnId: 't2', n: 2 });
    await expect(waiting).resolves.toMatchObject({ params: { turnId: 't2', n: 1 } });
    expect(count()).toBe(0);
  });

  it('times out, aborts, fails on close and on a throwing predicate: typed, nothing left listening', async () => {
    const a = fakeSource();
    const timeout = await waitForNotification(a.source, 'x', undefined, { timeoutMs: 5 }).catch(
      (e: unknown) => e,
    );
    expect(CodexusError.is(timeout, 'REQUEST_TIMEOUT')).toBe(true);
    const controller = new AbortController();
    const aborted = waitForNotification(a.source, 'x', undefined, { signal: controller.signal });
    controller.abort(new Error('stop'));
    const abortError = await aborted.catch((e: unknown) => e);
    expect(CodexusError.is(abortError, 'ABORTED')).toBe(true);
    expect((abortError as Error).cause).toMatchObject({ message: 'stop' });
    const pre = await waitForNotification(a.source, 'x', undefined, { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(CodexusError.is(pre, 'ABORTED')).toBe(true);
    const throwing = waitForNotification(a.source, 'x', () => {
      throw new Error('bad predicate');
    });
    a.emit('x', {});
    await expect(throwing).rejects.toThrow('bad predicate');
    const closing = waitForNotification(a.source, 'x', undefined);
    a.close('codex exited');
    const closed = await closing.catch((e: unknown) => e);
    expect(CodexusError.is(closed, 'CONNECTION_CLOSED')).toBe(true);
    expect((closed as Error).message).toContain('codex exited');
    expect(a.count()).toBe(0);
    const invalid = await waitForNotification(a.source, 'x', undefined, { timeoutMs: -1 }).catch(
      (e: unknown) => e,
    );
    expect(CodexusError.is(invalid, 'VALIDATION_FAILED')).toBe(true);
  });
});
