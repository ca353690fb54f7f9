import { CodexusError, validationError } from '@codexus/core';
import { type Prompt, toTurnInput } from '@codexus/runtime';
import type { AutomationSpec } from '../automation-types.js';
import type { Cadence } from './cadence.js';

/** What the runner keeps of a valid spec: a copy of the prompt and the cadence in epoch ms. */
export interface ValidSpec {
  prompt: Prompt;
  cadence: Cadence;
}

/**
 * Validates a spec at spawn (`nowMs` = the moment of spawn). Everything wrong fails with
 * `VALIDATION_FAILED` whose `data.path` names the field.
 */
export function validateSpec(spec: AutomationSpec, nowMs: number): ValidSpec {
  if (typeof spec !== 'object' || spec === null)
    throw validationError('spec', 'the automation spec must be an object');
  const prompt = validPrompt(spec.prompt);
  const { everyMs, maxRuns } = spec;
  if (typeof everyMs !== 'number' || !Number.isSafeInteger(everyMs) || everyMs <= 0) {
    throw validationError('everyMs', `everyMs must be a positive integer (ms), got ${String(everyMs)}`);
  }
  const startAtMs = optionalTime('startAt', spec.startAt);
  const stopAtMs = optionalTime('stopAt', spec.stopAt);
  if (stopAtMs !== undefined) {
    if (startAtMs !== undefined && stopAtMs <= startAtMs) {
      throw validationError('stopAt', `stopAt (${iso(stopAtMs)}) must be after startAt (${iso(startAtMs)})`);
    }
    if (stopAtMs <= nowMs) {
      throw validationError('stopAt', `stopAt (${iso(stopAtMs)}) has already passed: no run could start`);
    }
  }
  if (
    maxRuns !== undefined &&
    (typeof maxRuns !== 'number' || !Number.isSafeInteger(maxRuns) || maxRuns < 1)
  ) {
    throw validationError('maxRuns', `maxRuns must be an integer >= 1, got ${String(maxRuns)}`);
  }
  if (spec.onRun !== undefined && typeof spec.onRun !== 'function') {
    throw validationError('onRun', 'onRun must be a function');
  }
  if (spec.signal !== undefined && !isAbortSignal(spec.signal)) {
    throw validationError('signal', 'signal must be an AbortSignal');
  }
  const cadence: Cadence = { anchorMs: startAtMs ?? nowMs, everyMs };
  if (stopAtMs !== undefined) cadence.stopAtMs = stopAtMs;
  if (maxRuns !== undefined) cadence.maxRuns = maxRuns;
  return { prompt, cadence };
}

function validPrompt(prompt: unknown): Prompt {
  if (typeof prompt === 'string') {
    if (prompt.trim() === '') throw validationError('prompt', 'prompt must not be empty');
    return prompt;
  }
  if (!Array.isArray(prompt))
    throw validationError('prompt', 'prompt must be a string or an array of input items');
  const items: Prompt = [...prompt];
  try {
    toTurnInput(items);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CodexusError('VALIDATION_FAILED', `prompt: ${message}`, {
      cause: error,
      data: { path: 'prompt' },
    });
  }
  return items;
}

function optionalTime(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw validationError(field, `${field} must be a valid Date`);
  return ms;
}

/** Duck-typed, so a signal from another realm or a polyfill is accepted. */
function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
