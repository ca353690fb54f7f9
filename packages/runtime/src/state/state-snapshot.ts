import { CodexusError } from '@codexus/core';
import { isRecord } from '../internal/wire.js';
import type { StateView } from './state-view.js';

/** The snapshot layout this codexus writes and reads. */
export const STATE_SNAPSHOT_FORMAT_VERSION = 1;

/** A persisted state projection. `protocolRevision` is the revision of the protocol inventory it was taken under. */
export interface StateSnapshot {
  formatVersion: typeof STATE_SNAPSHOT_FORMAT_VERSION;
  protocolRevision: string;
  takenAtMs: number;
  state: StateView;
}

/**
 * Turns a snapshot of another protocol revision into one of `targetRevision` (return it with
 * `protocolRevision: targetRevision`), or returns undefined to refuse it.
 */
export type SnapshotMigration = (
  snapshot: StateSnapshot,
  targetRevision: string,
) => StateSnapshot | undefined;

/**
 * Checks a snapshot read from a store: the format version, the protocol revision (a snapshot of
 * another revision is refused unless `migrate` converts it) and the shape of every field the
 * projection reads. Throws `VALIDATION_FAILED` naming the first problem.
 */
export function checkStateSnapshot(
  value: unknown,
  protocolRevision: string,
  migrate?: SnapshotMigration,
): StateSnapshot {
  if (!isRecord(value)) fail('the snapshot is not an object', '$');
  if (value.formatVersion !== STATE_SNAPSHOT_FORMAT_VERSION) {
    throw new CodexusError(
      'VALIDATION_FAILED',
      `unsupported state snapshot format version ${String(value.formatVersion)} (this codexus reads ${STATE_SNAPSHOT_FORMAT_VERSION})`,
      { data: { formatVersion: value.formatVersion } },
    );
  }
  ensure(typeof value.protocolRevision === 'string', '$.protocolRevision', 'a string');
  ensure(isNumber(value.takenAtMs), '$.takenAtMs', 'a number');
  let snapshot = value as unknown as StateSnapshot;
  if (snapshot.protocolRevision !== protocolRevision) {
    const migrated = migrate?.(snapshot, protocolRevision);
    if (!migrated || migrated.protocolRevision !== protocolRevision) {
      throw new CodexusError(
        'VALIDATION_FAILED',
        `the state snapshot was taken under protocol revision ${snapshot.protocolRevision}, but this runtime ` +
          `speaks ${protocolRevision}; refusing to restore it (delete the snapshot, or pass a migrate function)`,
        { data: { snapshotRevision: snapshot.protocolRevision, expectedRevision: protocolRevision } },
      );
    }
    snapshot = migrated;
  }
  checkStateView(snapshot.state, '$.state');
  return snapshot;
}

const THREAD_STATUSES = new Set(['notLoaded', 'idle', 'active', 'systemError']);
const TURN_STATUSES = new Set(['inProgress', 'completed', 'interrupted', 'failed']);

function checkStateView(state: unknown, path: string): void {
  if (!isRecord(state)) fail('expected an object', path);
  ensure(Array.isArray(state.threads), `${path}.threads`, 'an array');
  eachOf(state.threads, `${path}.threads`, checkThread);
}

function checkThread(thread: unknown, path: string): void {
  if (!isRecord(thread)) fail('expected an object', path);
  ensure(typeof thread.id === 'string', `${path}.id`, 'a string');
  ensure(THREAD_STATUSES.has(thread.status as string), `${path}.status`, 'a thread status');
  ensure(isStringArray(thread.activeFlags), `${path}.activeFlags`, 'an array of strings');
  for (const key of ['activeTurnId', 'name', 'cwd', 'model'] as const) {
    ensure(isStringOrNull(thread[key]), `${path}.${key}`, 'a string or null');
  }
  ensure(typeof thread.archived === 'boolean', `${path}.archived`, 'a boolean');
  if (thread.lastDiff !== null) {
    ensure(isRecord(thread.lastDiff), `${path}.lastDiff`, 'an object or null');
    checkCapped((thread.lastDiff as Record<string, unknown>).diff, `${path}.lastDiff.diff`);
  }
  if (thread.lastPlan !== null) {
    const plan = thread.lastPlan;
    ensure(isRecord(plan) && Array.isArray(plan.steps), `${path}.lastPlan`, 'a plan or null');
  }
  ensure(
    thread.tokenUsage === null || isRecord(thread.tokenUsage),
    `${path}.tokenUsage`,
    'an object or null',
  );
  for (const key of ['evictedTurns', 'createdAtMs', 'updatedAtMs'] as const) {
    ensure(isNumber(thread[key]), `${path}.${key}`, 'a number');
  }
  ensure(Array.isArray(thread.turns), `${path}.turns`, 'an array');
  eachOf(thread.turns, `${path}.turns`, checkTurn);
}

