import { toApprovalRequest } from '@codexus/runtime';
import { describe, expect, it } from 'vitest';
import { allowedDecisions, toApprovalView } from './approval-view.js';

describe('approval views', () => {
  const command = toApprovalRequest(7, 'item/commandExecution/requestApproval', {
    threadId: 'th',
    turnId: 'tu',
    itemId: 'call_1',
    command: "/bin/bash -c 'touch x'",
    cwd: '/w',
    reason: 'write a marker',
    availableDecisions: ['accept', 'cancel'],
  });

  it('commands and file changes allow the four decisions; other kinds none', () => {
    expect(allowedDecisions(command)).toEqual(['accept', 'acceptForSession', 'decline', 'cancel']);
    const patch = toApprovalRequest(8, 'item/fileChange/requestApproval', { threadId: 'th' });
    expect(allowedDecisions(patch)).toHaveLength(4);
    expect(allowedDecisions(toApprovalRequest(9, 'item/tool/requestUserInput', { questions: [] }))).toEqual(
      [],
    );
    expect(allowedDecisions(toApprovalRequest(9, 'some/new/request', {}))).toEqual([]);
  });

  it('shows the command without the server request id', () => {
    const view = toApprovalView(command, { approvalId: 'a-1', sessionId: 's-1', atMs: 5 });
    expect(view).toEqual({
      approvalId: 'a-1',
      sessionId: 's-1',
      kind: 'commandExecution',
      method: 'item/commandExecution/requestApproval',
      turnId: 'tu',
      itemId: 'call_1',
      command: "/bin/bash -c 'touch x'",
      cwd: '/w',
      reason: 'write a marker',
      allowedDecisions: ['accept', 'acceptForSession', 'decline', 'cancel'],
      requestedAtMs: 5,
    });
    expect(JSON.stringify(view)).not.toContain('"id":7');
  });

  it('attaches the changes of a file-change item', () => {
    const patch = toApprovalRequest(8, 'item/fileChange/requestApproval', {
      threadId: 'th',
      itemId: 'i',
      grantRoot: '/w',
    });
    const item = {
      id: 'i',
      type: 'fileChange' as const,
      status: 'inProgress' as const,
      changes: [{ path: 'a.txt', kind: { type: 'add' as const }, diff: '+x' }],
    };
    const view = toApprovalView(patch, { approvalId: 'a', sessionId: 's', atMs: 1, item });
    expect(view.changes).toEqual(item.changes);
    expect(view.grantRoot).toBe('/w');
  });
});
