import type { RunAttempt } from '../types.js';

/** A turn as `thread/read` / `thread/resume` return it (only the fields reconcile reads). */
export interface WireTurn {
  id?: unknown;
  status?: unknown;
  items?: unknown;
  error?: unknown;
  /** Unix seconds (codex 0.16x+). */
  startedAt?: unknown;
}

export interface TurnMatch {
  turn: WireTurn;
  /** `turnId`: the attempt recorded the id; `intent`: the turn started after the attempt's intent. */
  by: 'turnId' | 'intent';
}

export function turnsOf(thread: unknown): WireTurn[] | undefined {
  if (typeof thread !== 'object' || thread === null) return undefined;
  const turns = (thread as { turns?: unknown }).turns;
  return Array.isArray(turns) && turns.length > 0 ? (turns as WireTurn[]) : undefined;
}

/**
 * The turn of `attempt` among a thread's turns: the one with its recorded turn id; or, when the
 * worker was lost before it recorded the id, the thread's last turn when it started at or after the
 * attempt's intent (`startedAt`, written to Redis before `turn/start`) and is not the previous
 * run's turn. One run is in flight per schedule, so a turn started on the schedule's thread after
 * the intent is this attempt's.
 */
export function turnOfAttempt(
  turns: readonly WireTurn[],
  attempt: RunAttempt,
  previousTurnId: string | undefined,
): TurnMatch | undefined {
  if (attempt.turnId !== undefined) {
    const turn = turns.find((t) => t.id === attempt.turnId);
    return turn && { turn, by: 'turnId' };
  }
  const turn = turns.at(-1);
  if (turn === undefined || turn.id === previousTurnId) return undefined;
  const at = turnStartMs(turn);
  return at !== undefined && at >= attempt.startedAt ? { turn, by: 'intent' } : undefined;
}

/**
 * When a turn started, in epoch ms: from its id when it is a UUIDv7 (codex's turn ids; the first 48
 * bits are the ms), else the end of the second of its `startedAt`.
 */
export function turnStartMs(turn: WireTurn): number | undefined {
  const id = typeof turn.id === 'string' ? turn.id : '';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/i.test(id)) {
    return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  }
  return typeof turn.startedAt === 'number' ? turn.startedAt * 1_000 + 999 : undefined;
}
