import { CodexusError, type RequestOptions } from '@codexus/core';

export function invalid(path: string, message: string): CodexusError {
  return new CodexusError('VALIDATION_FAILED', message, { data: { path } });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fails on a key outside `known`: a typo (`priviledged`, `codexbin`) must not fall back to a default. */
export function rejectUnknownKeys(what: string, value: object, known: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw invalid(key, `unknown ${what} ${JSON.stringify(key)}; known: ${[...known].join(', ')}`);
    }
  }
}

/** Checks an options object of layers 1 and 2: only `keys`, and `timeoutMs` / `signal` well-formed. */
export function validateOptions(options: object, keys: readonly string[]): void {
  if (!isPlainObject(options)) throw invalid('options', 'options must be an object');
  rejectUnknownKeys('option', options, new Set(keys));
  const { timeoutMs, signal } = options as RequestOptions;
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw invalid('timeoutMs', 'timeoutMs must be a positive number of ms');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalid('signal', 'signal must be an AbortSignal');
  }
}
