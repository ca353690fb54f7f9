import { delay } from '@codexus/core/internal';
import type { Job, Queue } from 'bullmq';
import type { RunRecord } from '../types.js';
import { type Claim, type Ledger, leaseToken, type ScheduleRow } from './ledger.js';
import { reconcile } from './reconcile.js';
import { errorOf, openSession, runTurn } from './run-turn.js';
import type { SessionCache } from './session-cache.js';
import type { ClientSupervisor } from './supervisor.js';
import { TransientFailure } from './transient.js';

/** The data of every tick job. */
export interface TickData {
  scheduleId: string;
}

export interface TickContext {
  ledger: Ledger;
  queue: Queue;
  /** The worker's codex (`supervisor.client`), and what pauses the worker while it is down. */
  supervisor: ClientSupervisor;
  worker: string;
  /** How long a lease outlives a worker that stopped refreshing it (ms). */
  leaseMs: number;
  sessions: SessionCache;
  /** Keep the session open after a run, for this worker's next run of the schedule. */
  keepSessions: boolean;
  /** How long reconcile waits for a turn another codex still runs (ms). */
  reconcileWaitMs: number;
}

/**
 * Processes one tick job. Takes the schedule's lease (one run in flight per schedule, across every
 * worker; held under a token unique to this attempt): a tick that finds it held by another job is
 * recorded as `collapsed`, and one catch-up run follows when the run in flight ends; one that finds
 * it held by another attempt of the same job waits for it (see below). A tick whose record already exists unfinished is a lost run
 * (its worker died; BullMQ handed the stalled job over) and is reconciled. Every final record is
 * written before the job is acknowledged (the processor returns).
 */
export async function processTick(job: Job<TickData>, ctx: TickContext): Promise<void> {
  const { ledger } = ctx;
  const scheduleId = job.data.scheduleId;
  const jobId = String(job.id);
  const schedule = await ledger.getSchedule(scheduleId);
  if (schedule === undefined) return; // forgotten: nothing to record into
  let existing = await ledger.getRun(jobId);
  if (existing?.phase === 'finished') return; // recorded; only the acknowledgement was lost
  const fresh: RunRecord = {
    id: jobId,
    scheduleId,
    phase: 'intent',
    tickAt: job.timestamp + (job.opts.delay ?? 0),
    createdAt: Date.now(),
    attempts: [],
  };
  if (schedule.state !== 'active') {
    await ledger.finishRun({
      ...(existing ?? fresh),
      phase: 'finished',
      outcome: 'abandoned',
      finishedAt: Date.now(),
      recovery: { reason: `the schedule is ${schedule.state}`, action: 'abandoned' },
    });
    return;
  }
  // This attempt's own lease token: the job id alone is shared by every worker BullMQ hands the job.
  const token = leaseToken(jobId, ctx.worker);
  let claim = await ledger.claim(scheduleId, jobId, token, ctx.leaseMs);
  if (!claim.ok && claim.sameRun) {
    // Another attempt of this very run holds the lease: BullMQ found the job's lock lost and handed
    // the job here while the first worker is alive (stalled, not dead: it still refreshed the lease
    // within the last `leaseMs`). It is neither a collapsed tick (that would collapse the run into
    // itself) nor a lost run yet: wait for the lease. It ends when the first attempt finishes
    // (released; its record is final: nothing to do here) or stops refreshing (expired, within
    // `leaseMs`: the run is lost, reconciled below as for a dead worker). Meanwhile the lease is
    // reserved for this attempt, so a new tick that comes when it frees collapses instead of taking
    // it before the takeover (which would leave the lost run to be abandoned).
    const after = await awaitOtherAttempt(ctx, scheduleId, jobId, token);
    if (after === undefined) {
      // The other attempt recorded the run: drop this one's reservation (and the lease, if it was
      // already freed and so taken here).
      await releaseLease(ctx, scheduleId, token);
      return;
    }
    claim = after;
    existing = await ledger.getRun(jobId);
    if (existing?.phase === 'finished') {
      if (claim.ok) await releaseLease(ctx, scheduleId, token);
      return;
    }
  }
  const base = existing ?? fresh;
  const lost = isLost(existing);
  if (!claim.ok) {
    const run: RunRecord = { ...base, phase: 'finished', finishedAt: Date.now() };
    if (lost) {
      run.outcome = 'abandoned';
      run.recovery = {
        reason: `lost while run ${claim.holder} of the schedule took over`,
        action: 'abandoned',
      };
    } else {
      run.outcome = 'collapsed';
      run.collapsedInto = claim.holder;
    }
    await ledger.finishRun(run);
    return;
  }
  const refresher = setInterval(
    () => {
      // false: the lease expired (this worker stalled past `leaseMs`) and maybe another attempt holds
      // it now; this one goes on (its codex may be mid-turn) but never releases what it lost.
      ledger.refresh(scheduleId, token, ctx.leaseMs).catch(() => undefined);
    },
    Math.max(50, Math.floor(ctx.leaseMs / 4)),
  );
  try {
    let run: RunRecord;
    try {
      ctx.supervisor.assertUp();
      run = lost
        ? await reconcileLost(ctx, existing as RunRecord, schedule)
        : await firstRun(ctx, base, schedule);
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      run = await retryLater(ctx, job, base, error); // throws (BullMQ retries) unless out of tries
    }
    const runs = await ledger.finishRun(run);
    if (runs === undefined) {
      // Final already: a stalled worker that came back after another one reconciled its run.
    } else if (run.outcome === 'failed') await stopSchedule(ctx, scheduleId, 'failed', run.error);
    else if (schedule.spec.maxRuns !== undefined && runs >= schedule.spec.maxRuns) {
      await stopSchedule(ctx, scheduleId, 'completed');
    }
  } finally {
    clearInterval(refresher);
    await releaseLease(ctx, scheduleId, token);
  }
}

