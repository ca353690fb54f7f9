import { CodexusError } from '@codexus/core';

/** What a second task on a busy artifact does: wait its turn, or fail at once (`TURN_IN_PROGRESS`). */
export type LockPolicy = 'wait' | 'fail';

interface Waiter {
  resolve(release: () => void): void;
}

/** One holder per key; waiters get the key in arrival order. */
export class KeyedLock {
  private readonly queues = new Map<string, Waiter[]>();

  isHeld(key: string): boolean {
    return this.queues.has(key);
  }

  /** Resolves with the release function once `key` is this caller's. Release is idempotent. */
  acquire(key: string, policy: LockPolicy, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(aborted(key, signal));
    const queue = this.queues.get(key);
    if (!queue) {
      this.queues.set(key, []);
      return Promise.resolve(this.releaser(key));
    }
    if (policy === 'fail') {
      return Promise.reject(
        new CodexusError('TURN_IN_PROGRESS', `a task is already running on artifact "${key}"`, {
          data: { artifactId: key },
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = queue.indexOf(waiter);
        if (at !== -1) queue.splice(at, 1);
        reject(aborted(key, signal!));
      };
      const waiter: Waiter = {
        resolve: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.queues.get(key);
      const next = queue?.shift();
      if (next) next.resolve(this.releaser(key));
      else this.queues.delete(key);
    };
  }
}

function aborted(key: string, signal: AbortSignal): CodexusError {
  return new CodexusError('ABORTED', `aborted while waiting for the task running on artifact "${key}"`, {
    cause: signal.reason,
    data: { artifactId: key },
  });
}
