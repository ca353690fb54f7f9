import { CodexusError } from '@codexus/core';
import { MIN_CAPPED_BYTES } from './capped-text.js';

/**
 * How much the state projection keeps. The oldest finished entries are evicted first; a turn in
 * progress (and the thread it belongs to) is never evicted, so the limits can be exceeded while more
 * turns than that run at once.
 */
export interface RetentionLimits {
  /** Threads kept. Default 64. */
  maxThreads: number;
  /** Turns kept per thread. Default 32. */
  maxTurnsPerThread: number;
  /** Items kept per turn (finished items go first; items in progress stay). Default 256. */
  maxItemsPerTurn: number;
  /** Cap of each accumulated field (assistant text, command output, a diff, ...), UTF-8 bytes. Default 64 KiB. */
  maxItemBytes: number;
  /** Cap of the whole projection (estimated serialized size), bytes; at least 4 x `maxItemBytes`. Default 8 MiB. */
  maxTotalBytes: number;
}

export const DEFAULT_RETENTION_LIMITS: Readonly<RetentionLimits> = Object.freeze({
  maxThreads: 64,
  maxTurnsPerThread: 32,
  maxItemsPerTurn: 256,
  maxItemBytes: 64 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
});

const MINIMUMS: Readonly<RetentionLimits> = {
  maxThreads: 1,
  maxTurnsPerThread: 1,
  maxItemsPerTurn: 1,
  maxItemBytes: MIN_CAPPED_BYTES,
  maxTotalBytes: 4 * MIN_CAPPED_BYTES,
};

/** Defaults applied and every value checked (integers at or above their minimum); else `VALIDATION_FAILED`. */
export function resolveRetentionLimits(limits: Partial<RetentionLimits> = {}): RetentionLimits {
  const resolved = { ...DEFAULT_RETENTION_LIMITS };
  for (const key of Object.keys(MINIMUMS) as (keyof RetentionLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < MINIMUMS[key]) {
      throw new CodexusError(
        'VALIDATION_FAILED',
        `retention limit ${key} must be an integer >= ${MINIMUMS[key]} (got ${String(value)})`,
        { data: { key, value, minimum: MINIMUMS[key] } },
      );
    }
    resolved[key] = value;
  }
  if (resolved.maxTotalBytes < 4 * resolved.maxItemBytes) {
    throw new CodexusError(
      'VALIDATION_FAILED',
      `retention limit maxTotalBytes (${resolved.maxTotalBytes}) must be at least 4 x maxItemBytes (${resolved.maxItemBytes})`,
      { data: { maxTotalBytes: resolved.maxTotalBytes, maxItemBytes: resolved.maxItemBytes } },
    );
  }
  return resolved;
}