/** How often a tick waiting for another attempt of its run polls the lease (ms). */
const SAME_RUN_POLL_MS = 100;

/**
 * Waits while another attempt of `jobId` holds the schedule's lease. `undefined` once that attempt
 * recorded the run final (nothing left to do); else the claim that ended the wait: the lease taken
 * (released, or expired: the first attempt stopped refreshing it), or held by another tick (the
 * first attempt released it and a new tick took it before this poll).
 */
async function awaitOtherAttempt(
  ctx: TickContext,
  scheduleId: string,
  jobId: string,
  token: string,
): Promise<Claim | undefined> {
  const pollMs = Math.min(SAME_RUN_POLL_MS, Math.max(10, Math.floor(ctx.leaseMs / 8)));
  for (;;) {
    if ((await ctx.ledger.getRun(jobId))?.phase === 'finished') return undefined;
    await delay(pollMs);
    const claim = await ctx.ledger.claim(scheduleId, jobId, token, ctx.leaseMs);
    if (claim.ok || !claim.sameRun) return claim;
  }
}

/**
 * Releases this attempt's lease and queues one catch-up run for the ticks collapsed meanwhile (its
 * id is unique per collapsed tick). Nothing when another attempt holds the lease now.
 */
async function releaseLease(ctx: TickContext, scheduleId: string, token: string): Promise<void> {
  const pending = await ctx.ledger.release(scheduleId, token);
  if (pending === undefined || pending === '') return;
  if ((await ctx.ledger.getSchedule(scheduleId))?.state !== 'active') return;
  await ctx.queue.add(
    'tick',
    { scheduleId },
    { ...TICK_JOB_OPTIONS, jobId: `catchup-${pending.replaceAll(':', '.')}` },
  );
}

/**
 * A record that exists unfinished is a lost run (its worker died, or its codex did mid-turn), to be
 * reconciled, unless it was retried after a transient failure before any turn (`retries`, and no
 * attempt left open): that one simply runs.
 */
function isLost(existing: RunRecord | undefined): existing is RunRecord {
  if (existing === undefined) return false;
  return existing.retries === undefined || existing.attempts.some((a) => a.end === undefined);
}

async function reconcileLost(ctx: TickContext, run: RunRecord, schedule: ScheduleRow): Promise<RunRecord> {
  await ctx.sessions.take(schedule.spec.id, {}, ctx.worker); // a recovery resumes the thread afresh
  return reconcile({
    ledger: ctx.ledger,
    client: ctx.supervisor.client,
    schedule,
    run,
    worker: ctx.worker,
    waitMs: ctx.reconcileWaitMs,
  });
}

/**
 * A transient failure: recorded in the run's `retries` (from the stored record: what the failed try
 * changed in memory is dropped, so the next try starts from what Redis holds), the worker paused
 * until its codex is healthy, and the error rethrown for BullMQ to retry the job with backoff. On
 * the job's last attempt the tick is `abandoned` with the reason instead; the schedule goes on.
 */
async function retryLater(
  ctx: TickContext,
  job: Job<TickData>,
  base: RunRecord,
  failure: TransientFailure,
): Promise<RunRecord> {
  const error = errorOf(failure.original);
  ctx.supervisor.suspect(error.message);
  const stored = (await ctx.ledger.getRun(base.id)) ?? base;
  const retries = [...(stored.retries ?? []), { at: Date.now(), worker: ctx.worker, error }];
  const run: RunRecord = { ...stored, retries };
  if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
    await ctx.ledger.putRun(run);
    throw failure.original;
  }
  for (const a of run.attempts) a.end ??= 'lost';
  return {
    ...run,
    phase: 'finished',
    outcome: 'abandoned',
    finishedAt: Date.now(),
    recovery: {
      reason: `codex was unavailable through ${retries.length} tries (last: ${error.message})`,
      action: 'abandoned',
    },
  };
}

async function firstRun(ctx: TickContext, run: RunRecord, schedule: ScheduleRow): Promise<RunRecord> {
  await ctx.ledger.putRun(run);
  let session = await ctx.sessions.take(run.scheduleId, schedule, ctx.worker);
  try {
    session ??= await openSession(ctx.supervisor.client, schedule, run);
  } catch (error) {
    if (error instanceof TransientFailure) throw error; // retried with backoff
    return {
      ...run,
      phase: 'finished',
      outcome: 'failed',
      finishedAt: Date.now(),
      error: errorOf(error),
    } satisfies RunRecord;
  }
  let done: RunRecord | undefined;
  try {
    done = await runTurn({
      ledger: ctx.ledger,
      session,
      run,
      worker: ctx.worker,
      prompt: schedule.spec.prompt,
      outputSchema: schedule.spec.output,
      outcome: 'ran',
    });
    return done;
  } finally {
    if (done?.outcome === 'ran' && ctx.keepSessions) await ctx.sessions.keep(run.scheduleId, session);
    else await session.close().catch(() => undefined);
  }
}

/** Ends a schedule: no more ticks (the BullMQ job scheduler is removed), the state recorded. */
export async function stopSchedule(
  ctx: Pick<TickContext, 'ledger' | 'queue'>,
  scheduleId: string,
  state: 'failed' | 'completed' | 'removed',
  error?: { code: string; message: string },
): Promise<void> {
  await ctx.queue.removeJobScheduler(scheduleId);
  await ctx.ledger.stopSchedule(scheduleId, state, error);
}

/**
 * The job options of every tick: transient failures (codex unavailable) are retried with
 * exponential backoff, 250 ms doubling, 8 tries in all (about 30 s), before the tick is abandoned.
 */
export const TICK_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 250 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 1_000 },
} as const;
