import { validationError } from '@codexus/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectionOptions, openRedis, queueName } from './internal/connection.js';
import { readEvents } from './internal/event-stream.js';
import { Ledger } from './internal/ledger.js';
import { stopSchedule, TICK_JOB_OPTIONS } from './internal/tick.js';
import { validateSchedule } from './internal/validate.js';
import type { DurableEvent, RedisConnection, RunRecord, ScheduleInfo, ScheduleSpec } from './types.js';

export interface DurableAutomationOptions {
  /** Where Redis is (ioredis options: `{ host, port }`, `{ path }`, ...). */
  connection: RedisConnection;
  /** Separates automations sharing one Redis (keys `codexus:<name>:*`, queue `codexus-<name>`). Default `default`. */
  name?: string;
}

/**
 * The control side of durable automation (layer 4 on BullMQ + Redis): defines and removes
 * schedules, and reads their runs and events. Any number of processes may hold one; the turns run
 * in the workers (`startWorker`) that share the Redis.
 */
export class DurableAutomation implements AsyncDisposable {
  readonly name: string;
  private readonly redis: Redis;
  private readonly ledger: Ledger;
  private readonly queue: Queue;
  private closing: Promise<void> | undefined;

  constructor(options: DurableAutomationOptions) {
    this.name = options.name ?? 'default';
    this.redis = openRedis(options.connection);
    this.ledger = new Ledger(this.redis, this.name);
    this.queue = new Queue(queueName(this.name), { connection: connectionOptions(options.connection) });
    this.queue.on('error', () => undefined);
  }

  /**
   * Creates or updates a schedule (a BullMQ job scheduler with the same id: defining it again, from
   * any process, never duplicates it). Its thread and run count are kept; a final schedule becomes
   * active again.
   */
  async defineSchedule(spec: ScheduleSpec): Promise<ScheduleInfo> {
    const stored = validateSchedule(spec);
    await this.ledger.putSchedule(stored);
    const repeat =
      stored.every !== undefined
        ? { every: stored.every, startDate: stored.startAt }
        : { pattern: stored.cron, tz: stored.tz, startDate: stored.startAt };
    await this.queue.upsertJobScheduler(stored.id, repeat, {
      name: 'tick',
      data: { scheduleId: stored.id },
      opts: TICK_JOB_OPTIONS,
    });
    return (await this.getSchedule(stored.id)) as ScheduleInfo;
  }

  /**
   * Stops a schedule: no more ticks; a run in flight finishes and is recorded. Its runs stay
   * readable, unless `purge` (which deletes them). False when there was no such schedule.
   */
  async removeSchedule(id: string, options: { purge?: boolean } = {}): Promise<boolean> {
    const known = (await this.ledger.getSchedule(id)) !== undefined;
    await stopSchedule({ ledger: this.ledger, queue: this.queue }, id, 'removed');
    if (options.purge || !known) await this.ledger.forget(id);
    return known;
  }

  async getSchedule(id: string): Promise<ScheduleInfo | undefined> {
    const row = await this.ledger.getSchedule(id);
    if (row === undefined) return undefined;
    const info: ScheduleInfo = { id, state: row.state, spec: row.spec, runs: row.runs };
    if (row.threadId) info.threadId = row.threadId;
    if (row.lastError) info.lastError = row.lastError;
    if (row.lastRunId) {
      const last = await this.ledger.getRun(row.lastRunId);
      if (last) info.lastRun = last;
    }
    if (row.state === 'active') {
      const next = (await this.queue.getJobScheduler(id))?.next;
      if (typeof next === 'number') info.nextRunAt = new Date(next);
    }
    return info;
  }

  /** Every schedule (by id), with its next run and last result. */
  async listSchedules(): Promise<ScheduleInfo[]> {
    const infos = await Promise.all((await this.ledger.scheduleIds()).map((id) => this.getSchedule(id)));
    return infos.filter((i): i is ScheduleInfo => i !== undefined);
  }

  /** The newest `limit` (default 20) run records of a schedule, newest first. */
  getRuns(scheduleId: string, options: { limit?: number } = {}): Promise<RunRecord[]> {
    const limit = options.limit ?? 20;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return Promise.reject(validationError('limit', `limit must be an integer >= 1, got ${String(limit)}`));
    }
    return this.ledger.getRuns(scheduleId, limit);
  }

  /** The ledger's events as they are written by any worker (from now on, or `fromStart`). */
  events(options: { signal?: AbortSignal; fromStart?: boolean } = {}): AsyncIterable<DurableEvent> {
    return readEvents(this.redis, this.ledger.eventsKey, options);
  }

  /** Closes the connections (schedules live on in Redis). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.queue.close();
      this.redis.disconnect();
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
