import { validationError } from '@codexus/core';
import { Queue, Worker } from 'bullmq';
import { connectionOptions, openRedis, queueName } from './internal/connection.js';
import { Ledger } from './internal/ledger.js';
import type { WorkerClient } from './internal/run-turn.js';
import { SessionCache } from './internal/session-cache.js';
import { ClientSupervisor } from './internal/supervisor.js';
import { processTick, type TickData } from './internal/tick.js';
import type { RedisConnection } from './types.js';

export type { WorkerClient } from './internal/run-turn.js';

export interface StartWorkerOptions {
  connection: RedisConnection;
  /** The automation name (as given to `DurableAutomation`). Default `default`. */
  name?: string;
  /** The codex this worker drives (a `Client` or a `ClientPool`); stays the caller's. */
  client?: WorkerClient;
  /**
   * Or: makes the worker's codex; the worker closes it on `close()`, and calls it again for a new
   * one when the current one closed for good (codex died past its restart policy).
   */
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
  /**
   * How long reconciling a lost run waits for its turn when the thread shows it still running (in
   * progress in this codex, or held by another codex: a stalled, not dead, worker), in ms, before
   * it re-runs it. Default 2 × `lockDurationMs`.
   */
  reconcileWaitMs?: number;
  /**
   * Reports connection and processing errors (they are retried, not fatal), and the worker pausing
   * while its codex is down (`CONNECTION_CLOSED`).
   */
  onError?: (error: Error) => void;
  /** Aborting it is `close()`. */
  signal?: AbortSignal;
}

/** A running worker. `close()` lets the tick in flight finish and record, then disconnects. */
export interface DurableWorker extends AsyncDisposable {
  readonly id: string;
  /** True while the worker takes no ticks because its codex is down (until it is healthy again). */
  readonly paused: boolean;
  /** True once closed: by `close()`, or by itself when its `client` closed for good (no `clientFactory`). */
  readonly closed: boolean;
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
  if (
    options.reconcileWaitMs !== undefined &&
    (!Number.isSafeInteger(options.reconcileWaitMs) || options.reconcileWaitMs < 0)
  ) {
    throw validationError(
      'reconcileWaitMs',
      `reconcileWaitMs must be an integer >= 0, got ${String(options.reconcileWaitMs)}`,
    );
  }
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
  const supervisor = new ClientSupervisor({
    client,
    clientFactory: options.clientFactory,
    worker: id,
    publish: (event) => ledger.publish(event),
    onError,
    giveUp: (error) => {
      onError(error);
      void ledger
        .publish({ type: 'workerClosed', worker: id, error: { code: error.code, message: error.message } })
        .finally(() => close())
        .catch(onError);
    },
  });
  const ctx = {
    ledger,
    queue,
    supervisor,
    worker: id,
    leaseMs: lockDuration * 4,
    sessions,
    keepSessions: options.keepSessions === true,
    reconcileWaitMs: options.reconcileWaitMs ?? lockDuration * 2,
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
  supervisor.attach(worker);
  void worker.run().catch(onError);
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      supervisor.stop();
      await worker.close();
      await sessions.closeAll();
      await queue.close();
      redis.disconnect();
      if (options.clientFactory) await supervisor.client.close();
    })();
    return closing;
  };
  const onAbort = () => {
    close().catch(onError);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  return {
    id,
    get paused() {
      return supervisor.paused;
    },
    get closed() {
      return closing !== undefined;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
