import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { snapshotBundle, unionMethods } from '../test/vendored-snapshot.js';
import { threadStartResponse } from '../test/wire-samples.js';
import { createFacade, type RequestFunction } from './create-facade.js';
import { FACADE_METHODS } from './generated/facade.js';
import { inventory } from './inventory.js';

function recorder(result: unknown = {}) {
  const calls: { method: string; params: unknown; options: unknown }[] = [];
  const request: RequestFunction = async (method, params, options) => {
    calls.push({ method, params, options });
    return result;
  };
  return { calls, request };
}

describe('createFacade', () => {
  it('has one method per client request, named in camelCase', () => {
    const { request } = recorder();
    const facade = createFacade(request) as unknown as Record<string, unknown>;
    const requests = inventory().methods.filter((m) => m.group === 'clientRequest');
    expect(Object.keys(FACADE_METHODS)).toHaveLength(requests.length);
    expect(requests.length).toBe(unionMethods(snapshotBundle('experimental'), 'ClientRequest').length);
    for (const m of requests) {
      expect(typeof facade[m.name], m.method).toBe('function');
      expect(FACADE_METHODS[m.name as keyof typeof FACADE_METHODS][0]).toBe(m.method);
    }
  });

  it('sends each wire method with params and options as given', async () => {
    const { calls, request } = recorder(threadStartResponse.result);
    const facade = createFacade(request);
    const signal = new AbortController().signal;
    const result = await facade.threadStart({ model: 'm' }, { signal, timeoutMs: 5 });
    expect(result).toBe(threadStartResponse.result);
    await facade.turnSteer({ threadId: 't', input: [], expectedTurnId: 'u' });
    await facade.configRead();
    await facade.accountLogout({ timeoutMs: 1 });
    await facade.accountRateLimitsRead();
    expect(calls).toEqual([
      { method: 'thread/start', params: { model: 'm' }, options: { signal, timeoutMs: 5 } },
      { method: 'turn/steer', params: { threadId: 't', input: [], expectedTurnId: 'u' }, options: undefined },
      { method: 'config/read', params: {}, options: undefined },
      { method: 'account/logout', params: undefined, options: { timeoutMs: 1 } },
      { method: 'account/rateLimits/read', params: undefined, options: undefined },
    ]);
  });

  it('validates params and results when asked', async () => {
    const { calls, request } = recorder({ turnId: 42 });
    const facade = createFacade(request, { validateParams: true, validateResults: true });
    await expect(
      facade.turnSteer({ threadId: 't', input: [], expectedTurnId: 'u', bogus: 1 } as never),
    ).rejects.toSatisfy((e: unknown) => CodexusError.is(e, 'VALIDATION_FAILED'));
    expect(calls).toEqual([]);
    await expect(facade.turnSteer({ threadId: 't', input: [], expectedTurnId: 'u' })).rejects.toThrow(
      'turn/steer result failed validation at turnId',
    );
    expect(calls).toHaveLength(1);
  });

  it('passes errors of the request function through', async () => {
    const facade = createFacade(async () => {
      throw new Error('boom');
    });
    await expect(facade.modelList()).rejects.toThrow('boom');
  });
});
