import type { JSONRPCError, JSONRPCID } from 'json-rpc-2.0';

/** How one outstanding request ended, as the connection reports it. */
export type PendingOutcome = { result: unknown } | { error: JSONRPCError };

/** What a settled entry was, for metrics and error messages. */
export interface SettledRequest {
  method: string;
  elapsedMs: number;
}

interface Entry {
  method: string;
  startedAt: number;
  resolve(result: unknown): void;
  reject(error: unknown): void;
  release(): void;
}

/**
 * The requests a connection sent and has not seen answered: the one map of them (json-rpc-2.0's
 * client keeps its own, and can drop an entry only by being fed a made-up response, so it is not used).
 * An entry leaves the map exactly once: answered, failed, aborted by its signal, or failed on close.
 */
export class PendingRequests {
  private readonly byId = new Map<JSONRPCID, Entry>();

  get size(): number {
    return this.byId.size;
  }

  /**
   * Registers `id` and returns the answer's promise. When `signal` aborts, the entry leaves and the
   * promise rejects with `signal.reason` (a late answer then finds nothing and is ignored).
   */
  open(id: JSONRPCID, method: string, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.take(id)?.reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.byId.set(id, {
        method,
        startedAt: performance.now(),
        resolve,
        reject,
        release: () => signal.removeEventListener('abort', onAbort),
      });
    });
  }

  /** The method `id` was sent with, while it is pending. */
  methodOf(id: JSONRPCID): string | undefined {
    return this.byId.get(id)?.method;
  }

  /**
   * Settles `id` with the server's answer; `toError` turns an error answer into what the caller
   * sees. Returns what was settled, or `undefined` when nothing waits for `id` (late or unknown).
   */
  answer(
    id: JSONRPCID,
    outcome: PendingOutcome,
    toError: (method: string, error: JSONRPCError) => unknown,
  ): SettledRequest | undefined {
    const entry = this.take(id);
    if (!entry) return undefined;
    if ('error' in outcome) entry.reject(toError(entry.method, outcome.error));
    else entry.resolve(outcome.result);
    return { method: entry.method, elapsedMs: performance.now() - entry.startedAt };
  }

  /** Fails `id` with `error` (a write that failed, a malformed answer). False when it was not pending. */
  fail(id: JSONRPCID, error: unknown): boolean {
    const entry = this.take(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Fails every entry; `errorFor` builds each one's error from its method. */
  failAll(errorFor: (method: string) => unknown): void {
    for (const id of [...this.byId.keys()]) {
      const entry = this.take(id);
      entry?.reject(errorFor(entry.method));
    }
  }

  private take(id: JSONRPCID): Entry | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    this.byId.delete(id);
    entry.release();
    return entry;
  }
}
