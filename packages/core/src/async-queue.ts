/**
 * An unbounded FIFO that one or more consumers drain as an async iterable. `fail(error)` ends every
 * waiting and future iteration with that error (after the items already queued); `end()` finishes it.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly waiters: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }[] = [];
  private finished: { error?: unknown } | undefined;

  get size(): number {
    return this.items.length;
  }

  get isFinished(): boolean {
    return this.finished !== undefined;
  }

  push(item: T): void {
    if (this.finished) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  /** Removes and returns queued items matching `predicate`. */
  take(predicate: (item: T) => boolean): T[] {
    const taken: T[] = [];
    for (let i = this.items.length - 1; i >= 0; i--) {
      if (predicate(this.items[i]!)) taken.unshift(...this.items.splice(i, 1));
    }
    return taken;
  }

  end(): void {
    this.finish({});
  }

  fail(error: unknown): void {
    this.finish({ error });
  }

  private finish(state: { error?: unknown }): void {
    if (this.finished) return;
    this.finished = state;
    for (const waiter of this.waiters.splice(0)) {
      if ('error' in state) waiter.reject(state.error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.finished) {
      return 'error' in this.finished
        ? Promise.reject(this.finished.error)
        : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
