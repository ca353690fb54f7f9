import type { Redis } from 'ioredis';
import type { DurableEvent, RunError, RunRecord, ScheduleState, StoredSpec } from '../types.js';

/**
 * The schedule's lease is held by one *attempt* of a run: its token is `<jobId>#<attempt>` (unique
 * per processing of the job, see `leaseToken`), never the bare job id, so a second worker that
 * BullMQ handed the same job (the first one's job lock was lost: stalled, not dead) cannot share
 * it, and the first one, coming back, cannot refresh or release what the second one holds.
 */

/**
 * Takes the lease for token ARGV[1] (or keeps it, when that token holds it already). Returns
 * `{1, ''}` when taken; `{2, jobId}` when another attempt of the same job (ARGV[3]) holds it: not a
 * collapsed tick (no `pending`), and the lease is reserved for this attempt (KEYS[3], while it keeps
 * asking) so that when it frees, the takeover gets it before any new tick; else `{0, jobId of the
 * holder or of the reservation}`, and records ARGV[3] as the tick collapsed meanwhile (`pending`).
 */
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ''}
end
local reserved = redis.call('GET', KEYS[3])
if not holder then
  if (not reserved) or reserved == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    if reserved then redis.call('DEL', KEYS[3]) end
    return {1, ''}
  end
  holder = reserved
end
local job = string.match(holder, '^(.*)#[^#]*$') or holder
if job == ARGV[3] then
  if not reserved then
    redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
  elseif reserved == ARGV[1] then
    redis.call('PEXPIRE', KEYS[3], ARGV[2])
  end
  return {2, job}
end
redis.call('HSET', KEYS[2], 'pending', ARGV[3])
return {0, job}`;

/**
 * Drops the lease when token ARGV[1] holds it (and its reservation, when it has one), and returns
 * (and clears) the tick collapsed meanwhile. `false` (nothing released, `pending` left for the
 * holder) when another token holds the lease, or it is free but reserved for another attempt: a
 * stale attempt's late release. When it is free and not reserved, no run is in flight: the
 * collapsed tick is still handed back (for its one catch-up run).
 */
const RELEASE = `
local holder = redis.call('GET', KEYS[1])
local reserved = redis.call('GET', KEYS[3])
if reserved == ARGV[1] then
  redis.call('DEL', KEYS[3])
  reserved = false
end
if holder and holder ~= ARGV[1] then return false end
if holder then redis.call('DEL', KEYS[1]) elseif reserved then return false end
local pending = redis.call('HGET', KEYS[2], 'pending')
redis.call('HDEL', KEYS[2], 'pending')
return pending or ''`;

/** Writes an unfinished record unless the run is already final (a stalled worker's late write). */
const PUT_RUN = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).phase == 'finished' then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'e', ARGV[4]) end
return 1`;

/**
 * Writes a final record, counts it and publishes it, once: -1 (nothing written) when the run is
 * final already (two workers finishing one run: the stalled one and the one that took it over).
 */
const FINISH_RUN = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).phase == 'finished' then return -1 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
local runs = redis.call('HINCRBY', KEYS[3], 'runs', ARGV[4])
if ARGV[4] == '1' then redis.call('HSET', KEYS[3], 'lastRunId', ARGV[3]) end
if ARGV[4] == '1' and ARGV[5] ~= '' then redis.call('HSET', KEYS[3], 'threadId', ARGV[5]) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[7], '*', 'e', ARGV[6])
return runs`;

/** Extends the lease's TTL only while token ARGV[1] holds it (1), else 0. */
const REFRESH = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** What `claim` found: the lease taken, or who holds it. */
export type Claim = { ok: true } | { ok: false; holder: string; sameRun: boolean };

let attempts = 0;

/**
 * A lease token unique per attempt: `<jobId>#<worker>.<counter>.<random>` (`#` kept out of the
 * attempt part, so the job id is everything before the last `#`).
 */
export function leaseToken(jobId: string, worker: string): string {
  attempts += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `${jobId}#${worker.replaceAll('#', '_')}.${attempts}.${random}`;
}

/** The raw hash of a schedule. */
export interface ScheduleRow {
  spec: StoredSpec;
  state: ScheduleState;
  threadId?: string;
  /** The worker of the last turn on the thread. */
  lastWorker?: string;
  runs: number;
  lastRunId?: string;
  lastError?: RunError;
}

