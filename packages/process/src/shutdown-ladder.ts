/**
 * One shutdown ladder for every child process: run a step (end stdin, SIGTERM, SIGKILL, ...), wait a
 * bounded time for the exit, escalate to the next step; the last step waits for the exit itself.
 */

export interface ShutdownStep {
  /** For reports and logs, e.g. `'end stdin'`, `'SIGTERM'`, `'SIGKILL'`. */
  name: string;
  /** Does the step (sends the signal, ends stdin). Must not throw; a throw counts as done. */
  run: () => void;
  /** How long to wait for the exit after this step before the next one. Ignored on the last step. */
  waitMs?: number;
}

export interface ShutdownEscalation {
  /** The step about to run. */
  step: string;
  /** Its position in the steps (1 for the first escalation). */
  index: number;
  /** The step that did not end the process within its wait. */
  after: string;
  /** How long that step waited. */
  waitedMs: number;
}

export interface ShutdownLadderOptions {
  /** Resolves when the process is gone. Must never reject. */
  exited: Promise<unknown>;
  steps: readonly ShutdownStep[];
  /** True once the process is known to be gone: no step runs then. */
  hasExited?: () => boolean;
  /** Called before every step after the first (an escalation). */
  onEscalate?: (escalation: ShutdownEscalation) => void;
}

/** What ended the process: the name of the last step that ran, or `undefined` when none had to. */
export interface ShutdownOutcome {
  lastStep: string | undefined;
  escalations: number;
}

/** Runs the ladder; resolves once `exited` has resolved. */
export async function runShutdownLadder(options: ShutdownLadderOptions): Promise<ShutdownOutcome> {
  const { exited, steps } = options;
  let gone = options.hasExited?.() === true;
  void exited.then(() => {
    gone = true;
  });
  let lastStep: string | undefined;
  let escalations = 0;
  for (let index = 0; index < steps.length && !gone; index += 1) {
    const step = steps[index] as ShutdownStep;
    if (index > 0) {
      const previous = steps[index - 1] as ShutdownStep;
      escalations += 1;
      options.onEscalate?.({ step: step.name, index, after: previous.name, waitedMs: previous.waitMs ?? 0 });
    }
    lastStep = step.name;
    try {
      step.run();
    } catch {
      // e.g. kill() on a process that just exited: the wait below sees the exit.
    }
    if (index === steps.length - 1) break;
    if (await settlesWithin(exited, step.waitMs ?? 0)) break;
  }
  await exited;
  return { lastStep, escalations };
}

/** True when `promise` (which never rejects) settles within `ms`. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
