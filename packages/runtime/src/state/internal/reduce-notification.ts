/**
 * The state reducer for server notifications: one handler per method it understands, each typed by
 * the generated `ServerNotificationMap` of `@codexus/protocol` (the table is checked with
 * `satisfies`, so a renamed method or field is a compile error after `codegen generate`). Values
 * are checked as they are read: a payload of an unexpected shape changes nothing instead of throwing.
 */
import type {
  ServerNotificationMap,
  ServerNotificationMethod,
  Thread,
  ThreadItem,
  ThreadStatus,
  Turn,
} from '@codexus/protocol';
import { isRecord, str } from '../../internal/wire.js';
import { capText } from '../capped-text.js';
import type { ThreadStatusType, TurnStatusView } from '../state-view.js';
import { boundPlan, boundSmall, boundTokenUsage, boundTurnError, num } from './bounds.js';
import type { ThreadRecord } from './records.js';
import {
  finishTurn,
  loadedThread,
  type ReducerState,
  removePending,
  turnOf,
  unload,
  updateThread,
} from './reducer-ops.js';
import { type Unchecked, unchecked, uncheckedVariants } from './unchecked.js';

type Params<M extends ServerNotificationMethod> = Unchecked<ServerNotificationMap[M]['params']>;
type Handler<M extends ServerNotificationMethod> = (s: ReducerState, params: Params<M>, atMs: number) => void;

/** Delta notifications: the item type they imply and the field they grow. */
type DeltaMethod =
  | 'item/agentMessage/delta'
  | 'item/plan/delta'
  | 'item/reasoning/summaryTextDelta'
  | 'item/commandExecution/outputDelta';
interface DeltaTarget {
  type: string;
  field: 'text' | 'output';
}

const THREAD_STATUSES = new Set<ThreadStatusType>(['notLoaded', 'idle', 'active', 'systemError']);
const TERMINAL_TURN_STATUSES = new Set<TurnStatusView>(['completed', 'interrupted', 'failed']);
const REASONING: DeltaTarget = { type: 'reasoning', field: 'text' };

const HANDLERS = {
  'thread/started': onThreadStarted,
  'thread/status/changed': (s, p, at) =>
    updateThread(s, p, at, 'status', (thread) => setStatus(thread, p.status)),
  'thread/name/updated': (s, p, at) =>
    updateThread(s, p, at, 'name', (t) => {
      t.name = boundSmall(p.threadName);
    }),
  'thread/archived': (s, p, at) => updateThread(s, p, at, 'archived', (t) => (t.archived = true), true),
  'thread/unarchived': (s, p, at) => updateThread(s, p, at, 'unarchived', (t) => (t.archived = false), true),
  'thread/closed': (s, p, at) => {
    const thread = s.ledger.threads.get(str(p.threadId) ?? '');
    if (thread) unload(s, thread, at, 'the thread was closed');
  },
  'thread/deleted': (s, p, at) => {
    const thread = s.ledger.threads.get(str(p.threadId) ?? '');
    if (thread) s.ledger.removeThread(thread, 'deleted', at);
  },
  'thread/tokenUsage/updated': (s, p, at) =>
    updateThread(s, p, at, 'tokenUsage', (t) => {
      t.tokenUsage = boundTokenUsage(p.tokenUsage) ?? t.tokenUsage;
    }),
  'turn/started': onTurnStarted,
  'turn/completed': onTurnCompleted,
  'turn/diff/updated': (s, p, at) =>
    updateThread(s, p, at, 'diff', (t) => {
      t.lastDiff = {
        turnId: str(p.turnId) ?? null,
        diff: capText(str(p.diff) ?? '', s.ledger.limits.maxItemBytes),
      };
    }),
  'turn/plan/updated': (s, p, at) =>
    updateThread(s, p, at, 'plan', (t) => {
      t.lastPlan = boundPlan(p, s.ledger.limits.maxItemBytes);
    }),
  error: (s, p, at) => {
    if (p.willRetry === true) return;
    const found = turnOf(s, p, at);
    if (found) found.turn.pendingError = boundTurnError(p.error, s.ledger.limits.maxItemBytes);
  },
  'item/started': (s, p, at) => onItem(s, p, 'started', num(p.startedAtMs) ?? at, at),
  'item/completed': (s, p, at) => onItem(s, p, 'completed', num(p.completedAtMs) ?? at, at),
  'item/agentMessage/delta': delta({ type: 'agentMessage', field: 'text' }),
  'item/plan/delta': delta({ type: 'plan', field: 'text' }),
  'item/reasoning/summaryTextDelta': delta(REASONING),
  'item/commandExecution/outputDelta': delta({ type: 'commandExecution', field: 'output' }),
  'item/reasoning/summaryPartAdded': (s, p, at) => {
    if ((num(p.summaryIndex) ?? 0) > 0) grow(s, p, at, REASONING, '\n\n');
  },
  'item/fileChange/patchUpdated': (s, p, at) => {
    const itemId = str(p.itemId);
    const found = itemId ? turnOf(s, p, at) : undefined;
    if (!found || !itemId || !Array.isArray(p.changes)) return;
    const { thread, turn } = found;
    const item = turn.items.get(itemId) ?? s.ledger.addItem(thread, turn, itemId, 'fileChange', at);
    const changes = p.changes;
    s.ledger.resizeItem(thread, turn, item, () => item.setChanges(changes));
    s.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId, reason: 'updated' }, at);
  },
  'serverRequest/resolved': (s, p, at) => {
    if (typeof p.requestId === 'string' || typeof p.requestId === 'number') {
      removePending(s, p.requestId, 'resolved', at);
    }
  },
} satisfies { readonly [M in ServerNotificationMethod]?: Handler<M> };

