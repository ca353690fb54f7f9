import { type Logger, silentLogger } from './logger.js';
import { type Subscription, toSubscription } from './subscription.js';

/**
 * Keyed fan-out: any number of listeners per key, plus `'*'` for every key. Each subscription returns
 * a disposable; a throwing listener is logged and never breaks the others.
 */
export class Emitter<T> {
  private readonly listeners = new Map<string, Set<(value: T) => void>>();

  constructor(private readonly logger: Logger = silentLogger) {}

  on(key: string, listener: (value: T) => void): Subscription {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    const owned = set;
    return toSubscription(() => {
      owned.delete(listener);
      if (owned.size === 0 && this.listeners.get(key) === owned) this.listeners.delete(key);
    });
  }

  emit(key: string, value: T): void {
    for (const k of key === '*' ? ['*'] : [key, '*']) {
      const set = this.listeners.get(k);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(value);
        } catch (error) {
          this.logger.error('a listener threw', { key, error: String(error) });
        }
      }
    }
  }

  get size(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
