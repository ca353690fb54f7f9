import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { functionCallOutputs, message, shell, step } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { ApprovalRequest, PromptRunEvent } from '../src/index.js';
import { useHarness } from './harness.js';

/** A command that needs escalation, so codex asks for approval under `on-request`. */
const escalated = (file: string) =>
  shell(`touch ${file}`, {
    sandboxPermissions: 'require_escalated',
    justification: 'write a marker file',
    login: false,
  });

describe('approvals against the real codex', () => {
  const h = useHarness([], { home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' } });
  const seen: ApprovalRequest[] = [];

  const session = (decision: 'accept' | 'decline' | 'cancel') =>
    h.client.startSession({
      cwd: h.workspace.path,
      approval: 'on-request',
      sandbox: 'workspace-write',
      approvalHandler: (request) => {
        seen.push(request);
        return decision;
      },
    });

  it('accept runs the command (the file exists afterwards)', async () => {
    const file = join(h.workspace.path, 'accepted.txt');
    h.model.enqueue(step(escalated(file)), message('done'));
    const s = await session('accept');
    const stream = s.askStream('make the file');
    const events: PromptRunEvent[] = [];
    for await (const e of stream) events.push(e);
    const result = await stream.result;
    expect(result.status).toBe('completed');
    expect(existsSync(file)).toBe(true);
    const request = seen.at(-1)!;
    expect(request.kind).toBe('commandExecution');
    expect(request.kind === 'commandExecution' && request.command).toContain('touch');
    expect(request.threadId).toBe(s.threadId);
    expect(events.some((e) => e.type === 'approvalRequested')).toBe(true);
    expect(result.items.some((i) => i.type === 'commandExecution')).toBe(true);
  });

  it('decline does not run the command and the turn goes on', async () => {
    const file = join(h.workspace.path, 'declined.txt');
    h.model.enqueue(step(escalated(file)), message('ok, not doing it'));
    const s = await session('decline');
    const result = await s.ask('make the file');
    expect(result.status).toBe('completed');
    expect(result.text).toBe('ok, not doing it');
    expect(existsSync(file)).toBe(false);
    const outputs = functionCallOutputs(h.model.requests.at(-1)!);
    expect(outputs.length).toBeGreaterThan(0);
  });

  it('cancel interrupts the turn', async () => {
    const file = join(h.workspace.path, 'cancelled.txt');
    h.model.enqueue(step(escalated(file)));
    const s = await session('cancel');
    const result = await s.ask('make the file');
    expect(result.status).toBe('interrupted');
    expect(existsSync(file)).toBe(false);
  });

  it('with no handler, the request fails closed (declined)', async () => {
    const file = join(h.workspace.path, 'nohandler.txt');
    h.model.enqueue(step(escalated(file)), message('declined it seems'));
    const s = await h.client.startSession({
      cwd: h.workspace.path,
      approval: 'on-request',
      sandbox: 'workspace-write',
    });
    const result = await s.ask('make the file');
    expect(result.text).toBe('declined it seems');
    expect(existsSync(file)).toBe(false);
  });

  it('a handler that throws or times out gets the timeout action (decline)', async () => {
    const a = join(h.workspace.path, 'throws.txt');
    const b = join(h.workspace.path, 'slow.txt');
    h.model.enqueue(step(escalated(a)), message('after throw'), step(escalated(b)), message('after timeout'));
    const throwing = await h.client.startSession({
      cwd: h.workspace.path,
      approval: 'on-request',
      sandbox: 'workspace-write',
      approvalHandler: () => {
        throw new Error('handler bug');
      },
    });
    await expect(throwing.ask('x')).resolves.toMatchObject({ text: 'after throw' });
    let aborted = false;
    const slow = await h.client.startSession({
      cwd: h.workspace.path,
      approval: 'on-request',
      sandbox: 'workspace-write',
      approvalTimeoutMs: 200,
      approvalHandler: (_r, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          setTimeout(() => resolve('accept'), 2_000).unref();
        }),
    });
    await expect(slow.ask('y')).resolves.toMatchObject({ text: 'after timeout' });
    expect(aborted).toBe(true);
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
  });
});