function checkTurn(turn: unknown, path: string): void {
  if (!isRecord(turn)) fail('expected an object', path);
  ensure(typeof turn.id === 'string', `${path}.id`, 'a string');
  ensure(typeof turn.threadId === 'string', `${path}.threadId`, 'a string');
  ensure(TURN_STATUSES.has(turn.status as string), `${path}.status`, 'a turn status');
  ensure(
    turn.error === null || (isRecord(turn.error) && typeof turn.error.message === 'string'),
    `${path}.error`,
    'null or an object with a message',
  );
  ensure(
    turn.endedBy === null || turn.endedBy === 'server' || turn.endedBy === 'client',
    `${path}.endedBy`,
    'server, client or null',
  );
  for (const key of ['startedAtMs', 'completedAtMs', 'durationMs'] as const) {
    ensure(turn[key] === null || isNumber(turn[key]), `${path}.${key}`, 'a number or null');
  }
  ensure(isNumber(turn.evictedItems), `${path}.evictedItems`, 'a number');
  ensure(Array.isArray(turn.items), `${path}.items`, 'an array');
  eachOf(turn.items, `${path}.items`, checkItem);
}

function checkItem(item: unknown, path: string): void {
  if (!isRecord(item)) fail('expected an object', path);
  ensure(typeof item.id === 'string', `${path}.id`, 'a string');
  ensure(typeof item.type === 'string', `${path}.type`, 'a string');
  ensure(isStringOrNull(item.status), `${path}.status`, 'a string or null');
  for (const key of ['startedAtMs', 'completedAtMs'] as const) {
    ensure(item[key] === null || isNumber(item[key]), `${path}.${key}`, 'a number or null');
  }
  if (item.text !== undefined) checkCapped(item.text, `${path}.text`);
  if (item.output !== undefined) checkCapped(item.output, `${path}.output`);
  ensure(item.command === undefined || typeof item.command === 'string', `${path}.command`, 'a string');
  ensure(item.tool === undefined || typeof item.tool === 'string', `${path}.tool`, 'a string');
  if (item.changes !== undefined) {
    ensure(Array.isArray(item.changes), `${path}.changes`, 'an array');
    eachOf(item.changes, `${path}.changes`, checkChange);
  }
}

function checkChange(change: unknown, path: string): void {
  ensure(
    isRecord(change) && typeof change.path === 'string' && typeof change.kind === 'string',
    path,
    'a file change',
  );
  checkCapped(change.diff, `${path}.diff`);
}

/** Checks each element of an array (already known to be one) with its indexed path. */
function eachOf(values: unknown, path: string, check: (value: unknown, path: string) => void): void {
  for (const [i, value] of (values as unknown[]).entries()) check(value, `${path}[${i}]`);
}

function checkCapped(value: unknown, path: string): void {
  ensure(
    isRecord(value) &&
      typeof value.text === 'string' &&
      isNumber(value.bytes) &&
      isNumber(value.droppedBytes),
    path,
    'a capped text {text, bytes, droppedBytes}',
  );
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringOrNull(value: unknown): boolean {
  return value === null || typeof value === 'string';
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function ensure(condition: boolean, path: string, what: string): asserts condition {
  if (!condition) fail(`expected ${what}`, path);
}

function fail(message: string, path: string): never {
  throw new CodexusError('VALIDATION_FAILED', `invalid state snapshot at ${path}: ${message}`, {
    data: { path },
  });
}
