import { resolve } from 'node:path';
import { type RequestOptions, validationError } from '@codexus/core';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fails on a key outside `known`: a typo (`priviledged`, `codexbin`) must not fall back to a default. */
export function rejectUnknownKeys(what: string, value: object, known: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw validationError(key, `unknown ${what} ${JSON.stringify(key)}; known: ${[...known].join(', ')}`);
    }
  }
}

/** Checks an options object of layers 1 and 2: only `keys`, and `timeoutMs` / `signal` well-formed. */
export function validateOptions(options: object, keys: readonly string[]): void {
  if (!isPlainObject(options)) throw validationError('options', 'options must be an object');
  rejectUnknownKeys('option', options, new Set(keys));
  const { timeoutMs, signal } = options as RequestOptions;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw validationError('timeoutMs', 'timeoutMs must be a positive number of ms');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw validationError('signal', 'signal must be an AbortSignal');
  }
}

/**
 * Splits one options object of layers 1 and 2 into the call's own fields (`callKeys`) and the run
 * profile's (everything else, checked by `resolveRunProfile`).
 */
export function splitCallOptions(
  options: object,
  callKeys: readonly string[],
): { call: Record<string, unknown>; profile: Record<string, unknown> } {
  if (!isPlainObject(options)) throw validationError('options', 'options must be an object');
  const call: Record<string, unknown> = {};
  const profile: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) (callKeys.includes(key) ? call : profile)[key] = value;
  return { call, profile };
}

/** The run directory of a call: `cwd` resolved against `process.cwd()` (the default). */
export function resolveCwd(cwd: unknown): string {
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === ''))
    throw validationError('cwd', 'cwd must be a non-empty path');
  return resolve(cwd ?? '.');
}
