/** Limits of a session's replay buffer. */
export interface ReplayLimits {
  /** Most events kept (default 2 000). */
  maxEvents?: number;
  /** Most serialized bytes kept (default 4 MiB). */
  maxBytes?: number;
}

export const DEFAULT_REPLAY_LIMITS = Object.freeze({ maxEvents: 2_000, maxBytes: 4 * 1024 * 1024 });

/** What a reader gets back from `since(id)`. */
export interface ReplaySlice<T> {
  /** The kept events with an id greater than the one asked for, oldest first. */
  events: T[];
  /** Set when events after the asked id were already dropped: the ids of the missed range. */
  gap?: { fromId: number; toId: number };
}

/**
 * A bounded FIFO of events with increasing ids (1, 2, 3, ...). The oldest go first when either
 * limit is exceeded; the newest event is always kept.
 */
export class ReplayBuffer<T extends { id: number }> {
  private readonly entries: { event: T; bytes: number }[] = [];
  private head = 0;
  private bytes = 0;
  private lastId = 0;
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(limits: ReplayLimits = {}) {
    this.maxEvents = limits.maxEvents ?? DEFAULT_REPLAY_LIMITS.maxEvents;
    this.maxBytes = limits.maxBytes ?? DEFAULT_REPLAY_LIMITS.maxBytes;
    if (!(this.maxEvents >= 1) || !(this.maxBytes >= 1)) throw new RangeError('replay limits must be >= 1');
  }

  /** The next id `push` will expect. */
  get nextId(): number {
    return this.lastId + 1;
  }

  /** The id of the newest event (0 before the first). */
  get newestId(): number {
    return this.lastId;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  get retainedBytes(): number {
    return this.bytes;
  }

  /** Adds an event; its id must be `nextId`. `bytes`: its serialized size. */
  push(event: T, bytes: number): void {
    if (event.id !== this.lastId + 1)
      throw new RangeError(`expected event id ${this.lastId + 1}, got ${event.id}`);
    this.lastId = event.id;
    this.entries.push({ event, bytes });
    this.bytes += bytes;
    while (this.size > 1 && (this.size > this.maxEvents || this.bytes > this.maxBytes)) {
      this.bytes -= this.entries[this.head]!.bytes;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The events after `afterId` (0: everything kept), and the gap if some of them were dropped. */
  since(afterId: number): ReplaySlice<T> {
    const events: T[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const event = this.entries[i]!.event;
      if (event.id > afterId) events.push(event);
    }
    const oldest = this.size > 0 ? this.entries[this.head]!.event.id : this.lastId + 1;
    const firstWanted = afterId + 1;
    if (firstWanted < oldest && firstWanted <= this.lastId) {
      return { events, gap: { fromId: firstWanted, toId: oldest - 1 } };
    }
    return { events };
  }
}
