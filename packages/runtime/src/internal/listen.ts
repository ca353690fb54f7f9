import type { Subscription } from '@codexus/core';
import { AsyncQueue } from '@codexus/core/internal';

/**
 * Turns a push subscription into an async iterable. Leaving the loop (break/return/throw) disposes the
 * subscription; `end` (optional) finishes the iteration, e.g. when the connection closes, and returns
 * its own subscription, disposed with the iterator (so a finished iterator holds nothing).
 */
export function listen<T>(
  subscribe: (push: (value: T) => void) => Subscription,
  end?: (finish: (error?: unknown) => void) => Subscription | undefined,
): AsyncIterableIterator<T> & AsyncDisposable {
  const queue = new AsyncQueue<T>();
  const subscription = subscribe((value) => queue.push(value));
  let ending: Subscription | undefined;
  const stop = (): void => {
    subscription.dispose();
    ending?.dispose();
    queue.end();
  };
  ending = end?.((error) => {
    subscription.dispose();
    ending?.dispose();
    if (error === undefined) queue.end();
    else queue.fail(error);
  });
  const iterator: AsyncIterableIterator<T> & AsyncDisposable = {
    next: () => queue.next(),
    return: async () => {
      stop();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
    async [Symbol.asyncDispose]() {
      stop();
    },
  };
  return iterator;
}
