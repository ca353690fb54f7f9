import { type CodexusError, validationError } from '@codexus/core';
import * as v from 'valibot';

/** One problem of a request body: the dotted path of the field (`''`: the body) and what is wrong. */
export interface BodyIssue {
  path: string;
  message: string;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  strict_object: 'an object',
  loose_object: 'an object',
};

/**
 * Validates a JSON body against a valibot schema. A failure is `VALIDATION_FAILED` (see core's
 * `validationError`) whose message names the first offending field in the words the library uses
 * elsewhere: codex's own `unknown field \`x\`` / `missing field \`x\``, and session-config's
 * `x must be ...; got ...`. `error.data` holds `path` (of the first issue) and every `issues`.
 */
export function parseBody<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  what = 'the body',
): v.InferOutput<S> {
  if ('entries' in schema && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw validationError('', `${what} must be a JSON object; got ${kindOf(value)}`, { issues: [] });
  }
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return parsed.output;
  throw bodyValidationError(schema, parsed.issues, what);
}

/** The `VALIDATION_FAILED` error for valibot issues of a body (see {@link parseBody}). */
export function bodyValidationError(
  schema: v.GenericSchema,
  issues: readonly v.BaseIssue<unknown>[],
  what = 'the body',
): CodexusError {
  const described = issues.map((issue) => describeIssue(schema, issue));
  const first = described[0] ?? { path: '', message: `${what} is invalid` };
  const more = described.length > 1 ? ` (+${described.length - 1} more)` : '';
  return validationError(first.path, `${first.message}${more}`, { issues: described });
}

function describeIssue(schema: v.GenericSchema, issue: v.BaseIssue<unknown>): BodyIssue {
  const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
  const field = path === '' ? 'the body' : path;
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const known = path.includes('.') ? [] : declaredKeys(schema);
    const expected = known.length > 0 ? `; expected one of ${known.map((k) => `\`${k}\``).join(', ')}` : '';
    return { path, message: `unknown field \`${path}\`${expected}` };
  }
  if (
    issue.kind === 'schema' &&
    issue.type.endsWith('object') &&
    path !== '' &&
    issue.received === 'undefined'
  ) {
    return { path, message: `missing field \`${path}\`` };
  }
  if (issue.type === 'picklist' || issue.type === 'enum') {
    const options = issue.expected
      ?.replace(/^\(|\)$/g, '')
      .split(' | ')
      .join(', ');
    return { path, message: `${field} must be one of ${options}; got ${issue.received}` };
  }
  if (issue.kind === 'schema') {
    const expected = TYPE_NAMES[issue.type] ?? issue.expected ?? issue.type;
    return { path, message: `${field} must be ${expected}; got ${kindOf(issue.input)}` };
  }
  return { path, message: `${field} is invalid: ${issue.message}` };
}

function declaredKeys(schema: v.GenericSchema): string[] {
  const entries = (schema as { entries?: Record<string, unknown> }).entries;
  return entries ? Object.keys(entries) : [];
}

/** `a string`, `42`, `null`, `an array`: what a JSON value is, for messages. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
