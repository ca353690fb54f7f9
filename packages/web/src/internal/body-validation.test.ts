import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { ApprovalAnswerBodySchema, CreateSessionBodySchema, CreateTurnBodySchema } from '../web-schemas.js';
import { parseBody } from './body-validation.js';

/** The error `parseBody` throws for `value`. */
function refusal(schema: Parameters<typeof parseBody>[0], value: unknown): CodexusError {
  try {
    parseBody(schema, value);
  } catch (error) {
    if (CodexusError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('parseBody', () => {
  it('names an unknown field and the fields that are known', () => {
    const error = refusal(CreateSessionBodySchema, { cwd: '/x', sandbox: 'danger-full-access' });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('unknown field `sandbox`; expected one of `cwd`, `profile`');
    expect(error.data).toMatchObject({ path: 'sandbox' });
  });

  it('names a field of the wrong type, with what it got', () => {
    const error = refusal(CreateTurnBodySchema, { prompt: 42 });
    expect(error.message).toBe('prompt must be a string; got 42');
    expect(error.data).toMatchObject({ path: 'prompt' });
  });

  it('names a missing required field', () => {
    const error = refusal(CreateTurnBodySchema, {});
    expect(error.message).toBe('missing field `prompt`');
    expect(error.data).toMatchObject({ path: 'prompt' });
  });

  it('lists the allowed values of an enum field', () => {
    const error = refusal(ApprovalAnswerBodySchema, { decision: 'yes' });
    expect(error.message).toBe(
      'decision must be one of "accept", "acceptForSession", "decline", "cancel"; got "yes"',
    );
  });

  it('keeps a schema message of a value check, and counts the other issues', () => {
    const error = refusal(CreateTurnBodySchema, { prompt: '', extra: 1 });
    expect(error.message).toBe('prompt is invalid: the prompt is empty (+1 more)');
    expect(error.data?.issues).toHaveLength(2);
  });

  it('refuses a body that is not an object', () => {
    for (const value of [[], null, 'text', 7]) {
      const error = refusal(CreateSessionBodySchema, value);
      expect(error.message).toMatch(/^the body must be a JSON object; got /);
      expect(error.data).toMatchObject({ path: '' });
    }
  });

  it('returns the parsed body when it is valid', () => {
    expect(parseBody(CreateTurnBodySchema, { prompt: 'hi' })).toEqual({ prompt: 'hi' });
  });
});
