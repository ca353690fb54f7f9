import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch, failure, hang, message, shell, step, streamedMessage } from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CodexusError, type PromptRunResult, type Session } from '../src/index.js';
import {
  attachStateProjection,
  JsonFileStateStore,
  type PendingServerRequestView,
  type StateAttachment,
  type StateChange,
  StateProjection,
  type ThreadView,
  type TurnView,
} from '../src/state/index.js';
import { useHarness } from './harness.js';

const REVISION = 'sha256:state-test-revision';

/** Resolves once `predicate` holds for the projection (checked on every change); rejects after `timeoutMs`. */
function until<T>(
  projection: StateProjection,
  predicate: () => T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const value = predicate();
      if (value === undefined || value === false) return false;
      subscription.dispose();
      clearTimeout(timer);
      resolve(value);
      return true;
    };
    const subscription = projection.subscribe(() => void check());
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`state condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    check();
  });
}

/** Retries `read` until it returns a value (errors count as not yet); rejects after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no value within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('state projection against the real codex', () => {
  const h = useHarness([], { home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' } });
  let attachment: StateAttachment;
  let projection: StateProjection;
  let dir: string;
  const changes: StateChange[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'codexus-state-'));
    attachment = attachStateProjection(h.client.runtime, {
      protocolRevision: REVISION,
      store: new JsonFileStateStore(join(dir, 'state.json')),
      snapshotIntervalMs: 50,
    });
    projection = attachment.projection;
    projection.subscribe((c) => changes.push(c));
    await expect(attachment.restored).resolves.toEqual({ status: 'empty' });
  });
  afterAll(async () => {
    await attachment?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    changes.length = 0;
  });

  const session = (approval: 'never' | 'on-request' = 'never', handler?: () => Promise<'accept'>) =>
    h.client.startSession({
      cwd: h.workspace.path,
      approval,
      sandbox: 'workspace-write',
      ...(handler ? { approvalHandler: handler } : {}),
    });
  const turnOf = (s: Session, result: PromptRunResult): TurnView =>
    projection.turn(s.threadId, result.turnId)!;

  it('knows the connection: ready, codex version, restart count', () => {
    expect(projection.get().connection).toMatchObject({
      state: 'ready',
      codexVersion: h.client.server.codexVersion,
      restarts: 0,
    });
  });

  it('a text turn: the assistant text, the token usage, the timestamps', async () => {
    h.model.enqueue(streamedMessage(['Hello', ' from', ' codex']));
    const s = await session();
    const before = Date.now();
    const result = await s.ask('say hello');
    const turn = turnOf(s, result);
    expect(turn).toMatchObject({ status: 'completed', endedBy: 'server', error: null });
    expect(turn.startedAtMs).toBeGreaterThanOrEqual(before);
    expect(turn.completedAtMs).toBeGreaterThanOrEqual(turn.startedAtMs!);
    expect(turn.durationMs).toBeGreaterThanOrEqual(0);
    const message = turn.items.find((i) => i.type === 'agentMessage');
    expect(message?.text).toEqual({ text: result.text, bytes: result.text.length, droppedBytes: 0 });
    expect(result.text).toBe('Hello from codex');
    const thread = projection.thread(s.threadId)!;
    expect(thread).toMatchObject({ status: 'idle', activeTurnId: null, cwd: h.workspace.path });
    expect(thread.tokenUsage?.total.totalTokens).toBe(result.usage?.total.totalTokens);
    // It was seen streaming: item updates before the item completed.
    const reasons = changes
      .filter((c) => c.type === 'item' && c.itemId === message!.id)
      .map((c) => c.type === 'item' && c.reason);
    expect(reasons.slice(0, 2)).toEqual(['started', 'updated']);
    expect(reasons.at(-1)).toBe('completed');
  });

  it('a command: its stdout and stderr are captured, with the exit code', async () => {
    h.model.enqueue(step(shell('echo to-stdout; echo to-stderr >&2', { login: false })), message('ran it'));
    const s = await session();
    const result = await s.ask('run it');
    const command = turnOf(s, result).items.find((i) => i.type === 'commandExecution')!;
    expect(command).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(command.command).toContain('echo to-stdout');
    expect(command.output?.text).toContain('to-stdout\n');
    expect(command.output?.text).toContain('to-stderr\n');
    const assembled = result.items.find((i) => i.type === 'commandExecution');
    expect(command.output?.text).toBe(assembled?.aggregatedOutput);
  });

  it('a file change: the file, its kind and diff, and the turn diff on the thread', async () => {
    h.model.enqueue(
      step(applyPatch([{ addFile: { path: 'notes.txt', content: 'first line\n' } }])),
      message('patched'),
    );
    const s = await session();
    const result = await s.ask('write notes');
    expect(readFileSync(h.workspace.file('notes.txt'), 'utf8')).toBe('first line\n');
    const change = turnOf(s, result).items.find((i) => i.type === 'fileChange')!;
    expect(change.status).toBe('completed');
    expect(change.changes).toEqual([
      {
        path: h.workspace.file('notes.txt'),
        kind: 'add',
        diff: { text: 'first line\n', bytes: 11, droppedBytes: 0 },
      },
    ]);
    const thread = projection.thread(s.threadId)!;
    expect(thread.lastDiff?.turnId).toBe(result.turnId);
    expect(thread.lastDiff?.diff.text).toContain('+first line');
    expect(thread.lastDiff?.diff.text).toBe(result.diff);
  });

  it('an approval: pending (id, method, thread, age) while the handler decides, then resolved', async () => {
    let seenPending: PendingServerRequestView | undefined;
    let seenThread: ThreadView | undefined;
    const s = await session('on-request', async () => {
      seenPending = await until(projection, () => projection.pendingServerRequests()[0]);
      seenThread = projection.thread(seenPending.threadId!);
      await new Promise((r) => setTimeout(r, 30));
      return 'accept';
    });
    h.model.enqueue(
      step(
        shell('touch approved.txt', {
          sandboxPermissions: 'require_escalated',
          justification: 'j',
          login: false,
        }),
      ),
      message('approved and done'),
    );
    const result = await s.ask('needs approval');
    expect(result.text).toBe('approved and done');
    expect(seenPending).toMatchObject({
      method: 'item/commandExecution/requestApproval',
      threadId: s.threadId,
      turnId: result.turnId,
    });
    expect(typeof seenPending!.id).toBe('number');
    expect(seenPending!.ageMs).toBeGreaterThanOrEqual(0);
    expect(seenThread).toMatchObject({
      status: 'active',
      activeFlags: ['waitingOnApproval'],
      activeTurnId: result.turnId,
    });
    expect(projection.pendingServerRequests()).toEqual([]);
    const lifecycle = changes
      .filter((c) => c.type === 'serverRequest' && c.requestId === seenPending!.id)
      .map((c) => c.type === 'serverRequest' && c.reason);
    expect(lifecycle[0]).toBe('pending');
    expect(['answered', 'resolved']).toContain(lifecycle[1]);
    expect(turnOf(s, result).items.find((i) => i.type === 'commandExecution')).toMatchObject({
      status: 'completed',
    });
  });

  it('a failed turn: status failed with the server error; the thread is in systemError', async () => {
    h.model.enqueue(failure('the model broke down'));
    const s = await session();
    const error = await s.ask('fail').catch((e: unknown) => e);
    const turnId = (error as { partial: PromptRunResult }).partial.turnId;
    const turn = projection.turn(s.threadId, turnId)!;
    expect(turn).toMatchObject({ status: 'failed', endedBy: 'server' });
    expect(turn.error?.message).toContain('the model broke down');
    expect(turn.error?.codexErrorInfo).toBe('other');
    expect(projection.thread(s.threadId)?.status).toBe('systemError');
  });

  it('an interrupted turn: active while it hangs, then interrupted', async () => {
    h.model.enqueue(hang());
    const s = await session();
    const before = h.model.requests.length;
    const stream = s.askStream('hang');
    await h.model.waitForRequests(before + 1);
    const turnId = await stream.turnIdReady;
    expect(projection.thread(s.threadId)).toMatchObject({ status: 'active', activeTurnId: turnId });
    expect(projection.turn(s.threadId, turnId)?.status).toBe('inProgress');
    await stream.interrupt();
    await stream.result;
    await until(projection, () => projection.turn(s.threadId, turnId)?.status === 'interrupted');
    expect(projection.turn(s.threadId, turnId)).toMatchObject({ endedBy: 'server', error: null });
    expect(projection.thread(s.threadId)).toMatchObject({ status: 'idle', activeTurnId: null });
  });

  it('snapshots on an interval; a new process restores the threads as notLoaded; another revision is refused', async () => {
    h.model.enqueue(message('remember me'));
    const s = await session();
    const result = await s.ask('remember');
    const path = join(dir, 'state.json');
    const saved = await eventually(async () => {
      const snapshot = JSON.parse(await readFile(path, 'utf8')) as { state: { threads: ThreadView[] } };
      const turn = snapshot.state.threads.find((t) => t.id === s.threadId)?.turns[0];
      return turn?.status === 'completed' ? snapshot : undefined;
    });
    expect(saved.state.threads.find((t) => t.id === s.threadId)?.turns).toHaveLength(1);
    // A restarted program: a fresh projection restored from the same store on attach.
    const next = new StateProjection({ protocolRevision: REVISION });
    const store = new JsonFileStateStore(path);
    const restored = attachStateProjection(h.client.runtime, {
      protocolRevision: REVISION,
      projection: next,
      store,
    });
    expect(await restored.restored).toMatchObject({ status: 'restored' });
    expect(next.thread(s.threadId)).toMatchObject({ status: 'notLoaded' });
    expect(
      next.turn(s.threadId, result.turnId)?.items.find((i) => i.type === 'agentMessage')?.text?.text,
    ).toBe('remember me');
    restored.dispose();
    const other = attachStateProjection(h.client.runtime, {
      protocolRevision: 'sha256:another',
      store,
      restoreOnStart: true,
    });
    const outcome = await other.restored;
    other.dispose();
    expect(outcome.status).toBe('refused');
    expect(CodexusError.is(outcome.status === 'refused' && outcome.error, 'VALIDATION_FAILED')).toBe(true);
    expect(String(outcome.status === 'refused' && outcome.error)).toMatch(
      /protocol revision sha256:state-test-revision/,
    );
  });
});
