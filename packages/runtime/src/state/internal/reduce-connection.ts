/**
 * The state reducer for server requests (pending until answered or withdrawn) and the connection's
 * lifecycle. Server request params are read through the generated `ServerRequestMap`.
 */
import type { RequestId } from '@codexus/core';
import type { ServerRequestMap, ServerRequestMethod } from '@codexus/protocol';
import { str } from '../../internal/wire.js';
import type { RuntimeState } from '../../runtime-state.js';
import { PENDING_OVERHEAD } from './record-sizes.js';
import { type ReducerState, removePending, unload } from './reducer-ops.js';
import { uncheckedVariants } from './unchecked.js';

/** What a lifecycle change may tell besides the state. */
export interface LifecycleInfo {
  atMs?: number;
  codexVersion?: string;
  restarts?: number;
}

/** A server request arrived: pending until answered, `serverRequest/resolved`, or the connection ends. */
export function reduceServerRequest(
  s: ReducerState,
  id: RequestId,
  method: string,
  params: unknown,
  atMs: number,
): void {
  const p = uncheckedVariants<ServerRequestMap[ServerRequestMethod]['params']>(params);
  const record = {
    id,
    method,
    threadId: str(p.threadId) ?? null,
    turnId: str(p.turnId) ?? null,
    itemId: str(p.itemId) ?? null,
    receivedAtMs: atMs,
    bytes: PENDING_OVERHEAD + method.length + String(id).length,
  };
  if (!s.ledger.addPending(record)) return;
  s.emit({ type: 'serverRequest', requestId: id, threadId: record.threadId, reason: 'pending' }, atMs);
}

/** This client answered a server request. */
export function reduceServerRequestAnswered(s: ReducerState, id: RequestId, atMs: number): void {
  removePending(s, id, 'answered', atMs);
}

/**
 * The connection changed state. `restarting` and `closed` end what the old process was doing: turns
 * in progress are closed by the client (`interrupted`), threads become `notLoaded`, pending server
 * requests are dropped.
 */
export function reduceLifecycle(
  s: ReducerState,
  state: RuntimeState,
  info: LifecycleInfo,
  atMs: number,
): void {
  const c = s.connection;
  const changed =
    c.state !== state ||
    (info.codexVersion !== undefined && info.codexVersion !== c.codexVersion) ||
    (info.restarts !== undefined && info.restarts !== c.restarts);
  if (!changed) return;
  c.state = state;
  if (info.codexVersion !== undefined) c.codexVersion = info.codexVersion;
  if (info.restarts !== undefined) c.restarts = info.restarts;
  c.changedAtMs = atMs;
  s.emit({ type: 'connection', state }, atMs);
  if (state !== 'restarting' && state !== 'closed') return;
  for (const thread of s.ledger.threads.values()) unload(s, thread, atMs, `the connection is ${state}`);
  for (const record of [...s.ledger.pending.values()]) removePending(s, record.id, 'connectionLost', atMs);
}
