import type { StateSnapshot } from './state-snapshot.js';

/**
 * Where state snapshots persist. `load` returns what was saved last (or undefined); it does not check
 * the snapshot's shape or revision: `projection.restore()` does.
 */
export interface StateStore {
  save(snapshot: StateSnapshot): Promise<void>;
  load(): Promise<StateSnapshot | undefined>;
  clear(): Promise<void>;
}

/** Keeps the last snapshot in memory, as JSON text (so what it returns is a copy, and serializable). */
export class MemoryStateStore implements StateStore {
  private text: string | undefined;

  async save(snapshot: StateSnapshot): Promise<void> {
    this.text = JSON.stringify(snapshot);
  }

  async load(): Promise<StateSnapshot | undefined> {
    return this.text === undefined ? undefined : (JSON.parse(this.text) as StateSnapshot);
  }

  async clear(): Promise<void> {
    this.text = undefined;
  }
}
