import { describe, expect, it } from 'vitest';
import { encodeApprovalAnswer, fallbackAnswer, toApprovalRequest } from './approval-request.js';

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
});
