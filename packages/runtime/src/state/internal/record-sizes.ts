/**
 * The estimated serialized size of the state's records: what `maxTotalBytes` bounds. Each record
 * measures its own fields with these (UTF-8 bytes with JSON escapes, plus a fixed overhead per record).
 */
import { type CappedText, jsonStringBytes } from '../capped-text.js';
import type { FileChangeView } from '../state-view.js';

/** Rough JSON overhead of a record's keys and punctuation. */
export const ITEM_OVERHEAD = 160;
export const TURN_OVERHEAD = 260;
export const THREAD_OVERHEAD = 420;
export const PENDING_OVERHEAD = 160;
const CHANGE_OVERHEAD = 80;

export function jsonBytes(value: unknown): number {
  return value === null || value === undefined ? 4 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

export function cappedBytes(capped: CappedText | undefined): number {
  return capped ? jsonStringBytes(capped.text) + 40 : 0;
}

export function stringBytes(text: string | null | undefined): number {
  return text === null || text === undefined ? 4 : jsonStringBytes(text);
}

export function changesBytes(changes: readonly FileChangeView[]): number {
  return changes.reduce(
    (sum, c) => sum + CHANGE_OVERHEAD + stringBytes(c.path) + c.kind.length + cappedBytes(c.diff),
    0,
  );
}
