/**
 * The steps the state reducer is made of: find or create the thread and turn a message names, finish
 * a turn, unload a thread. They change records only through the retention ledger (which accounts the
 * bytes and evicts) and report every change to the sink. No I/O, no clock: time comes in as `atMs`.
 */
import type { RequestId } from '@codexus/core';
import { str } from '../../internal/wire.js';
import type { RetentionLimits } from '../retention.js';
import type { ConnectionView, ThreadChangeReason } from '../state-view.js';
import type { ChangeSink } from './change-sink.js';
import type { ThreadRecord, TurnEnding, TurnRecord } from './records.js';
import { RetentionLedger } from './retention-ledger.js';

/** What the reducer works on: the records (behind their ledger), the connection, where changes go. */
export interface ReducerState {
  readonly ledger: RetentionLedger;
  readonly connection: ConnectionView;
  readonly emit: ChangeSink;
}

/** An empty state (no threads, connection `starting`) under `limits`, reporting changes to `emit`. */
export function createReducerState(limits: Readonly<RetentionLimits>, emit: ChangeSink): ReducerState {
  const connection: ConnectionView = {
    state: 'starting',
    codexVersion: null,
    restarts: 0,
    changedAtMs: null,
  };
  return { ledger: new RetentionLedger(limits, emit), connection, emit };
}

/** The thread of a message that shows it is loaded: a `notLoaded` thread becomes `idle`. */
export function loadedThread(s: ReducerState, id: string, atMs: number): ThreadRecord {
  const thread = s.ledger.ensureThread(id, atMs);
  if (thread.status === 'notLoaded') {
    s.ledger.resize(thread, () => {
      thread.status = 'idle';
    });
    s.emit({ type: 'thread', threadId: id, reason: 'status' }, atMs);
  }
  return thread;
}

/**
 * The thread and turn a notification names. An unknown turn is created only while its thread may be
 * running it (a late notification of a finished, evicted turn does not bring it back).
 */
export function turnOf(
  s: ReducerState,
  p: { readonly threadId?: unknown; readonly turnId?: unknown },
  atMs: number,
): { thread: ThreadRecord; turn: TurnRecord } | undefined {
  const threadId = str(p.threadId);
  const turnId = str(p.turnId);
  if (!threadId || !turnId) return undefined;
  const known = s.ledger.threads.has(threadId);
  const thread = loadedThread(s, threadId, atMs);
  const turn = thread.turns.get(turnId);
  if (turn) return { thread, turn };
  if (known && thread.status !== 'active' && thread.activeTurnId !== turnId) return undefined;
  const created = s.ledger.addTurn(thread, turnId, atMs);
  s.ledger.resize(thread, () => {
    thread.activeTurnId = turnId;
  });
  s.emit({ type: 'turn', threadId, turnId, reason: 'started' }, atMs);
  return { thread, turn: created };
}

/** Ends a turn: its open items are closed by the client, the thread is no longer running it. */
export function finishTurn(
  s: ReducerState,
  thread: ThreadRecord,
  turn: TurnRecord,
  ending: TurnEnding,
): void {
  const { status, atMs } = ending;
  for (const item of turn.items.values()) {
    if (item.finished) continue;
    s.ledger.resizeItem(thread, turn, item, () => item.closeByClient(status, atMs));
    s.emit(
      { type: 'item', threadId: thread.id, turnId: turn.id, itemId: item.id, reason: 'completed' },
      atMs,
    );
  }
  s.ledger.resizeTurn(thread, turn, () => turn.finish(ending));
  s.ledger.markFinished(turn);
  if (thread.activeTurnId === turn.id) {
    s.ledger.resize(thread, () => {
      thread.activeTurnId = null;
    });
  }
  s.emit({ type: 'turn', threadId: thread.id, turnId: turn.id, reason: 'completed' }, atMs);
  s.ledger.enforceTurns(thread);
}

/** The process no longer runs this thread: close its running turns, mark it `notLoaded`. */
export function unload(
  s: ReducerState,
  thread: ThreadRecord,
  atMs: number,
  reason: string,
  notify = true,
): void {
  for (const turn of [...thread.turns.values()]) {
    if (turn.finished) continue;
    const error = {
      message: `codexus: ${reason} before the turn completed`,
      codexErrorInfo: null,
      additionalDetails: null,
    };
    finishTurn(s, thread, turn, { status: 'interrupted', endedBy: 'client', atMs, error });
  }
  if (thread.status === 'notLoaded' && thread.activeFlags.length === 0 && thread.activeTurnId === null)
    return;
  s.ledger.resize(thread, () => {
    thread.status = 'notLoaded';
    thread.activeFlags = [];
    thread.activeTurnId = null;
  });
  if (notify) s.emit({ type: 'thread', threadId: thread.id, reason: 'notLoaded' }, atMs);
}

/**
 * Applies a thread-level change. `knownOnly`: the message neither creates the thread nor shows it
 * loaded (archive state).
 */
export function updateThread(
  s: ReducerState,
  p: { readonly threadId?: unknown },
  atMs: number,
  reason: ThreadChangeReason,
  mutate: (thread: ThreadRecord) => void,
  knownOnly = false,
): void {
  const threadId = str(p.threadId);
  if (!threadId) return;
  const thread = knownOnly ? s.ledger.threads.get(threadId) : loadedThread(s, threadId, atMs);
  if (!thread) return;
  s.ledger.resize(thread, () => mutate(thread));
  thread.updatedAtMs = Math.max(thread.updatedAtMs, atMs);
  s.emit({ type: 'thread', threadId, reason }, atMs);
}

/** A pending server request ends (answered, withdrawn by the server, or the connection went away). */
export function removePending(
  s: ReducerState,
  id: RequestId,
  reason: 'answered' | 'resolved' | 'connectionLost',
  atMs: number,
): void {
  const record = s.ledger.removePending(id);
  if (record)
    s.emit({ type: 'serverRequest', requestId: record.id, threadId: record.threadId, reason }, atMs);
}
