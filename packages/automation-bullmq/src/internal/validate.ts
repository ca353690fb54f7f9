import { validationError } from '@codexus/core';
import { toTurnInput } from '@codexus/runtime';
import type { ScheduleSpec, StoredSpec } from '../types.js';

const ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Checks a schedule spec and returns its JSON form; everything wrong is `VALIDATION_FAILED` naming the field. */
export function validateSchedule(spec: ScheduleSpec): StoredSpec {
  if (typeof spec !== 'object' || spec === null)
    throw validationError('spec', 'the schedule spec must be an object');
  const { id, every, cron, maxRuns, startAt, session, output } = spec;
  if (typeof id !== 'string' || !ID.test(id)) {
    throw validationError(
      'id',
      `id must be 1-128 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(id)}`,
    );
  }
  if ((every === undefined) === (cron === undefined))
    throw validationError('every', 'give exactly one of every and cron');
  if (every !== undefined && (typeof every !== 'number' || !Number.isSafeInteger(every) || every <= 0)) {
    throw validationError('every', `every must be a positive integer (ms), got ${String(every)}`);
  }
  if (cron !== undefined && (typeof cron !== 'string' || cron.trim() === '')) {
    throw validationError('cron', 'cron must be a non-empty cron pattern');
  }
  if (spec.tz !== undefined && (typeof spec.tz !== 'string' || cron === undefined)) {
    throw validationError('tz', 'tz must be a string, and only goes with cron');
  }
  if (typeof spec.prompt === 'string' ? spec.prompt.trim() === '' : !Array.isArray(spec.prompt)) {
    throw validationError('prompt', 'prompt must be a non-empty string or an array of input items');
  }
  try {
    toTurnInput(spec.prompt);
  } catch (error) {
    throw validationError('prompt', error instanceof Error ? error.message : String(error));
  }
  if (
    typeof session !== 'object' ||
    session === null ||
    typeof session.cwd !== 'string' ||
    !session.cwd.startsWith('/')
  ) {
    throw validationError('session.cwd', 'session must be a SessionConfig with an absolute cwd');
  }
  for (const key of ['approvalHandler', 'hooks'] as const) {
    if ((session as Record<string, unknown>)[key] !== undefined) {
      throw validationError(
        `session.${key}`,
        `session.${key} cannot be stored in Redis; give it to the worker's Client`,
      );
    }
  }
  if (output !== undefined && (typeof output !== 'object' || output === null || Array.isArray(output))) {
    throw validationError('output', 'output must be a JSON Schema object');
  }
  if (
    maxRuns !== undefined &&
    (typeof maxRuns !== 'number' || !Number.isSafeInteger(maxRuns) || maxRuns < 1)
  ) {
    throw validationError('maxRuns', `maxRuns must be an integer >= 1, got ${String(maxRuns)}`);
  }
  if (startAt !== undefined && (!(startAt instanceof Date) || Number.isNaN(startAt.getTime()))) {
    throw validationError('startAt', 'startAt must be a valid Date');
  }
  const stored = JSON.parse(JSON.stringify({ ...spec, startAt: startAt?.getTime() })) as StoredSpec;
  return stored;
}
