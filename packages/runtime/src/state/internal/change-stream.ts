import type { Subscription } from '@codexus/core';
import { AsyncQueue } from '@codexus/core/internal';
import type { StateChange } from '../state-view.js';

export interface ChangeStreamOptions {
  signal?: AbortSignal;
  /**
   * Events a slow reader may leave unread. On overflow the unread events are replaced by one
   * `{type: 'resync', dropped}` event: re-read the state then. Default 10 000.
   */
  maxBuffered?: number;
}

/**
 * A bounded async iterable over change events. Ends when the signal aborts, when `end` is called
 * (the projection closed), or when the reader leaves the loop.
 */
export function changeStream(
  subscribe: (listener: (change: StateChange) => void) => Subscription,
  onEnd: (end: () => void) => Subscription,
  options: ChangeStreamOptions = {},
): AsyncIterableIterator<StateChange> & AsyncDisposable {
  const maxBuffered = Math.max(1, options.maxBuffered ?? 10_000);
  const queue = new AsyncQueue<StateChange>();
  const subscription = subscribe((change) => {
    if (queue.size < maxBuffered) {
      queue.push(change);
      return;
    }
    const dropped = queue.take(() => true);
    const earlier = dropped[0]?.type === 'resync' ? dropped[0].dropped - 1 : 0;
    queue.push({ seq: change.seq, atMs: change.atMs, type: 'resync', dropped: earlier + dropped.length + 1 });
  });
  let ending: Subscription | undefined;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    subscription.dispose();
    ending?.dispose();
    options.signal?.removeEventListener('abort', stop);
    queue.end();
  };
  ending = onEnd(stop);
  if (stopped) ending.dispose();
  if (options.signal?.aborted) stop();
  else if (!stopped) options.signal?.addEventListener('abort', stop, { once: true });
  const iterator: AsyncIterableIterator<StateChange> & AsyncDisposable = {
    next: () => queue.next(),
    return: async () => {
      stop();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
    [Symbol.asyncDispose]: async () => stop(),
  };
  return iterator;
}
