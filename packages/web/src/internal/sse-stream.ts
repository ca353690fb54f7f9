import { serializeSseEnvelope, sseHeartbeat, sseRetry } from '../sse-envelope.js';
import type { WebEvent } from '../web-event.js';
import type { WebSubscription } from './web-session.js';

/** Bytes of SSE frames a response stream holds before it stops pulling events (its high-water mark). */
export const SSE_STREAM_HIGH_WATER_BYTES = 16 * 1024;

/** One open SSE response, as the handler's metrics see it. */
export interface SseConnection {
  /** Bytes held for it: events queued by its subscription plus frames the HTTP server has not taken yet. */
  readonly heldBytes: number;
}

/**
 * The open SSE responses of one handler. Each one is added when its stream starts and removed when
 * it ends (the subscription ended, was cut off, or the client went away).
 */
export class SseConnections {
  private readonly open = new Set<SseConnection>();

  add(connection: SseConnection): () => void {
    this.open.add(connection);
    return () => {
      this.open.delete(connection);
    };
  }

  /** How many are open, the bytes they hold together and the most one of them holds. */
  stats(): { connections: number; heldBytes: number; maxConnectionHeldBytes: number } {
    let heldBytes = 0;
    let maxConnectionHeldBytes = 0;
    for (const connection of this.open) {
      const held = connection.heldBytes;
      heldBytes += held;
      maxConnectionHeldBytes = Math.max(maxConnectionHeldBytes, held);
    }
    return { connections: this.open.size, heldBytes, maxConnectionHeldBytes };
  }
}

/**
 * Streams a subscription as SSE, on demand: an event is taken from the subscription (and
 * serialized) only when the response stream wants more, i.e. when the HTTP server took what it
 * had (it writes on `drain`). A reader that stops reading thus leaves its events queued in its
 * subscription, where the session's limits cut it off; the response then ends and the client
 * reconnects with `Last-Event-ID`. Heartbeats are only written while the stream is not backed up.
 */
export function sseResponse(
  events: WebSubscription,
  options: { heartbeatMs: number; connections: SseConnections },
): Response {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  let done = false;
  const connection: SseConnection = {
    get heldBytes() {
      const desired = controllerRef?.desiredSize ?? SSE_STREAM_HIGH_WATER_BYTES;
      return events.queuedBytes + Math.max(0, SSE_STREAM_HIGH_WATER_BYTES - desired);
    },
  };
  const remove = options.connections.add(connection);
  const stop = (): void => {
    if (done) return;
    done = true;
    if (timer) clearInterval(timer);
    remove();
    void events.return?.();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller;
        controller.enqueue(encoder.encode(sseRetry(1_000)));
        timer = setInterval(() => {
          if (done || (controller.desiredSize ?? 0) <= 0) return;
          controller.enqueue(encoder.encode(sseHeartbeat()));
        }, options.heartbeatMs);
        timer.unref?.();
      },
      async pull(controller) {
        let next: IteratorResult<WebEvent>;
        try {
          next = await events.next();
        } catch {
          next = { value: undefined, done: true }; // the subscription failed: the client reconnects
        }
        if (done) return;
        if (next.done) {
          stop();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(serializeSseEnvelope(next.value)));
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: SSE_STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}
