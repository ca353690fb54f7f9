import { CodexusError } from '@codexus/core';
import type { Job, Queue } from 'bullmq';
import type { RunRecord } from '../types.js';
import type { Ledger, ScheduleRow } from './ledger.js';
import { reconcile } from './reconcile.js';
import { errorOf, openSession, runTurn, type WorkerClient } from './run-turn.js';
import type { SessionCache } from './session-cache.js';

/** The data of every tick job. */
export interface TickData {
  scheduleId: string;
}

export interface TickContext {
  ledger: Ledger;
  queue: Queue;
  client: WorkerClient;
  worker: string;
  /** How long a lease outlives a worker that stopped refreshing it (ms). */
  leaseMs: number;
  sessions: SessionCache;
  /** Keep the session open after a run, for this worker's next run of the schedule. */
  keepSessions: boolean;
}

/**
 * Processes one tick job. Takes the schedule's lease (one run in flight per schedule, across every
 * worker): a tick that finds it held by another job is recorded as `collapsed`, and one catch-up run
 * follows when the run in flight ends. A tick whose record already exists unfinished is a lost run
 * (its worker died; BullMQ handed the stalled job over) and is reconciled. Every final record is
 * written before the job is acknowledged (the processor returns).
 */
export async function processTick(job: Job<TickData>, ctx: TickContext): Promise<void> {
  const { ledger } = ctx;
  const scheduleId = job.data.scheduleId;
  const jobId = String(job.id);
  const schedule = await ledger.getSchedule(scheduleId);
  if (schedule === undefined) return; // forgotten: nothing to record into
  const existing = await ledger.getRun(jobId);
  if (existing?.phase === 'finished') return; // recorded; only the acknowledgement was lost
  const base: RunRecord = existing ?? {
    id: jobId,
    scheduleId,
    phase: 'intent',
    tickAt: job.timestamp + (job.opts.delay ?? 0),
    createdAt: Date.now(),
    attempts: [],
  };
  if (schedule.state !== 'active') {
    await ledger.finishRun({
      ...base,
      phase: 'finished',
      outcome: 'abandoned',
      finishedAt: Date.now(),
      recovery: { reason: `the schedule is ${schedule.state}`, action: 'abandoned' },
    });
    return;
  }
  const holder = await ledger.claim(scheduleId, jobId, ctx.leaseMs);
  if (holder !== '') {
    const run: RunRecord = { ...base, phase: 'finished', finishedAt: Date.now() };
    if (existing) {
      run.outcome = 'abandoned';
      run.recovery = { reason: `lost while run ${holder} of the schedule took over`, action: 'abandoned' };
    } else {
      run.outcome = 'collapsed';
      run.collapsedInto = holder;
    }
    await ledger.finishRun(run);
    return;
  }
  const refresher = setInterval(
    () => {
      ledger.refresh(scheduleId, jobId, ctx.leaseMs).catch(() => undefined);
    },
    Math.max(50, Math.floor(ctx.leaseMs / 4)),
  );
  let pending = '';
  try {
    let run: RunRecord;
    if (existing) {
      await ctx.sessions.take(scheduleId, {}, ctx.worker); // a recovery resumes the thread afresh
      run = await reconcile({ ledger, client: ctx.client, schedule, run: existing, worker: ctx.worker });
    } else {
      run = await firstRun(ctx, base, schedule);
    }
    const runs = await ledger.finishRun(run);
    if (run.outcome === 'failed') await stopSchedule(ctx, scheduleId, 'failed', run.error);
    else if (schedule.spec.maxRuns !== undefined && runs >= schedule.spec.maxRuns) {
      await stopSchedule(ctx, scheduleId, 'completed');
    }
  } finally {
    clearInterval(refresher);
    pending = await ledger.release(scheduleId, jobId);
  }
  if (pending !== '' && (await ledger.getSchedule(scheduleId))?.state === 'active') {
    // One catch-up run for the ticks collapsed meanwhile (its id is unique per collapsed tick).
    await ctx.queue.add(
      'tick',
      { scheduleId },
      { ...TICK_JOB_OPTIONS, jobId: `catchup-${pending.replaceAll(':', '.')}` },
    );
  }
}

async function firstRun(ctx: TickContext, run: RunRecord, schedule: ScheduleRow): Promise<RunRecord> {
  await ctx.ledger.putRun(run);
  let session = await ctx.sessions.take(run.scheduleId, schedule, ctx.worker);
  try {
    session ??= await openSession(ctx.client, schedule, run);
  } catch (error) {
    if (CodexusError.is(error, 'CONNECTION_CLOSED')) throw error; // retried by BullMQ, then reconciled
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

/** The job options of every tick: a few attempts (a worker whose codex went away retries it). */
export const TICK_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 200 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 1_000 },
} as const;