/** How many run records a schedule keeps (older ones are trimmed). */
export const KEEP_RUNS = 1_000;
const KEEP_EVENTS = 10_000;

/**
 * The Redis side of durable automation: schedules, the per-schedule lease (one run in flight),
 * the run records and the event stream. Every key starts with `codexus:<name>:`.
 */
export class Ledger {
  readonly prefix: string;

  constructor(
    readonly redis: Redis,
    name: string,
  ) {
    this.prefix = `codexus:${name}`;
  }

  get eventsKey(): string {
    return `${this.prefix}:events`;
  }

  private scheduleKey(id: string): string {
    return `${this.prefix}:s:${id}`;
  }

  private leaseKey(id: string): string {
    return `${this.prefix}:lease:${id}`;
  }

  /** The attempt the lease is reserved for when it frees (a takeover of a stalled run). */
  private reservedKey(id: string): string {
    return `${this.prefix}:lease-next:${id}`;
  }

  private runKey(runId: string): string {
    return `${this.prefix}:r:${runId}`;
  }

  /** XADD arguments appending `e` to the capped event stream. */
  private eventArgs(e: DurableEvent) {
    return [this.eventsKey, 'MAXLEN', '~', KEEP_EVENTS, '*', 'e', JSON.stringify(e)] as const;
  }

  private runsKey(id: string): string {
    return `${this.prefix}:runs:${id}`;
  }

  async putSchedule(spec: StoredSpec): Promise<void> {
    await this.redis
      .multi()
      .sadd(`${this.prefix}:schedules`, spec.id)
      .hset(this.scheduleKey(spec.id), { spec: JSON.stringify(spec), state: 'active' })
      .hdel(this.scheduleKey(spec.id), 'lastError')
      .exec();
  }

  async scheduleIds(): Promise<string[]> {
    return (await this.redis.smembers(`${this.prefix}:schedules`)).sort();
  }

  async getSchedule(id: string): Promise<ScheduleRow | undefined> {
    const row = await this.redis.hgetall(this.scheduleKey(id));
    if (row.spec === undefined) return undefined;
    const out: ScheduleRow = {
      spec: JSON.parse(row.spec) as StoredSpec,
      state: (row.state ?? 'active') as ScheduleState,
      runs: Number(row.runs ?? 0),
    };
    if (row.threadId) out.threadId = row.threadId;
    if (row.lastWorker) out.lastWorker = row.lastWorker;
    if (row.lastRunId) out.lastRunId = row.lastRunId;
    if (row.lastError) out.lastError = JSON.parse(row.lastError) as RunError;
    return out;
  }

  /** Marks a schedule final (it stays listed with its runs until `forget`). */
  async stopSchedule(id: string, state: ScheduleState, error?: RunError): Promise<void> {
    const fields: Record<string, string> = { state };
    if (error) fields.lastError = JSON.stringify(error);
    await this.redis
      .multi()
      .hset(this.scheduleKey(id), fields)
      .xadd(
        ...this.eventArgs({ type: 'scheduleStopped', scheduleId: id, state, ...(error ? { error } : {}) }),
      )
      .exec();
  }

  /** Records the thread a turn is about to run on, and the worker running it. */
  async setThread(id: string, threadId: string, worker: string): Promise<void> {
    await this.redis.hset(this.scheduleKey(id), { threadId, lastWorker: worker });
  }

  /** Removes a schedule, its runs and its lease. */
  async forget(id: string): Promise<void> {
    const runIds = await this.redis.zrange(this.runsKey(id), '0', '-1');
    const multi = this.redis
      .multi()
      .srem(`${this.prefix}:schedules`, id)
      .del(this.scheduleKey(id), this.runsKey(id));
    for (const runId of runIds) multi.del(this.runKey(runId));
    await multi.exec();
  }

