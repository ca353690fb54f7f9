/**
 * An append-only log of one bounded stream (one turn's events) that any number of iterators read,
 * each from the start at its own pace. Leaving a loop (break/return/throw) only stops that
 * iterator; nothing else is affected. The log lives as long as its owner (one turn), so it holds
 * what a single unread queue would.
 */
export class EventLog<T> {
  private readonly entries: T[] = [];
  private ended = false;
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.entries.length;
  }

  push(value: T): void {
    if (this.ended) return;
    this.entries.push(value);
    this.wake();
  }

  /** No more values: every iterator ends once it has read what is there. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.wake();
  }

  /** A new iterator over the whole log, from its first value. */
  reader(): AsyncIterableIterator<T> {
    let position = 0;
    let stopped = false;
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        while (!stopped) {
          if (position < this.entries.length) return { value: this.entries[position++] as T, done: false };
          if (this.ended) break;
          await new Promise<void>((resolve) => this.waiters.add(resolve));
        }
        stopped = true;
        return { value: undefined, done: true };
      },
      return: async () => {
        stopped = true;
        this.wake(); // a pending next() of this iterator ends
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private wake(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiting) resolve();
  }
}
