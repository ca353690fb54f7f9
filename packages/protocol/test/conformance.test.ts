import { join } from 'node:path';
import {
  type Connected,
  connect,
  type RequestId,
  type RequestOptions,
  type WireTraceEntry,
} from '@codexus/core';
import {
  applyPatch,
  failure,
  message,
  reasoning,
  shell,
  startScriptedHarness,
  step,
  streamedMessage,
} from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFacade, type IncomingReport, validateIncoming } from '../src/index.js';

/**
 * Conformance: every message the real codex 0.169.0 sends while it runs a wide scenario (handshake,
 * turns with messages, reasoning, commands, file changes, approvals, a failed turn, thread
 * list/read/fork/archive, model/list, config/read) validates against the generated schemas.
 */
describe('conformance of the real codex 0.169.0 with the generated schemas', () => {
  const inbound: Record<string, unknown>[] = [];
  const sentMethods = new Map<RequestId, string>();
  const start = () =>
    startScriptedHarness({
      home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
      connect: async (home) => {
        const connected = await connect({
          codexHome: home.path,
          trace: (entry: WireTraceEntry) => {
            const msg = JSON.parse(entry.text) as Record<string, unknown>;
            if (entry.direction === 'in') inbound.push(msg);
            else if (typeof msg.method === 'string' && msg.id !== undefined)
              sentMethods.set(msg.id as RequestId, msg.method);
          },
        });
        return { ...connected, close: () => connected.connection.close() };
      },
    });
  let h: Awaited<ReturnType<typeof start>>;
  let codex: Connected;
  beforeAll(async () => {
    h = await start();
    codex = h.client;
    // Answer every approval: accept commands, decline file changes (both paths are exercised).
    codex.connection.setServerRequestHandler((request) => {
      const decision = request.method === 'item/fileChange/requestApproval' ? 'decline' : 'accept';
      void request.respond({ decision });
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs the scenario and every inbound message validates (zero failures)', async () => {
    const app = createFacade(
      (method: string, params: unknown, options?: RequestOptions) =>
        codex.connection.request(method, params, options),
      {
        validateParams: true,
        validateResults: true,
      },
    );
    const marker = join(h.workspace.path, 'conformance.txt');
    h.model.enqueue(
      step(reasoning('thinking'), message('plain answer')),
      streamedMessage(['stream', 'ed']),
      step(
        shell(`echo hi > ${marker}`, {
          sandboxPermissions: 'require_escalated',
          justification: 'x',
          login: false,
        }),
      ),
      message('command done'),
      step(applyPatch({ addFile: { path: 'patched.txt', content: 'hello\n' } })),
      message('patch declined'),
      failure('the model failed'),
    );
    const { thread } = await app.threadStart({
      cwd: h.workspace.path,
      sandbox: 'read-only',
      approvalPolicy: 'on-request',
    });
    const turnDone = () =>
      new Promise<void>((resolve) => {
        const sub = codex.connection.on('turn/completed', () => {
          sub.dispose();
          resolve();
        });
      });
    for (const text of ['one', 'two', 'three', 'four', 'five']) {
      const done = turnDone();
      await app.turnStart({ threadId: thread.id, input: [{ type: 'text', text, text_elements: [] }] });
      await done;
    }
    await app.threadList({ limit: 10 });
    await app.threadRead({ threadId: thread.id, includeTurns: true });
    const fork = await app.threadFork({ threadId: thread.id });
    await app.threadArchive({ threadId: fork.thread.id });
    await app.modelList({});
    await app.configRead({});

    const reports: IncomingReport[] = inbound.map((msg) =>
      validateIncoming(msg, { methodOfResponse: (id) => (id === null ? undefined : sentMethods.get(id)) }),
    );
    const failures = reports.filter((r) => !r.ok);
    const methods = new Set(reports.map((r) => r.method).filter(Boolean));
    console.log(
      `conformance: ${reports.length} messages, ${methods.size} methods, ${failures.length} failures`,
    );
    expect(failures).toEqual([]);
    // The scenario really covered what it claims.
    for (const method of [
      'turn/completed',
      'item/completed',
      'item/agentMessage/delta',
      'item/commandExecution/requestApproval',
      'item/fileChange/requestApproval',
      'serverRequest/resolved',
      'error',
      'thread/tokenUsage/updated',
    ]) {
      expect(methods, method).toContain(method);
    }
    expect(reports.some((r) => r.kind === 'response' && r.method === 'config/read')).toBe(true);
  });
});
