import { CodexRpcError, CodexusError } from '@codexus/core';
import type { Client, ClientPool, Prompt, PromptRunResult, Session } from '@codexus/runtime';
import { PromptRunError } from '@codexus/runtime';
import type { DurableSessionConfig, RunAttempt, RunError, RunRecord } from '../types.js';
import type { Ledger, ScheduleRow } from './ledger.js';
import { resumeRefusedForNow } from './resume-refusal.js';
import { isTransient, TransientFailure } from './transient.js';

/** What a worker drives its turns on. */
export type WorkerClient = Client | ClientPool;

/**
 * How often a resume refused for a moment only (`resumeRefusedForNow`: another codex still has the
 * thread open, or this one is still closing it) is retried, and how far apart: 100 ms more each
 * time, at most 500 ms (about 3.5 s in all).
 */
const BUSY_RETRIES = 10;
const busyRetryMs = (attempt: number) => Math.min(100 * (attempt + 1), 500);

/**
 * A session on the schedule's thread: resumed when it is reachable here, else a new thread (the
 * record's `threadChange` says why). codex lets one process write a thread at a time, and a thread
 * being unloaded cannot be resumed until it is: a resume refused with "already has an active writer"
 * (another worker's codex has not let go of it yet), "is closing; retry thread/resume after the
 * thread is closed", or "no rollout found" for a thread codex can read, is retried a few times first.
 */
export async function openSession(
  client: WorkerClient,
  schedule: ScheduleRow,
  run: RunRecord,
): Promise<Session> {
  try {
    return await resumeOrStart(client, schedule, run);
  } catch (error) {
    // codex (or every endpoint of the pool) is unavailable: retried, not a broken schedule.
    if (isTransient(error, 'session')) throw new TransientFailure(error);
    throw error;
  }
}

async function resumeOrStart(client: WorkerClient, schedule: ScheduleRow, run: RunRecord): Promise<Session> {
  const config: DurableSessionConfig = schedule.spec.session;
  const previous = schedule.threadId;
  if (previous === undefined) return client.startSession(config);
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.resumeSession(previous, config);
    } catch (error) {
      // codex answered with an error (e.g. `no rollout found`: the thread lives in another CODEX_HOME).
      if (!CodexRpcError.isInstance(error) || isTransient(error, 'session')) throw error;
      if (attempt < BUSY_RETRIES && (await resumeRefusedForNow(client, previous, error)) !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, busyRetryMs(attempt)));
        continue;
      }
      const session = await client.startSession(config);
      run.threadChange = { from: previous, to: session.threadId, reason: errorOf(error).message };
      return session;
    }
  }
}

/**
 * Runs one turn of `run` on `session`, recording `started` (with the turn id) and then the final
 * record in Redis before it returns. A failed turn is recorded as `failed`; nothing throws except a
 * Redis or connection problem (which leaves the run unfinished, for the stalled-job recovery).
 */
export async function runTurn(opts: {
  ledger: Ledger;
  session: Session;
  run: RunRecord;
  worker: string;
  prompt: Prompt;
  outputSchema?: Record<string, unknown>;
  outcome: 'ran' | 'rerun';
}): Promise<RunRecord> {
  const { ledger, session, run, worker } = opts;
  const attempt: RunAttempt = { worker, threadId: session.threadId, startedAt: Date.now() };
  run.attempts.push(attempt);
  run.threadId = session.threadId;
  await ledger.setThread(run.scheduleId, session.threadId, worker);
  // The intent, with its thread and time, is in Redis before `turn/start`: a worker lost between
  // the start and the turn id leaves a record that reconcile matches against the thread's turns.
  await ledger.putRun(run);
  const stream = session.askStream(opts.prompt, opts.outputSchema ? { outputSchema: opts.outputSchema } : {});
  const turnId = await Promise.race([
    stream.turnIdReady,
    stream.result.then(
      () => undefined,
      () => undefined,
    ),
  ]);
  if (turnId !== undefined) {
    attempt.turnId = turnId;
    run.turnId = turnId;
    run.phase = 'started';
    await ledger.putRun(run, {
      type: 'runStarted',
      scheduleId: run.scheduleId,
      runId: run.id,
      worker,
      threadId: session.threadId,
      turnId,
    });
  }
  let result: PromptRunResult;
  try {
    result = await stream.result;
  } catch (error) {
    // This worker's codex went away (or is overloaded): retried, and the next try reconciles the turn.
    if (isTransient(error, 'turn')) throw new TransientFailure(error);
    attempt.end = 'finished';
    const partial = PromptRunError.isInstance(error) ? error.partial : undefined;
    Object.assign(run, finished(partial, opts.outputSchema), { outcome: 'failed', error: errorOf(error) });
    return run;
  }
  attempt.end = 'finished';
  Object.assign(run, finished(result, opts.outputSchema), { outcome: opts.outcome });
  return run;
}

/** The final fields of a run from a turn's result. */
export function finished(
  result: Pick<PromptRunResult, 'turnId' | 'status' | 'text' | 'usage' | 'error'> | undefined,
  outputSchema: Record<string, unknown> | undefined,
): Partial<RunRecord> {
  const out: Partial<RunRecord> = { phase: 'finished', finishedAt: Date.now() };
  if (result === undefined) return out;
  if (result.turnId) out.turnId = result.turnId;
  out.status = result.status;
  out.text = result.text;
  if (result.usage) out.usage = result.usage;
  if (result.error) out.turnError = result.error;
  if (outputSchema !== undefined) {
    try {
      out.output = JSON.parse(result.text);
    } catch {
      // not JSON: the text stays, no output
    }
  }
  return out;
}

export function errorOf(error: unknown): RunError {
  if (CodexusError.isInstance(error)) return { code: error.code, message: error.message };
  if (CodexRpcError.isInstance(error)) return { code: 'RPC_ERROR', message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
