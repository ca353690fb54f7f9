import type { Transport, TransportSink } from '@codexus/core';
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
    const observed: TransportSink = {
      message: (text) => {
        guard(() => this.observer.inbound(text));
        sink.message(text);
      },
      dropped: (reason, detail) => sink.dropped(reason, detail),
      bytesIn: sink.bytesIn ? (count) => sink.bytesIn?.(count) : undefined,
      closed: (info) => {
        guard(() => this.observer.closed(info.reason));
        sink.closed(info);
      },
    };
    try {
      await this.inner.start(observed);
    } catch (error) {
      guard(() => this.observer.connectFailed(error));
      throw error;
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

function guard(fn: () => void): void {
  try {
    fn();
  } catch {
    // Telemetry must never break the connection.
  }
}
