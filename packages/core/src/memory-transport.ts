import { CodexusError } from './errors.js';
import type { Transport, TransportCloseInfo, TransportSink } from './transport.js';

/**
 * The server end of an in-memory transport, for pure unit tests of code above the transport:
 * read what the client sent, push messages (or raw lines) back, and simulate a crash.
 */
export interface MemoryServerEnd {
  /** Messages the client sent, parsed. */
  readonly received: unknown[];
  /** Called for every message the client sends. */
  onMessage(fn: (message: Record<string, unknown>) => void): void;
  /** Sends a message (object → JSON) or a raw text frame to the client. */
  send(message: unknown): void;
  /** Ends the transport as if the server died. */
  crash(info?: Partial<TransportCloseInfo>): void;
}

export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  private sink: TransportSink | undefined;
  private closed = false;
  private readonly listeners: ((message: Record<string, unknown>) => void)[] = [];
  readonly server: MemoryServerEnd;

  constructor() {
    const received: unknown[] = [];
    this.server = {
      received,
      onMessage: (fn) => {
        this.listeners.push(fn);
      },
      send: (message) => {
        if (this.closed) return;
        const text = typeof message === 'string' ? message : JSON.stringify(message);
        queueMicrotask(() => this.sink?.message(text));
      },
      crash: (info) => this.finish({ reason: 'memory server crashed', exitCode: 1, ...info }),
    };
  }

  async start(sink: TransportSink): Promise<void> {
    this.sink = sink;
  }

  async send(text: string): Promise<void> {
    if (this.closed) throw new CodexusError('CONNECTION_CLOSED', 'memory transport is closed');
    const message = JSON.parse(text) as Record<string, unknown>;
    this.server.received.push(message);
    for (const fn of this.listeners) queueMicrotask(() => fn(message));
  }

  async close(): Promise<void> {
    this.finish({ reason: 'closed by client', exitCode: 0 });
  }

  private finish(info: TransportCloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.sink?.closed(info));
  }
}
