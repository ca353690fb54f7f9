import { CodexRpcError } from '@codexus/core';
import { delay } from '@codexus/core/internal';
import type { Session } from '@codexus/runtime';
import type { RunAttempt, RunRecord } from '../types.js';
import type { Ledger, ScheduleRow } from './ledger.js';
import { resumeRefusedForNow } from './resume-refusal.js';
import { errorOf, finished, openSession, runTurn, type WorkerClient } from './run-turn.js';
import { type TurnMatch, turnOfAttempt, turnsOf, type WireTurn } from './thread-turns.js';
import { isTransient, TransientFailure } from './transient.js';

const POLL_MS = 200;

/**
 * A tick whose run record exists but is not final: its worker was lost (BullMQ found the job
 * stalled and gave it to this worker), or its codex died mid-turn. Looks the attempt's turn up in
 * the thread (by turn id, or, when the worker was lost before recording it, the turn started after
 * the attempt's intent): a turn still running (in progress here, or the thread still held by
 * another live codex: a stalled worker) is waited for, up to `waitMs`; a completed turn is recorded
 * from the thread (`recovered`); otherwise the turn runs once more (`rerun`), or, after one re-run
 * already, the run is given up (`abandoned`). Every path records why.
 */
export async function reconcile(opts: {
  ledger: Ledger;
  client: WorkerClient;
  schedule: ScheduleRow;
  run: RunRecord;
  worker: string;
  waitMs: number;
}): Promise<RunRecord> {
  const { ledger, client, schedule, run, worker } = opts;
  const last = run.attempts.at(-1);
  if (last && last.end === undefined) last.end = 'lost';
  let session: Session | undefined;
  let reason: string;
  try {
    const threadId = last?.threadId ?? run.threadId;
    if (threadId === undefined || last === undefined) {
      reason = 'the worker was lost before the turn started';
    } else {
      const previousTurn = schedule.lastRunId ? (await ledger.getRun(schedule.lastRunId))?.turnId : undefined;
      const look = await lookUp(client, threadId, schedule, last, previousTurn, opts.waitMs);
      session = look.session;
      const turn = look.match?.turn;
      if (turn?.status === 'completed') {
        Object.assign(run, finished(fromWire(turn), schedule.spec.output), {
          outcome: 'recovered',
          recovery: { reason: recoveredReason(look), action: 'recordedFromThread' },
        });
        last.turnId = String(turn.id);
        return run;
      }
      reason = lostReason(look, last);
    }
  } catch (error) {
    if (error instanceof TransientFailure) throw error;
    if (isTransient(error, 'session')) throw new TransientFailure(error);
    reason = `the thread could not be checked here: ${errorOf(error).message}`;
  }
  try {
    if (run.attempts.length >= 2) {
      Object.assign(run, {
        phase: 'finished',
        outcome: 'abandoned',
        finishedAt: Date.now(),
        recovery: { reason: `${reason}; already re-run once`, action: 'abandoned' },
      } satisfies Partial<RunRecord>);
      return run;
    }
    session ??= await openSession(client, schedule, run);
    run.recovery = { reason, action: 'rerun' };
    return await runTurn({
      ledger,
      session,
      run,
      worker,
      prompt: schedule.spec.prompt,
      outputSchema: schedule.spec.output,
      outcome: 'rerun',
    });
  } finally {
    await session?.close();
  }
}

interface LookUp {
  /** A session on the thread, when this codex could resume it. */
  session?: Session;
  match?: TurnMatch;
  /** Why the turn still looked alive when the wait ran out. */
  live?: string;
  /**
   * The turn looked alive elsewhere at some point (in progress, or the thread held by another
   * codex): the lost worker was stalled, not dead. Not when this codex was only unloading the thread.
   */
  stalled: boolean;
  waitedMs: number;
}

/**
 * Reads the thread (and resumes it, once no turn of it runs here): polls while the attempt's turn
 * is in progress in this codex, or the resume is refused for now (another codex still holds the
 * thread, `active writer`: its worker is stalled, not dead; or this codex is still closing it; see
 * `resumeRefusedForNow`), up to `waitMs`.
 */
async function lookUp(
  client: WorkerClient,
  threadId: string,
  schedule: ScheduleRow,
  attempt: RunAttempt,
  previousTurn: string | undefined,
  waitMs: number,
): Promise<LookUp> {
  const started = Date.now();
  let stalled = false;
  for (;;) {
    const read = await readTurns(client, threadId);
    let match = read && turnOfAttempt(read, attempt, previousTurn);
    let live: string | undefined;
    if (match?.turn.status === 'inProgress') {
      live = `turn ${String(match.turn.id)} is still in progress`;
      stalled = true;
    } else {
      try {
        const session = await client.resumeSession(threadId, schedule.spec.session);
        const turns = turnsOf(session.info.thread) ?? (await readTurns(client, threadId)) ?? [];
        match = turnOfAttempt(turns, attempt, previousTurn);
        return { session, match, stalled, waitedMs: Date.now() - started };
      } catch (error) {
        const refusal = await resumeRefusedForNow(client, threadId, error);
        if (refusal === undefined) throw error;
        if (refusal === 'heldElsewhere') stalled = true;
        live = `codex cannot resume the thread yet (${errorOf(error).message})`;
      }
    }
    const waitedMs = Date.now() - started;
    if (waitedMs >= waitMs) return { match, live, stalled, waitedMs };
    await delay(Math.min(POLL_MS, waitMs - waitedMs));
  }
}

/**
 * The thread's turns through `thread/read` (a `Client`, or a `ClientPool` on the endpoint that
 * holds the thread); `undefined` when codex cannot list them yet: right after a turn, while the thread is being unloaded, codex 0.171 may answer
 * `includeTurns` with "thread … is not materialized yet" (-32600). The resume then reads them.
 */
async function readTurns(client: WorkerClient, threadId: string): Promise<WireTurn[] | undefined> {
  try {
    return turnsOf((await client.readThread(threadId, { includeTurns: true })).thread) ?? [];
  } catch (error) {
    if (CodexRpcError.isInstance(error) && /not materialized/i.test(error.message)) return undefined;
    throw error;
  }
}

function recoveredReason(look: LookUp): string {
  if (look.stalled) {
    return `the worker stalled mid-turn; its turn finished in the thread meanwhile (waited ${look.waitedMs} ms)`;
  }
  return look.match?.by === 'intent'
    ? 'the worker was lost before it recorded the turn id; the turn it started had completed'
    : 'the worker was lost after the turn completed';
}

function lostReason(look: LookUp, attempt: RunAttempt): string {
  if (look.live !== undefined) return `${look.live} after waiting ${look.waitedMs} ms; re-run`;
  const turn = look.match?.turn;
  if (attempt.turnId === undefined) {
    return turn === undefined
      ? 'the worker was lost before the turn started (no turn in the thread after its intent)'
      : `the worker was lost mid-turn before it recorded the turn id (turn ${String(turn.id)} is ${String(turn.status)})`;
  }
  return `the worker was lost mid-turn (turn ${attempt.turnId} is ${String(turn?.status ?? 'not in the thread')})`;
}

/** A turn of `thread/read` in the shape of a result: its last agent message is the text. */
function fromWire(turn: WireTurn) {
  const items = Array.isArray(turn.items) ? (turn.items as { type?: unknown; text?: unknown }[]) : [];
  const text = items.filter((i) => i.type === 'agentMessage' && typeof i.text === 'string').at(-1)?.text;
  return {
    turnId: String(turn.id),
    status: 'completed' as const,
    text: typeof text === 'string' ? text : '',
  };
}
