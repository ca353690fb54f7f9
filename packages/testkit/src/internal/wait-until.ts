import { TestkitError } from '../errors.js';

/** A set of wake-up callbacks: `wake()` calls each; `subscribe` returns its unsubscribe. */
export interface Wakeups {
  wake(): void;
  subscribe(callback: () => void): () => void;
}

export function createWakeups(): Wakeups {
  const callbacks = new Set<() => void>();
  return {
    wake() {
      for (const callback of [...callbacks]) callback();
    },
    subscribe(callback) {
      callbacks.add(callback);
      return () => callbacks.delete(callback);
    },
  };
}

export interface WaitUntilOptions {
  timeoutMs: number;
  /** Called when the wait times out; its result becomes the error message. */
  describe: () => string;
}

/**
 * Resolves with the first non-undefined value of `check`, re-evaluated each time `subscribe`'s
 * callback fires. `subscribe` returns its own unsubscribe function; it is called on every path,
 * and the timer is `unref()`ed so a pending wait never keeps the process alive on its own.
 * `failed` (optional) rejects the wait early, e.g. when a process has exited.
 */
export function waitUntil<T>(
  check: () => T | undefined,
  subscribe: (wake: () => void) => () => void,
  options: WaitUntilOptions,
  failed?: () => Error | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let unsubscribe: () => void = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new TestkitError('TIMEOUT', options.describe(), { data: { timeoutMs: options.timeoutMs } }));
    }, options.timeoutMs);
    timer.unref();
    const finish = (): boolean => {
      const value = check();
      if (value !== undefined) {
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
        return true;
      }
      const error = failed?.();
      if (error !== undefined) {
        clearTimeout(timer);
        unsubscribe();
        reject(error);
        return true;
      }
      return false;
    };
    if (finish()) return;
    unsubscribe = subscribe(() => {
      finish();
    });
  });
}
