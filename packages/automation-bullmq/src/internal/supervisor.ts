import { CodexusError } from '@codexus/core';
import { delay } from '@codexus/core/internal';
import type { DurableEvent } from '../types.js';
import type { WorkerClient } from './run-turn.js';
import { TransientFailure } from './transient.js';

/** `up`: turns can run; `down`: restarting or reconnecting; `gone`: closed for good. */
export type ClientHealth = 'up' | 'down' | 'gone';

/** How a `Client` (its runtime's lifecycle) or a `ClientPool` (its endpoints) is doing. */
export function clientHealth(client: WorkerClient): ClientHealth {
  if ('endpoints' in client) {
    const endpoints = client.endpoints();
    if (endpoints.some((e) => e.healthy)) return 'up';
    return endpoints.every((e) => e.state === 'closed') ? 'gone' : 'down';
  }
  const lifecycle = client.runtime.lifecycle;
  return lifecycle === 'ready' ? 'up' : lifecycle === 'closed' ? 'gone' : 'down';
}

/** What the supervisor drives: the BullMQ worker's pause/resume, and the worker's own close. */
export interface SupervisedWorker {
  pause(doNotWaitActive: boolean): Promise<void>;
  resume(): Promise<void> | void;
}

export interface SupervisorOptions {
  client: WorkerClient;
  clientFactory?: () => Promise<WorkerClient>;
  worker: string;
  publish: (event: DurableEvent) => Promise<void>;
  onError: (error: Error) => void;
  /** Called once when the client is gone for good and there is no factory: the worker closes. */
  giveUp: (error: CodexusError) => void;
  /** Backoff of the health checks while paused (ms). Default 100 → 5 000. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Keeps a worker from taking ticks it cannot run: when its codex is down (a tick failed
 * transiently, or the `Client` left `ready`) the BullMQ worker is paused, its health is checked with
 * backoff, and the worker resumes once the client is up again: reconnected by its restart policy or
 * the pool, or replaced through `clientFactory` when it closed for good. A closed client without a
 * factory closes the worker with a `CONNECTION_CLOSED` error (and a `workerClosed` event).
 */
export class ClientSupervisor {
  client: WorkerClient;
  private target: SupervisedWorker | undefined;
  private watching: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.client = options.client;
    this.subscribe();
  }

  get paused(): boolean {
    return this.watching !== undefined;
  }

  attach(worker: SupervisedWorker): void {
    this.target = worker;
  }

  /** Throws a transient failure (and pauses) when the client cannot run a turn now. */
  assertUp(): void {
    const health = clientHealth(this.client);
    if (health === 'up') return;
    const error = new CodexusError(
      'CONNECTION_CLOSED',
      `worker ${this.options.worker}: its codex is ${health}`,
    );
    this.suspect(error.message);
    throw new TransientFailure(error);
  }

  /** A tick failed transiently, or the client left `ready`: pause until it is healthy. */
  suspect(reason: string): void {
    if (this.watching || this.stopping.signal.aborted || this.target === undefined) return;
    const target = this.target;
    this.watching = (async () => {
      await target.pause(true);
      await this.options.publish({ type: 'workerPaused', worker: this.options.worker, reason });
      this.options.onError(
        new CodexusError('CONNECTION_CLOSED', `worker ${this.options.worker} paused: ${reason}`),
      );
      if (await this.waitUntilUp()) {
        await target.resume();
        await this.options.publish({ type: 'workerResumed', worker: this.options.worker });
      }
    })()
      .catch((error: unknown) => this.options.onError(error as Error))
      .finally(() => {
        this.watching = undefined;
      });
  }

  /** Stops watching (the worker closes). */
  stop(): void {
    this.stopping.abort();
    this.unsubscribe?.();
  }

  /** True once the client is up; false when the worker gave up or is closing. */
  private async waitUntilUp(): Promise<boolean> {
    const { baseDelayMs = 100, maxDelayMs = 5_000 } = this.options;
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      const health = clientHealth(this.client);
      if (health === 'up') return true;
      if (health === 'gone' && !(await this.replace())) return false;
      if (clientHealth(this.client) === 'up') return true;
      await delay(Math.min(maxDelayMs, baseDelayMs * 2 ** attempt), this.stopping.signal).catch(() => {});
    }
    return false;
  }

  /** A new client from the factory (false, after giving up, when there is none). */
  private async replace(): Promise<boolean> {
    const factory = this.options.clientFactory;
    if (factory === undefined) {
      this.options.giveUp(
        new CodexusError(
          'CONNECTION_CLOSED',
          `worker ${this.options.worker}: its client is closed for good and there is no clientFactory to make another; the worker closes`,
        ),
      );
      return false;
    }
    try {
      const fresh = await factory();
      const old = this.client;
      this.client = fresh;
      this.subscribe();
      await old.close().catch(() => undefined);
    } catch (error) {
      this.options.onError(error as Error); // tried again after the next delay
    }
    return true;
  }

  private subscribe(): void {
    this.unsubscribe?.();
    const client = this.client;
    if ('endpoints' in client) {
      this.unsubscribe = undefined;
      return;
    }
    const sub = client.runtime.onStateChange((state) => {
      if (state !== 'ready' && this.client === client) this.suspect(`its codex is ${state}`);
    });
    this.unsubscribe = () => sub.dispose();
  }
}
