import { describe, expect, it } from 'vitest';
import {
  commandApprovalRequest,
  itemCompletedAgentMessage,
  threadStartResponse,
} from '../test/wire-samples.js';
import { validateIncoming } from './validate-incoming.js';

describe('validateIncoming', () => {
  const methodOfResponse = (id: unknown) => (id === 2 ? 'thread/start' : undefined);

  it('routes by shape and validates known payloads without throwing', () => {
    expect(validateIncoming(itemCompletedAgentMessage)).toEqual({
      kind: 'notification',
      ok: true,
      known: true,
      method: 'item/completed',
      issues: [],
    });
    expect(validateIncoming(commandApprovalRequest)).toMatchObject({
      kind: 'serverRequest',
      ok: true,
      known: true,
      id: 0,
      method: 'item/commandExecution/requestApproval',
    });
    expect(validateIncoming(threadStartResponse, { methodOfResponse })).toMatchObject({
      kind: 'response',
      ok: true,
      known: true,
      method: 'thread/start',
    });
  });

  it('reports issues with envelope-prefixed paths', () => {
    const bad = validateIncoming({
      method: 'item/completed',
      params: { ...itemCompletedAgentMessage.params, turnId: 3 },
    });
    expect(bad).toMatchObject({ kind: 'notification', ok: false, known: true });
    expect(bad.issues[0]?.path).toBe('params.turnId');
    const badResult = validateIncoming({ id: 2, result: { thread: {} } }, { methodOfResponse });
    expect(badResult.ok).toBe(false);
    expect(badResult.issues[0]?.path.startsWith('result.')).toBe(true);
    const badId = validateIncoming({ ...commandApprovalRequest, id: { no: 1 } });
    expect(badId.issues[0]?.path).toBe('id');
  });

  it('can check strictly to find fields the snapshot does not list', () => {
    const extra = {
      method: 'item/completed',
      params: { ...itemCompletedAgentMessage.params, surprise: true },
    };
    expect(validateIncoming(extra).ok).toBe(true);
    const strict = validateIncoming(extra, { mode: 'strict' });
    expect(strict.ok).toBe(false);
    expect(strict.issues[0]?.path).toBe('params.surprise');
  });

  it('reports unknown methods as unknown, not failed', () => {
    expect(validateIncoming({ method: 'brand/new', params: {} })).toMatchObject({
      kind: 'notification',
      ok: true,
      known: false,
    });
    expect(validateIncoming({ id: 9, method: 'brand/new/request' })).toMatchObject({
      kind: 'serverRequest',
      known: false,
    });
    expect(validateIncoming({ id: 5, result: {} })).toMatchObject({
      kind: 'response',
      ok: true,
      known: false,
    });
  });

  it('checks error responses and rejects malformed messages', () => {
    expect(validateIncoming({ id: 1, error: { code: -32600, message: 'thread not found' } })).toMatchObject({
      kind: 'errorResponse',
      ok: true,
    });
    expect(validateIncoming({ id: 1, error: { code: 'x' } }).ok).toBe(false);
    expect(validateIncoming('text')).toMatchObject({ kind: 'invalid', ok: false });
    expect(validateIncoming({ id: 1 })).toMatchObject({ kind: 'invalid', ok: false });
    expect(validateIncoming({ method: 3 })).toMatchObject({ kind: 'invalid', ok: false });
    expect(validateIncoming({ hello: 'world' })).toMatchObject({ kind: 'invalid', ok: false });
  });
});
