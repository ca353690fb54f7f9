import { CodexusError } from '@codexus/core';
import type { Session } from '@codexus/runtime';
import type { AutomationHandle, AutomationSpec, SpawnOptions } from './automation-types.js';
import { systemClock } from './clock.js';
import { AutomationRunner, type TurnSource } from './internal/automation-runner.js';
import { validateSpec } from './internal/validate-spec.js';

/** The live runner of each session; an entry goes away when its runner reaches a final state. */
const runners = new WeakMap<TurnSource, AutomationRunner>();

/**
 * Layer 4: runs `spec.prompt` on `session` at a fixed cadence until `maxRuns`, `stopAt`, `stop()`,
 * the signal, or a failed turn ends it. One runner per session: a second `spawn` on a session whose
 * runner is not done is refused. Invalid specs and closed sessions fail here with
 * `VALIDATION_FAILED`. The runner never closes the session.
 */
export function spawn(session: Session, spec: AutomationSpec, options: SpawnOptions = {}): AutomationHandle {
  return spawnOn(session, spec, options);
}

/** `spawn` on anything shaped like a session (the pure unit tests use a fake one). */
export function spawnOn(
  session: TurnSource,
  spec: AutomationSpec,
  options: SpawnOptions = {},
): AutomationHandle {
  if (typeof session !== 'object' || session === null || typeof session.askStream !== 'function') {
    throw new CodexusError('VALIDATION_FAILED', 'spawn needs a Session', { data: { path: 'session' } });
  }
  if (session.isClosed) {
    throw new CodexusError('VALIDATION_FAILED', `session ${session.threadId} is closed`, {
      data: { path: 'session', threadId: session.threadId },
    });
  }
  if (runners.has(session)) {
    throw new CodexusError(
      'VALIDATION_FAILED',
      `session ${session.threadId} already has an automation runner; stop it (and await done) first`,
      { data: { path: 'session', threadId: session.threadId } },
    );
  }
  const clock = options.clock ?? systemClock;
  const { prompt, cadence } = validateSpec(spec, clock.now());
  const runner = new AutomationRunner({
    session,
    prompt,
    cadence,
    onRun: spec.onRun === undefined ? undefined : (result) => spec.onRun?.(result),
    signal: spec.signal,
    clock,
    onSettled: () => {
      if (runners.get(session) === runner) runners.delete(session);
    },
  });
  runners.set(session, runner);
  runner.start();
  return runner;
}
