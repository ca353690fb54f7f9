import type { Transport, TransportSink } from '@codexus/core';
import { guard } from './internal/guard.js';
import type { WireObserver } from './wire-observer.js';

/**
 * A transport that shows every line to a {@link WireObserver} and sends what it returns (the same
 * line, or a thread/turn request with a `trace` member). A fault in the observer never reaches the
 * connection: the line goes through unchanged.
 */
export class TelemetryTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly observer: WireObserver,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  async start(sink: TransportSink): Promise<void> {
    guard(() => this.observer.connectStarted());
    // A close reported while `start` is still running (a process that could not spawn or exited at
    // once) reaches the observer after `start` settled, so the connect span gets the start error.
    const early: { closed?: string } = {};
    let starting = true;
    const observed: TransportSink = {
      message: (text) => {
        guard(() => this.observer.inbound(text));
        sink.message(text);
      },
      dropped: (reason, detail) => sink.dropped(reason, detail),
      bytesIn: sink.bytesIn ? (count) => sink.bytesIn?.(count) : undefined,
      closed: (info) => {
        if (starting) early.closed = info.reason;
        else guard(() => this.observer.closed(info.reason));
        sink.closed(info);
      },
    };
    try {
      await this.inner.start(observed);
    } catch (error) {
      guard(() => this.observer.connectFailed(error));
      throw error;
    } finally {
      starting = false;
      const reason = early.closed;
      if (reason !== undefined) guard(() => this.observer.closed(reason));
    }
  }

  send(text: string): Promise<void> {
    let out = text;
    guard(() => {
      out = this.observer.outbound(text);
    });
    return this.inner.send(out);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
