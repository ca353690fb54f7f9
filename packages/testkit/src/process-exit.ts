import { processAlive } from '@codexus/process';
import { TestkitError } from './errors.js';

/**
 * Whether a process with this pid is running: `@codexus/process`'s check (`process.kill(pid, 0)`;
 * `EPERM` counts as alive, `ESRCH` and a zombie waiting to be reaped as not; this process is
 * always alive; a pid that is not a positive integer never is).
 */
export { processAlive };

/** The bound and the polling interval of {@link waitForProcessExit}. */
export interface WaitForProcessExitOptions {
  /** How long to wait for the process to be gone. Default 5 000 ms. */
  timeoutMs?: number;
  /** How often to check. Default 20 ms. */
  intervalMs?: number;
}

/**
 * Resolves once no process runs with this pid (by `processAlive`: a zombie counts as gone),
 * checking every `intervalMs`; rejects with `TestkitError` `TIMEOUT` naming the pid when it still
 * runs after `timeoutMs`. Resolves at once for a pid that is already gone.
 *
 * ```ts
 * await codex.close();
 * await waitForProcessExit(grandchildPid, { timeoutMs: 2_000 });
 * ```
 */
export function waitForProcessExit(pid: number, options: WaitForProcessExitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = performance.now() + timeoutMs;
  return new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!processAlive(pid)) {
        resolve();
        return;
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        reject(
          new TestkitError('TIMEOUT', `process ${pid} still runs after ${timeoutMs} ms`, {
            data: { pid, timeoutMs },
          }),
        );
        return;
      }
      setTimeout(check, Math.min(intervalMs, left));
    };
    check();
  });
}
