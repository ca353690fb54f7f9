/**
 * Runs `work` and settles with it, or rejects with `signal.reason` as soon as `signal` aborts (also
 * when it already has). The listener is removed on every path. `work` itself is not stopped: it sees
 * the same signal.
 */
export function settleOrAbort<T>(work: () => T | Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(work)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