type HandledMethod = keyof typeof HANDLERS;

/** True for the notification methods the state is built from (others are ignored and counted). */
export function isStateNotification(method: string): method is HandledMethod {
  return Object.hasOwn(HANDLERS, method);
}

/** Applies one notification of a method the state understands. */
export function reduceNotification(
  s: ReducerState,
  method: HandledMethod,
  params: Record<string, unknown>,
  atMs: number,
): void {
  (HANDLERS[method] as Handler<HandledMethod>)(s, params, atMs);
}

function onThreadStarted(s: ReducerState, p: Params<'thread/started'>, atMs: number): void {
  const info = unchecked<Thread>(p.thread);
  const id = str(info.id);
  if (!id) return;
  const thread = s.ledger.ensureThread(id, atMs);
  s.ledger.resize(thread, () => {
    thread.name = boundSmall(info.name) ?? thread.name;
    thread.cwd = boundSmall(info.cwd) ?? thread.cwd;
    thread.model = boundSmall(info.model) ?? thread.model;
    setStatus(thread, info.status);
    if (thread.status === 'notLoaded') thread.status = 'idle';
  });
  s.emit({ type: 'thread', threadId: id, reason: 'started' }, atMs);
}

function onTurnStarted(s: ReducerState, p: Params<'turn/started'>, atMs: number): void {
  const turnId = str(unchecked<Turn>(p.turn).id);
  const threadId = str(p.threadId);
  if (!turnId || !threadId) return;
  const thread = loadedThread(s, threadId, atMs);
  let turn = thread.turns.get(turnId);
  if (turn?.finished) return;
  turn ??= s.ledger.addTurn(thread, turnId, atMs);
  turn.startedAtMs ??= atMs;
  s.ledger.resize(thread, () => {
    thread.activeTurnId = turnId;
  });
  s.emit({ type: 'turn', threadId, turnId, reason: 'started' }, atMs);
}

function onTurnCompleted(s: ReducerState, p: Params<'turn/completed'>, atMs: number): void {
  const wire = unchecked<Turn>(p.turn);
  const found = turnOf(s, { threadId: p.threadId, turnId: wire.id }, atMs);
  if (!found) return;
  const { thread, turn } = found;
  const raw = str(wire.status) as TurnStatusView | undefined;
  const status: TurnStatusView = raw && TERMINAL_TURN_STATUSES.has(raw) ? raw : 'failed';
  const maxBytes = s.ledger.limits.maxItemBytes;
  const error = isRecord(wire.error)
    ? boundTurnError(wire.error, maxBytes)
    : status === 'failed'
      ? (turn.pendingError ?? { message: 'the turn failed', codexErrorInfo: null, additionalDetails: null })
      : null;
  finishTurn(s, thread, turn, { status, endedBy: 'server', atMs, error, durationMs: num(wire.durationMs) });
}

function onItem(
  s: ReducerState,
  p: Params<'item/started' | 'item/completed'>,
  phase: 'started' | 'completed',
  itemAtMs: number,
  atMs: number,
): void {
  const wire = isRecord(p.item) ? uncheckedVariants<ThreadItem>(p.item) : undefined;
  const itemId = wire ? str(wire.id) : undefined;
  const type = wire ? str(wire.type) : undefined;
  if (!wire || !itemId || !type) return;
  const found = turnOf(s, p, atMs);
  if (!found) return;
  const { thread, turn } = found;
  const item = turn.items.get(itemId) ?? s.ledger.addItem(thread, turn, itemId, type);
  s.ledger.resizeItem(thread, turn, item, () => item.applyItem(wire, phase, itemAtMs));
  s.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId, reason: phase }, atMs);
  s.ledger.enforceItems(thread, turn);
}

function delta(target: DeltaTarget): Handler<DeltaMethod> {
  return (s, p, at) => grow(s, p, at, target, str(p.delta) ?? '');
}

/** Appends `text` to the item a delta names (created when the delta comes first). */
function grow(
  s: ReducerState,
  p: Params<DeltaMethod>,
  atMs: number,
  target: DeltaTarget,
  text: string,
): void {
  const itemId = str(p.itemId);
  const found = itemId ? turnOf(s, p, atMs) : undefined;
  if (!found || !itemId || text.length === 0) return;
  const { thread, turn } = found;
  const existing = turn.items.get(itemId);
  if (existing?.finished) return;
  const item = existing ?? s.ledger.addItem(thread, turn, itemId, target.type, atMs);
  s.ledger.resizeItem(thread, turn, item, () =>
    target.field === 'text' ? item.appendText(text) : item.appendOutput(text),
  );
  s.emit({ type: 'item', threadId: thread.id, turnId: turn.id, itemId, reason: 'updated' }, atMs);
}

function setStatus(thread: ThreadRecord, raw: unknown): void {
  const status = uncheckedVariants<ThreadStatus>(raw);
  const type = str(status.type) as ThreadStatusType | undefined;
  if (!type || !THREAD_STATUSES.has(type)) return;
  thread.status = type;
  thread.activeFlags =
    type === 'active' && Array.isArray(status.activeFlags)
      ? status.activeFlags.filter((f): f is string => typeof f === 'string').slice(0, 16)
      : [];
}