  /**
   * Takes the schedule's lease for one attempt (`token`, from `leaseToken(jobId, ...)`) of tick
   * `jobId`. `held` is the job id of the holder when it is taken: `sameRun` when that is another
   * attempt of this very job (not recorded as a collapsed tick; the lease is reserved for this
   * attempt while it keeps claiming, so it gets it before a new tick once it frees), else this tick
   * is recorded as the one collapsed meanwhile (`release` hands it back).
   */
  async claim(id: string, jobId: string, token: string, ttlMs: number): Promise<Claim> {
    const [code, holder] = (await this.redis.eval(
      CLAIM,
      3,
      this.leaseKey(id),
      this.scheduleKey(id),
      this.reservedKey(id),
      token,
      ttlMs,
      jobId,
    )) as [number, string];
    if (code === 1) return { ok: true };
    return { ok: false, holder, sameRun: code === 2 };
  }

  /** Extends the lease; false when `token` no longer holds it (expired, or taken by another attempt). */
  async refresh(id: string, token: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(REFRESH, 1, this.leaseKey(id), token, ttlMs)) === 1;
  }

  /**
   * Releases the lease (or the reservation) `token` holds; returns the id of a tick collapsed while
   * it was held (or `''`), or `undefined` when another attempt holds (or has reserved) it now:
   * nothing was released.
   */
  async release(id: string, token: string): Promise<string | undefined> {
    const pending = await this.redis.eval(
      RELEASE,
      3,
      this.leaseKey(id),
      this.scheduleKey(id),
      this.reservedKey(id),
      token,
    );
    return pending === null ? undefined : String(pending);
  }

  /** The token holding the schedule's lease, if any (for tests and diagnostics). */
  async leaseHolder(id: string): Promise<string | undefined> {
    return (await this.redis.get(this.leaseKey(id))) ?? undefined;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const text = await this.redis.get(this.runKey(runId));
    return text === null ? undefined : (JSON.parse(text) as RunRecord);
  }

  /** The newest `limit` runs of a schedule, newest first. */
  async getRuns(id: string, limit: number): Promise<RunRecord[]> {
    const runIds = await this.redis.zrevrange(this.runsKey(id), 0, limit - 1);
    if (runIds.length === 0) return [];
    const texts = await this.redis.mget(...runIds.map((r) => this.runKey(r)));
    return texts.filter((t): t is string => t !== null).map((t) => JSON.parse(t) as RunRecord);
  }

  /** Writes a run record that is not final yet (intent, started); never overwrites a final one. */
  async putRun(run: RunRecord, started?: DurableEvent): Promise<void> {
    await this.redis.eval(
      PUT_RUN,
      3,
      this.runKey(run.id),
      this.runsKey(run.scheduleId),
      this.eventsKey,
      JSON.stringify(run),
      String(run.createdAt),
      run.id,
      started ? JSON.stringify(started) : '',
      KEEP_EVENTS,
    );
  }

  /**
   * Writes a final run record, counts it (unless collapsed or abandoned) and publishes it, in one
   * script, at most once per run. Returns the schedule's run count afterwards, or `undefined` when
   * the run was final already (nothing written).
   */
  async finishRun(run: RunRecord): Promise<number | undefined> {
    const counted = run.outcome !== 'collapsed' && run.outcome !== 'abandoned';
    const event: DurableEvent = { type: 'runFinished', scheduleId: run.scheduleId, runId: run.id, run };
    const runs = Number(
      await this.redis.eval(
        FINISH_RUN,
        4,
        this.runKey(run.id),
        this.runsKey(run.scheduleId),
        this.scheduleKey(run.scheduleId),
        this.eventsKey,
        JSON.stringify(run),
        String(run.createdAt),
        run.id,
        counted ? '1' : '0',
        run.threadId ?? '',
        JSON.stringify(event),
        KEEP_EVENTS,
      ),
    );
    if (runs < 0) return undefined;
    await this.trim(run.scheduleId);
    return runs;
  }

  /** Publishes a worker's own event (paused, resumed, closed) to every process. */
  async publish(event: DurableEvent): Promise<void> {
    await this.redis.xadd(...this.eventArgs(event));
  }

  private async trim(id: string): Promise<void> {
    const extra = (await this.redis.zcard(this.runsKey(id))) - KEEP_RUNS;
    if (extra <= 0) return;
    const old = await this.redis.zrange(this.runsKey(id), '0', String(extra - 1));
    await this.redis
      .multi()
      .zrem(this.runsKey(id), ...old)
      .del(...old.map((r) => this.runKey(r)))
      .exec();
  }
}
