import { AsyncQueue } from './async-queue.js';
import type { RequestId } from './connection.js';
import { CodexusError } from './errors.js';
import type { Logger } from './logger.js';
import { type Subscription, toSubscription } from './subscription.js';

/** A request from the server. Answer it exactly once with `respond` or `respondError`. */
export interface ServerRequest {
  /**
   * The server's own id (codex numbers them from 0; they overlap with ours). An integer beyond 2^53
   * shows here rounded, but the answer carries the exact id the server wrote.
   */
  id: RequestId;
  method: string;
  params: unknown;
  receivedAtMs: number;
  readonly answered: boolean;
  respond(result: unknown): Promise<void>;
  respondError(error: { code: number; message: string; data?: unknown }): Promise<void>;
}

export type ServerRequestHandler = (request: ServerRequest) => void;

/** Told once a server request's answer was written (by whichever path answered it). */
export type ServerRequestAnsweredListener = (request: ServerRequest, atMs: number) => void;

/** Writes an answer; `rawId` (the exact id text, beyond 2^53) replaces the `id` member when given. */
export type AnswerWriter = (message: Record<string, unknown>, rawId: string | undefined) => Promise<void>;

/**
 * The server requests of one connection: each goes to the one handler, or waits in a queue until the
 * caller drains it or sets a handler. Nothing here answers on its own.
 */
export class ServerRequests {
  private handler: ServerRequestHandler | undefined;
  private readonly queue = new AsyncQueue<ServerRequest>();
  /** Open requests by exact id (the raw text for ids beyond 2^53, so two of them never collide). */
  private readonly open = new Map<string, ServerRequest>();
  private readonly answeredListeners = new Set<ServerRequestAnsweredListener>();

  constructor(
    private readonly logger: Logger,
    private readonly write: AnswerWriter,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Registers a request the server sent and hands it to the handler or the queue. */
  accept(id: RequestId, rawId: string | undefined, method: string, params: unknown): void {
    const key = rawId === undefined ? keyOf(id) : `number:${rawId}`;
    let answered = false;
    const answer = async (payload: Record<string, unknown>): Promise<void> => {
      if (answered)
        throw new CodexusError(
          'PROTOCOL_VIOLATION',
          `server request ${method} (${rawId ?? id}) was already answered`,
        );
      answered = true;
      this.open.delete(key);
      await this.write({ id, ...payload }, rawId);
      this.reportAnswered(request);
    };
    const request: ServerRequest = {
      id,
      method,
      params,
      receivedAtMs: Date.now(),
      get answered() {
        return answered;
      },
      respond: (result) => answer({ result: result ?? {} }),
      respondError: (error) => answer({ error }),
    };
    this.open.set(key, request);
    this.dispatch(request);
  }

  /** Listens to every answer written, whether through the request object or by id. */
  onAnswered(listener: ServerRequestAnsweredListener): Subscription {
    this.answeredListeners.add(listener);
    return toSubscription(() => this.answeredListeners.delete(listener));
  }

  private reportAnswered(request: ServerRequest): void {
    const atMs = Date.now();
    for (const listener of [...this.answeredListeners]) {
      try {
        listener(request, atMs);
      } catch (error) {
        this.logger.error('a server-request answered listener threw', { error: String(error) });
      }
    }
  }

  setHandler(handler: ServerRequestHandler): Subscription {
    this.handler = handler;
    for (const queued of this.queue.take(() => true)) this.dispatch(queued);
    return toSubscription(() => {
      if (this.handler === handler) this.handler = undefined;
    });
  }

  queued(): AsyncIterable<ServerRequest> {
    return this.queue;
  }

  pending(): ServerRequest[] {
    return [...this.open.values()];
  }

  /** The open request with this id; for a rounded id (beyond 2^53), the oldest that matches. */
  find(id: RequestId): ServerRequest | undefined {
    return this.open.get(keyOf(id)) ?? [...this.open.values()].find((request) => request.id === id);
  }

  /** The connection closed: forget open requests and end the queue with `error`. */
  close(error: CodexusError): void {
    this.open.clear();
    this.queue.fail(error);
  }

  private dispatch(request: ServerRequest): void {
    const handler = this.handler;
    if (!handler) {
      this.queue.push(request);
      return;
    }
    try {
      handler(request);
    } catch (error) {
      this.logger.error('the server request handler threw; the request stays unanswered', {
        method: request.method,
        error: String(error),
      });
    }
  }
}

function keyOf(id: RequestId): string {
  return `${typeof id}:${String(id)}`;
}
