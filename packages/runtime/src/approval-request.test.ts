import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import {
  type ApprovalAnswer,
  encodeApprovalAnswer,
  fallbackAnswer,
  toApprovalRequest,
} from './approval-request.js';

describe('approval requests', () => {
  it('maps v2 requests to typed kinds', () => {
    const r = toApprovalRequest(0, 'item/commandExecution/requestApproval', {
      threadId: 't',
      turnId: 'u',
      itemId: 'i',
      command: 'ls',
      cwd: '/w',
      reason: 'why',
    });
    expect(r).toMatchObject({
      kind: 'commandExecution',
      command: 'ls',
      cwd: '/w',
      reason: 'why',
      threadId: 't',
      itemId: 'i',
    });
    expect(encodeApprovalAnswer(r, 'acceptForSession')).toEqual({ result: { decision: 'acceptForSession' } });
    expect(
      encodeApprovalAnswer(r, {
        decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['ls'] } },
      }),
    ).toEqual({ result: { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['ls'] } } } });
    expect(toApprovalRequest(1, 'item/fileChange/requestApproval', {}).kind).toBe('fileChange');
    expect(toApprovalRequest(2, 'item/tool/requestUserInput', { questions: [{ id: 'q' }] })).toMatchObject({
      kind: 'userInput',
      questions: [{ id: 'q' }],
    });
    expect(toApprovalRequest(3, 'brand/new', { x: 1 })).toMatchObject({
      kind: 'unknown',
      method: 'brand/new',
    });
  });

  it('maps legacy v1 approvals and answers them in the old spelling', () => {
    const r = toApprovalRequest(4, 'execCommandApproval', {
      conversationId: 'c',
      callId: 'k',
      command: ['git', 'pull'],
    });
    expect(r).toMatchObject({ kind: 'commandExecution', command: 'git pull', threadId: 'c', itemId: 'k' });
    expect(encodeApprovalAnswer(r, 'accept')).toEqual({ result: { decision: 'approved' } });
    expect(encodeApprovalAnswer(r, 'cancel')).toEqual({ result: { decision: 'abort' } });
    expect(fallbackAnswer(toApprovalRequest(5, 'applyPatchApproval', {}), 'decline')).toEqual({
      result: { decision: 'denied' },
    });
  });

  it('refuses answers of the wrong shape, and fails closed per kind', () => {
    const cmd = toApprovalRequest(0, 'item/commandExecution/requestApproval', {});
    expect(() => encodeApprovalAnswer(cmd, { answers: {} })).toThrow(/needs a decision/);
    const input = toApprovalRequest(0, 'item/tool/requestUserInput', {});
    expect(() => encodeApprovalAnswer(input, 'accept')).toThrow(/answers/);
    expect(fallbackAnswer(input, 'decline')).toEqual({ result: { answers: {} } });
    expect(fallbackAnswer(cmd, 'cancel')).toEqual({ result: { decision: 'cancel' } });
    expect(fallbackAnswer(toApprovalRequest(0, 'mcpServer/elicitation/request', {}), 'decline')).toEqual({
      result: { action: 'decline' },
    });
    expect(
      'error' in fallbackAnswer(toApprovalRequest(0, 'account/chatgptAuthTokens/refresh', {}), 'decline'),
    ).toBe(true);
  });

  describe('decisions that are not decisions are refused (VALIDATION_FAILED), never sent', () => {
    const v2 = toApprovalRequest(0, 'item/commandExecution/requestApproval', {});
    const file = toApprovalRequest(0, 'item/fileChange/requestApproval', {});
    const v1 = toApprovalRequest(0, 'execCommandApproval', {});
    const refused = (request: ReturnType<typeof toApprovalRequest>, answer: unknown): void => {
      let thrown: unknown;
      try {
        encodeApprovalAnswer(request, answer as ApprovalAnswer);
      } catch (error) {
        thrown = error;
      }
      expect(
        CodexusError.is(thrown, 'VALIDATION_FAILED'),
        `${JSON.stringify(answer)} for ${request.method}`,
      ).toBe(true);
    };

    it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'approved', ''])(
      'prototype keys and foreign spellings as a string decision: %j',
      (decision) => {
        for (const request of [v2, file, v1]) {
          refused(request, decision);
          refused(request, { decision });
        }
      },
    );

    it('object decisions must match the generated response schema (strictly)', () => {
      for (const decision of [
        { rm: '-rf /' },
        { acceptWithExecpolicyAmendment: 'ls' },
        { acceptWithExecpolicyAmendment: { execpolicy_amendment: [1] } },
        { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['ls'] }, extra: true },
        JSON.parse('{"__proto__": {"accept": true}}'),
        [],
        null,
      ])
        refused(v2, { decision });
      // fileChange and v1 requests take no object decisions at all.
      refused(file, { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['ls'] } } });
      refused(v1, { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['ls'] } } });
    });

    it('a decision inherited through the prototype does not count', () => {
      for (const request of [v2, file, v1]) refused(request, Object.create({ decision: 'accept' }));
    });

    it('valid decisions still pass, in each spelling', () => {
      expect(encodeApprovalAnswer(file, { decision: 'decline' })).toEqual({
        result: { decision: 'decline' },
      });
      expect(encodeApprovalAnswer(v1, { decision: 'acceptForSession' })).toEqual({
        result: { decision: 'approved_for_session' },
      });
      const amendment = {
        applyNetworkPolicyAmendment: { network_policy_amendment: { host: 'x.test', action: 'allow' } },
      };
      expect(encodeApprovalAnswer(v2, { decision: amendment })).toEqual({ result: { decision: amendment } });
    });
  });
});
