import { validationError } from '@codexus/core';
import { Queue, Worker } from 'bullmq';
import { connectionOptions, openRedis, queueName } from './internal/connection.js';
import { Ledger } from './internal/ledger.js';
import type { WorkerClient } from './internal/run-turn.js';
import { SessionCache } from './internal/session-cache.js';
import { processTick, type TickData } from './internal/tick.js';
import type { RedisConnection } from './types.js';

export type { WorkerClient } from './internal/run-turn.js';

export interface StartWorkerOptions {
  connection: RedisConnection;
  /** The automation name (as given to `DurableAutomation`). Default `default`. */
  name?: string;
  /** The codex this worker drives (a `Client` or a `ClientPool`); stays the caller's. */
  client?: WorkerClient;
  /** Or: makes the worker's codex; the worker closes it on `close()`. */
  clientFactory?: () => Promise<WorkerClient>;
  /** Ticks this worker runs at once (on different schedules). Default 1. */
  concurrency?: number;
  /** Names this worker in run records. Default `<hostname-less pid>-<random>`. */
  id?: string;
  /**
   * How long a tick's lock lives without renewal (ms, default 30 000). A worker that dies holds its
   * tick this long at most; then another worker's stalled check takes it over.
   */
  lockDurationMs?: number;
  /** How often this worker looks for stalled ticks (ms). Default `lockDurationMs`. */
  stalledIntervalMs?: number;
  /**
   * Keep each schedule's session open after its run, so this worker's next run of it skips
   * `thread/resume`. Default false. Only for threads no other worker resumes (one worker, or
   * workers with separate `CODEX_HOME`s): codex lets one process write a thread at a time, so a
   * session kept open here makes other workers sharing the home start new threads.
   */
  keepSessions?: boolean;
  /** Reports connection and processing errors (they are retried, not fatal). */
  onError?: (error: Error) => void;
  /** Aborting it is `close()`. */
  signal?: AbortSignal;
}

/** A running worker. `close()` lets the tick in flight finish and record, then disconnects. */
export interface DurableWorker extends AsyncDisposable {
  readonly id: string;
  close(): Promise<void>;
}

/**
 * Starts a worker process's share of durable automation: takes ticks from the queue, runs each on
 * `client` (resuming the schedule's thread), records them in the ledger. Several workers, in as
 * many processes or machines, may share one Redis.
 */
export async function startWorker(options: StartWorkerOptions): Promise<DurableWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw validationError('concurrency', `concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  if ((options.client === undefined) === (options.clientFactory === undefined)) {
    throw validationError('client', 'give exactly one of client and clientFactory');
  }
  const lockDuration = options.lockDurationMs ?? 30_000;
  if (!Number.isSafeInteger(lockDuration) || lockDuration < 100) {
    throw validationError(
      'lockDurationMs',
      `lockDurationMs must be an integer >= 100, got ${String(lockDuration)}`,
    );
  }
  const name = options.name ?? 'default';
  const id = options.id ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const onError = options.onError ?? (() => undefined);
  const client = options.client ?? (await (options.clientFactory as () => Promise<WorkerClient>)());
  const redis = openRedis(options.connection);
  const ledger = new Ledger(redis, name);
  const queue = new Queue(queueName(name), { connection: connectionOptions(options.connection) });
  queue.on('error', onError);
  const sessions = new SessionCache();
  const ctx = {
    ledger,
    queue,
    client,
    worker: id,
    leaseMs: lockDuration * 4,
    sessions,
    keepSessions: options.keepSessions === true,
  };
  const worker = new Worker<TickData>(queueName(name), (job) => processTick(job, ctx), {
    connection: connectionOptions(options.connection),
    concurrency,
    name: id,
    lockDuration,
    stalledInterval: options.stalledIntervalMs ?? lockDuration,
    maxStalledCount: 3,
    autorun: false,
  });
  worker.on('error', onError);
  worker.on('failed', (_job, error) => onError(error));
  void worker.run().catch(onError);
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      await worker.close();
      await sessions.closeAll();
      await queue.close();
      redis.disconnect();
      if (options.clientFactory) await client.close();
    })();
    return closing;
  };
  const onAbort = () => {
    close().catch(onError);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  return { id, close, [Symbol.asyncDispose]: close };
}
