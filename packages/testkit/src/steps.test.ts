import { describe, expect, it } from 'vitest';
import { message } from './items.js';
import { delayed, failure, hang, httpError, step, toStep } from './steps.js';

describe('steps', () => {
  it('normalise one item, a list of items and a kind-less step to a respond step', () => {
    const a = message('a');
    const b = message('b');
    expect(toStep(a)).toEqual({ kind: 'respond', items: [a] });
    expect(toStep([a, b])).toEqual({ kind: 'respond', items: [a, b] });
    expect(toStep({ items: [a], delayMs: 5 })).toEqual({ items: [a], delayMs: 5 });
    expect(step(a, b)).toEqual({ kind: 'respond', items: [a, b] });
  });

  it('build failure, HTTP error and hang steps', () => {
    expect(failure('boom')).toEqual({ kind: 'fail', message: 'boom', code: 'server_error' });
    expect(failure('slow', 'rate_limit_exceeded').code).toBe('rate_limit_exceeded');
    expect(httpError(503)).toEqual({ kind: 'http', status: 503 });
    expect(httpError(400, { error: { message: 'bad' } })).toEqual({
      kind: 'http',
      status: 400,
      body: { error: { message: 'bad' } },
    });
    expect(hang()).toEqual({ kind: 'hang', items: [] });
  });

  it('delayed adds a delay to any entry', () => {
    const a = message('a');
    expect(delayed(50, a)).toEqual({ kind: 'respond', items: [a], delayMs: 50 });
    expect(delayed(10, httpError(500))).toEqual({ kind: 'http', status: 500, delayMs: 10 });
  });
});
