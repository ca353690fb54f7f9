import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import {
  commandApprovalRequest,
  errorNotification,
  itemCompletedAgentMessage,
  THREAD_ID,
  threadStartResponse,
  tokenUsageUpdated,
  turnCompleted,
} from '../test/wire-samples.js';
import type { CommandExecutionApprovalDecision } from './generated/types.js';
import {
  checkPayload,
  encodeServerRequestResponse,
  type ValidationErrorData,
  validateNotification,
  validateParams,
  validateResult,
  validateServerRequest,
} from './validate.js';

function failure(fn: () => unknown): CodexusError {
  try {
    fn();
  } catch (error) {
    if (CodexusError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a CodexusError');
}

describe('realistic payloads from codex 0.169.0 validate', () => {
  it('thread/start result with a camelCase sandbox policy object', () => {
    const result = validateResult('thread/start', threadStartResponse.result);
    expect(result.sandbox).toEqual({ type: 'readOnly', networkAccess: false });
    expect(result.thread.id).toBe(THREAD_ID);
    expect(result.thread.status.type).toBe('idle');
  });

  it('turn/completed, item/completed agentMessage, error and token usage notifications', () => {
    const completed = validateNotification(turnCompleted);
    expect(
      completed.kind === 'known' && completed.method === 'turn/completed' && completed.params.turn.status,
    ).toBe('completed');
    const item = validateNotification(itemCompletedAgentMessage);
    if (item.kind !== 'known' || item.method !== 'item/completed') throw new Error('not decoded');
    expect(item.params.item.type === 'agentMessage' && item.params.item.text).toBe('Hello there');
    const error = validateNotification(errorNotification);
    expect(error.kind === 'known' && error.method === 'error' && error.params.error.codexErrorInfo).toBe(
      'internalServerError',
    );
    expect(validateNotification(tokenUsageUpdated).kind).toBe('known');
  });

  it('a command approval request, and each documented decision as its answer', () => {
    const request = validateServerRequest(commandApprovalRequest);
    expect(request).toMatchObject({ kind: 'known', id: 0, method: 'item/commandExecution/requestApproval' });
    const decisions: CommandExecutionApprovalDecision[] = [
      'accept',
      'acceptForSession',
      'decline',
      'cancel',
      { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['echo', 'hi'] } },
    ];
    for (const decision of decisions) {
      expect(encodeServerRequestResponse('item/commandExecution/requestApproval', { decision })).toEqual({
        decision,
      });
    }
  });

  it('keeps unknown fields of incoming payloads (loose), including newer server fields', () => {
    const withExtra = { ...turnCompleted.params, futureField: 1 };
    const decoded = validateNotification({ method: 'turn/completed', params: withExtra });
    expect(decoded.params).toMatchObject({ futureField: 1 });
  });
});

describe('outgoing params are strict', () => {
  it('accepts valid params and returns them', () => {
    expect(validateParams('turn/start', { threadId: 't', input: [{ type: 'text', text: 'hi' }] })).toEqual({
      threadId: 't',
      input: [{ type: 'text', text: 'hi' }],
    });
    expect(validateParams('thread/start', { sandbox: 'read-only', approvalPolicy: 'never' })).toBeTruthy();
    expect(validateParams('account/logout', undefined)).toBeUndefined();
    expect(validateParams('account/logout', null)).toBeUndefined();
    expect(validateParams('initialized', undefined)).toBeUndefined();
  });

  it('rejects an unknown field with its path', () => {
    const error = failure(() => validateParams('thread/start', { sandbox: 'read-only', sandboxMode: 'x' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe(
      'thread/start params failed validation at sandboxMode: Unknown field "sandboxMode"',
    );
    const data = error.data as unknown as ValidationErrorData;
    expect(data).toMatchObject({
      method: 'thread/start',
      direction: 'clientToServer',
      part: 'params',
      path: 'sandboxMode',
    });
  });

  it('rejects wrong types and enum values deep inside, naming the first offending path', () => {
    const nested = failure(() =>
      validateParams('turn/start', { threadId: 't', input: [{ type: 'text', text: 42 }] }),
    );
    expect((nested.data as unknown as ValidationErrorData).path).toBe('input.0.text');
    expect(nested.message).toContain('turn/start params failed validation at input.0.text');
    const tag = failure(() =>
      validateParams('turn/start', { threadId: 't', input: [], sandboxPolicy: { type: 'readWrite' } }),
    );
    expect((tag.data as unknown as ValidationErrorData).path).toBe('sandboxPolicy.type');
    const kebab = failure(() => validateParams('thread/start', { sandbox: 'readOnly' }));
    expect((kebab.data as unknown as ValidationErrorData).path).toBe('sandbox');
    const missing = failure(() => validateParams('turn/steer', { threadId: 't', input: [] }));
    expect((missing.data as unknown as ValidationErrorData).path).toBe('expectedTurnId');
  });

  it('rejects an unknown field nested in a shared definition (strict all the way down)', () => {
    const error = failure(() =>
      validateParams('turn/start', {
        threadId: 't',
        input: [],
        sandboxPolicy: { type: 'readOnly', networkAccess: false, extra: true },
      }),
    );
    expect((error.data as unknown as ValidationErrorData).path).toBe('sandboxPolicy.extra');
  });

  it('strictly checks answers to server requests', () => {
    const error = failure(() =>
      encodeServerRequestResponse('item/fileChange/requestApproval', { decision: 'approved' } as never),
    );
    expect(error.data).toMatchObject({ direction: 'clientToServer', part: 'result', path: 'decision' });
    expect(encodeServerRequestResponse('applyPatchApproval', { decision: 'approved' })).toEqual({
      decision: 'approved',
    });
  });

  it('checks the experimental gate when told the connection did not opt in', () => {
    const gated = failure(() => validateParams('thread/realtime/start', {}, { experimentalApi: false }));
    expect(gated.code).toBe('EXPERIMENTAL_API_REQUIRED');
    const field = failure(() =>
      validateParams('thread/start', { dynamicTools: [] }, { experimentalApi: false }),
    );
    expect(field.code).toBe('EXPERIMENTAL_API_REQUIRED');
    expect(field.message).toContain('dynamicTools');
    expect(validateParams('thread/start', { model: 'm' }, { experimentalApi: false })).toEqual({
      model: 'm',
    });
  });
});

describe('incoming payloads that do not match', () => {
  it('fail loosely-validated results and notifications with direction serverToClient', () => {
    const result = failure(() => validateResult('turn/steer', { turnId: 5 }));
    expect(result.data).toMatchObject({
      method: 'turn/steer',
      direction: 'serverToClient',
      part: 'result',
      path: 'turnId',
    });
    const note = failure(() =>
      validateNotification({ method: 'turn/completed', params: { threadId: THREAD_ID } }),
    );
    expect(note.data).toMatchObject({ path: 'turn' });
    const request = failure(() =>
      validateServerRequest({ id: 3, method: 'item/tool/requestUserInput', params: {} }),
    );
    expect(request.code).toBe('VALIDATION_FAILED');
  });
});

describe('unknown methods never throw', () => {
  it('pass values through unchecked', () => {
    expect(validateParams('turn/teleport', { anything: 1 })).toEqual({ anything: 1 });
    expect(validateResult('turn/teleport', 5)).toBe(5);
    expect(encodeServerRequestResponse('brand/new', { x: 1 })).toEqual({ x: 1 });
    expect(validateNotification({ method: 'brand/new', params: 1 })).toEqual({
      kind: 'unknown',
      method: 'brand/new',
      params: 1,
    });
    expect(checkPayload('brand/new', 'params', 1)).toEqual({ ok: true, value: 1, known: false });
  });

  it('checkPayload reports instead of throwing', () => {
    const check = checkPayload('turn/steer', 'result', {});
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.issues[0]?.path).toBe('turnId');
    const notification = checkPayload('item/completed', 'result', {});
    expect(notification.ok).toBe(false);
  });
});
