import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { flattenIssues, issuePath } from './validation-issue.js';

describe('flattenIssues', () => {
  it('flattens paths to dotted strings with expected/received', () => {
    const result = v.safeParse(v.object({ list: v.array(v.object({ n: v.number() })) }), {
      list: [{ n: 'x' }],
    });
    const [issue] = flattenIssues(result.issues ?? []);
    expect(issue).toEqual({
      path: 'list.0.n',
      message: 'Invalid type: Expected number but received "x"',
      expected: 'number',
      received: '"x"',
    });
    expect(issuePath(result.issues![0])).toBe('list.0.n');
  });

  it('names unknown fields of strict objects', () => {
    const result = v.safeParse(v.strictObject({ a: v.string() }), { a: 'x', b: 1 });
    expect(flattenIssues(result.issues ?? [])[0]).toMatchObject({ path: 'b', message: 'Unknown field "b"' });
  });

  it('reports a failed union at its deepest alternative', () => {
    const schema = v.union([v.string(), v.object({ inner: v.object({ n: v.number() }) })]);
    const result = v.safeParse(schema, { inner: { n: 'x' } });
    const [issue] = flattenIssues(result.issues ?? []);
    expect(issue?.path).toBe('inner.n');
  });

  it('uses an empty path for the root', () => {
    const result = v.safeParse(v.string(), 1);
    expect(flattenIssues(result.issues ?? [])[0]?.path).toBe('');
  });
});
