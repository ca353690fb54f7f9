import { CodexusError } from '@codexus/core';

/**
 * The failures that say "codex is not available right now", not "this schedule is broken": the
 * connection closed (codex died, the client or pool is closed, no endpoint is up), codex could not
 * be spawned, the server is overloaded, or (while opening the session, not during a turn) a request
 * timed out: `thread/start` or `thread/resume` unanswered within the request timeout, or a pool
 * with no room in time. A tick that hits one is retried with backoff and recorded in its `retries`;
 * it never stops the schedule.
 */
const ALWAYS = ['CONNECTION_CLOSED', 'SPAWN_FAILED', 'RPC_OVERLOADED'] as const;

export function isTransient(error: unknown, stage: 'session' | 'turn'): boolean {
  if (ALWAYS.some((code) => CodexusError.is(error, code))) return true;
  return stage === 'session' && CodexusError.is(error, 'REQUEST_TIMEOUT');
}

/** A transient failure on its way to the tick's retry handling (the cause is the original error). */
export class TransientFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original });
    this.name = 'TransientFailure';
  }
}
