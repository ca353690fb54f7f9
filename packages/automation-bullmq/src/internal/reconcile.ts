import type { Session } from '@codexus/runtime';
import type { RunRecord } from '../types.js';
import type { Ledger, ScheduleRow } from './ledger.js';
import { errorOf, finished, openSession, runTurn, type WorkerClient } from './run-turn.js';

interface WireTurn {
  id?: unknown;
  status?: unknown;
  items?: unknown;
  error?: unknown;
}

/**
 * A tick whose run record exists but is not final: its worker was lost (BullMQ found the job
 * stalled and gave it to this worker). Looks the turn up in the thread: a completed turn is recorded
 * from there (`recovered`); otherwise the turn runs once more (`rerun`), or, after one re-run
 * already, the run is given up (`abandoned`). Every path records why.
 */
export async function reconcile(opts: {
  ledger: Ledger;
  client: WorkerClient;
  schedule: ScheduleRow;
  run: RunRecord;
  worker: string;
}): Promise<RunRecord> {
  const { ledger, client, schedule, run, worker } = opts;
  const last = run.attempts.at(-1);
  if (last && last.end === undefined) last.end = 'lost';
  let session: Session | undefined;
  let reason: string;
  try {
    if (run.threadId === undefined) {
      reason = 'the worker was lost before the turn started';
    } else {
      session = await client.resumeSession(run.threadId, schedule.spec.session);
      const turn = run.turnId === undefined ? undefined : await findTurn(client, session, run.turnId);
      if (turn?.status === 'completed') {
        Object.assign(run, finished(fromWire(turn, run), schedule.spec.output), {
          outcome: 'recovered',
          recovery: { reason: 'the worker was lost after the turn completed', action: 'recordedFromThread' },
        });
        return run;
      }
      reason =
        run.turnId === undefined
          ? 'the worker was lost before the turn id was recorded'
          : `the worker was lost mid-turn (turn ${run.turnId} is ${String(turn?.status ?? 'not in the thread')})`;
    }
  } catch (error) {
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

async function findTurn(
  client: WorkerClient,
  session: Session,
  turnId: string,
): Promise<WireTurn | undefined> {
  let turns = turnsOf(session.info.thread);
  if (turns === undefined && 'readThread' in client) {
    turns = turnsOf((await client.readThread(session.threadId, { includeTurns: true })).thread);
  }
  return turns?.find((t) => t.id === turnId);
}

function turnsOf(thread: unknown): WireTurn[] | undefined {
  if (typeof thread !== 'object' || thread === null) return undefined;
  const turns = (thread as { turns?: unknown }).turns;
  return Array.isArray(turns) && turns.length > 0 ? (turns as WireTurn[]) : undefined;
}

/** A turn of `thread/read` in the shape of a result: its last agent message is the text. */
function fromWire(turn: WireTurn, run: RunRecord) {
  const items = Array.isArray(turn.items) ? (turn.items as { type?: unknown; text?: unknown }[]) : [];
  const text = items.filter((i) => i.type === 'agentMessage' && typeof i.text === 'string').at(-1)?.text;
  return {
    turnId: run.turnId ?? String(turn.id),
    status: 'completed' as const,
    text: typeof text === 'string' ? text : '',
  };
}
