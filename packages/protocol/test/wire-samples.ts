/**
 * Messages captured from the real codex app-server 0.169.0 (driven over stdio against a loopback
 * Responses API stand-in; ids shortened), plus the `error` notification shape recorded in
 * docs/wire-facts.md. Unit tests validate them without a process.
 */

export const THREAD_ID = '01a20dd7-20f1-7470-9153-a11f1dacbf15';
export const TURN_ID = '01a20dd7-2100-76e0-822d-2b7a09d96dbd';

export const threadStartResponse = {
  id: 2,
  result: {
    thread: {
      id: THREAD_ID,
      environments: [{ environmentId: 'local', cwd: '/tmp/work', runtimeWorkspaceRoots: ['/tmp/work'] }],
      extra: null,
      sessionId: THREAD_ID,
      forkedFromId: null,
      attachedToThreadId: null,
      parentThreadId: null,
      preview: '',
      ephemeral: false,
      section: null,
      sectionEnteredAt: null,
      projectId: null,
      historyMode: 'paginated',
      modelProvider: 'mock',
      model: 'test-model',
      reasoningEffort: null,
      createdAt: 1795528532,
      updatedAt: 1795528532,
      recencyAt: 1795528532,
      status: { type: 'idle' },
      path: '/tmp/home/sessions/2026/11/24/rollout.jsonl',
      cwd: '/tmp/work',
      cliVersion: '0.169.0',
      originator: 'cap',
      source: 'vscode',
      canAcceptDirectInput: true,
      threadSource: null,
      agentNickname: null,
      agentRole: null,
      gitInfo: null,
      name: null,
      daybreakEnabled: null,
      turns: [],
    },
    model: 'test-model',
    modelProvider: 'mock',
    serviceTier: null,
    disabledPluginIds: [],
    cwd: '/tmp/work',
    runtimeWorkspaceRoots: ['/tmp/work'],
    instructionSources: [],
    approvalPolicy: 'on-request',
    approvalsReviewer: 'user',
    sandbox: { type: 'readOnly', networkAccess: false },
    activePermissionProfile: null,
    reasoningEffort: null,
    multiAgentMode: 'explicitRequestOnly',
  },
};

const agentMessageItem = {
  type: 'agentMessage',
  moderation: null,
  id: 'msg_2',
  text: 'Hello there',
  phase: null,
  memoryCitation: null,
  delivery: null,
  questions: null,
  startedAtMs: 1795528532521,
  completedAtMs: 1795528532521,
};

export const itemCompletedAgentMessage = {
  method: 'item/completed',
  params: {
    item: agentMessageItem,
    threadId: THREAD_ID,
    turnId: TURN_ID,
    contentTokenCount: null,
    completedAtMs: 1795528532521,
  },
  emittedAtMs: 1795528532522,
};

export const turnCompleted = {
  method: 'turn/completed',
  params: {
    threadId: THREAD_ID,
    turn: {
      id: TURN_ID,
      rootTurnId: TURN_ID,
      items: [agentMessageItem],
      itemsView: 'summary',
      status: 'completed',
      error: null,
      startedAt: 1795528532,
      completedAt: 1795528532,
      durationMs: 300,
    },
  },
  emittedAtMs: 1795528532531,
};

export const errorNotification = {
  method: 'error',
  params: {
    error: { message: 'stream failed', codexErrorInfo: 'internalServerError', additionalDetails: null },
    willRetry: false,
    threadId: THREAD_ID,
    turnId: TURN_ID,
  },
  emittedAtMs: 1795528532600,
};

export const commandApprovalRequest = {
  method: 'item/commandExecution/requestApproval',
  id: 0,
  params: {
    kind: 'command',
    threadId: THREAD_ID,
    turnId: TURN_ID,
    itemId: 'call_1',
    startedAtMs: 1795528532344,
    environmentId: 'local',
    reason: 'test',
    command: "/bin/bash -lc 'echo hi'",
    cwd: '/tmp/work',
    commandActions: [{ type: 'unknown', command: 'echo hi' }],
    proposedExecpolicyAmendment: ['echo', 'hi'],
    availableDecisions: [
      'accept',
      { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['echo', 'hi'] } },
      'cancel',
    ],
  },
};

export const tokenUsageUpdated = {
  method: 'thread/tokenUsage/updated',
  params: {
    threadId: THREAD_ID,
    turnId: TURN_ID,
    tokenUsage: {
      total: {
        totalTokens: 15,
        inputTokens: 10,
        cachedInputTokens: 0,
        cacheWriteInputTokens: 0,
        outputTokens: 5,
        reasoningOutputTokens: 0,
      },
      last: {
        totalTokens: 15,
        inputTokens: 10,
        cachedInputTokens: 0,
        cacheWriteInputTokens: 0,
        outputTokens: 5,
        reasoningOutputTokens: 0,
      },
      modelContextWindow: 258400,
    },
  },
  emittedAtMs: 1795528532501,
};
