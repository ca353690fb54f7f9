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
