import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { threadStartResponse } from '../test/wire-samples.js';
import { getMethodSpec } from './method-spec.js';

describe('getMethodSpec', () => {
  it('returns metadata and schemas of a request', () => {
    const spec = getMethodSpec('thread/start');
    expect(spec).toMatchObject({ method: 'thread/start', kind: 'request', paramsType: 'ThreadStartParams' });
    expect(v.safeParse(spec.result, threadStartResponse.result).success).toBe(true);
    expect(v.safeParse(spec.params, { model: 1 }).success).toBe(false);
    expect(getMethodSpec('thread/start')).toBe(spec);
  });

  it('returns a notification spec without a result schema', () => {
    const spec = getMethodSpec('item/completed');
    expect(spec.kind).toBe('notification');
    expect(spec.result).toBeUndefined();
  });

  it('returns undefined for an unknown method', () => {
    expect(getMethodSpec('turn/teleport' as string)).toBeUndefined();
  });
});
