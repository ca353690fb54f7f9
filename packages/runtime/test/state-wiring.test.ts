import { join } from 'node:path';
import { codexBinVersion, message, shell, step } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { StateView } from '../src/index.js';
import { useHarness } from './harness.js';

describe('client.state() wiring against the real codex', () => {
  const h = useHarness([], { home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' } });

  it('shows a server request pending exactly while the handler holds it, then removes it', async () => {
    const state = h.client.state();
    expect(h.client.state()).toBe(state);
    let release!: () => void;
    let pendingView: StateView | undefined;
    const file = join(h.workspace.path, 'state-wiring.txt');
    h.model.enqueue(
      step(
        shell(`touch ${file}`, { sandboxPermissions: 'require_escalated', justification: 'x', login: false }),
      ),
      message('done'),
    );
    const session = await h.client.startSession({
      cwd: h.workspace.path,
      approval: 'on-request',
      sandbox: 'workspace-write',
      approvalHandler: () =>
        new Promise((resolve) => {
          // The request arrived; let the projection see it before answering.
          setTimeout(() => {
            pendingView = state.projection.get();
            release = () => resolve('accept');
            release();
          }, 50);
        }),
    });
    const result = await session.ask('touch it');
    expect(result.status).toBe('completed');
    expect(pendingView?.pendingServerRequests).toMatchObject([
      { method: 'item/commandExecution/requestApproval', threadId: session.threadId },
    ]);
    const after = state.projection.get();
    expect(after.pendingServerRequests).toEqual([]);
    const thread = after.threads.find((t) => t.id === session.threadId);
    expect(thread).toBeDefined();
    expect(after.connection.codexVersion).toBe(codexBinVersion());
  });
});
