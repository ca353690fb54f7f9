import { type ServerNotification, type Subscription, toSubscription } from '@codexus/core';
import type { RuntimeState } from '../runtime-state.js';
import { listen } from './listen.js';
import { threadIdOf } from './wire.js';

/** What `liveEvents` needs of the runtime it listens to. */
export interface EventSource {
  onAny(listener: (notification: ServerNotification) => void): Subscription;
  onStateChange(listener: (state: RuntimeState) => void): Subscription;
  isClosed(): boolean;
}

/**
 * Notifications as an async iterable: those of `methods` (every one when absent) and, with a
 * `threadId`, of that thread. Ends when the source closes or `signal` aborts; leaving the loop
 * unsubscribes.
 */
export function liveEvents<T extends ServerNotification>(
  source: EventSource,
  filter: { threadId?: string; methods?: readonly string[] },
  signal: AbortSignal | undefined,
): AsyncIterableIterator<T> & AsyncDisposable {
  const methods = filter.methods ? new Set<string>(filter.methods) : undefined;
  return listen<T>(
    (push) =>
      source.onAny((n) => {
        if (methods && !methods.has(n.method)) return;
        if (filter.threadId !== undefined && threadIdOf(n.params) !== filter.threadId) return;
        push(n as T);
      }),
    (finish) => {
      if (source.isClosed() || signal?.aborted) {
        queueMicrotask(() => finish());
        return undefined;
      }
      const onAbort = (): void => finish();
      signal?.addEventListener('abort', onAbort, { once: true });
      const lifecycle = source.onStateChange((state) => {
        if (state === 'closed') finish();
      });
      return toSubscription(() => {
        signal?.removeEventListener('abort', onAbort);
        lifecycle.dispose();
      });
    },
  );
}
