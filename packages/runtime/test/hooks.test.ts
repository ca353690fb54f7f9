/**
 * Hooks through the Client/Session call sites, against the real codex.
 *
 * SKIPPED until the lead wires the engine into Client.startSession, Session.askStream, the
 * ApprovalRouter's `review` and `item/completed` (see docs/hooks.md, "Wiring"). The tests use the
 * proposed API: `ClientConfig.hooks` and `SessionConfig.hooks` (`readonly Hook[]`),
 * `PromptRunResult.hookReports`, `ClientMetrics.hooks`, and `HookBlockedError`. The casts below
 * (`withHooks`, `reportsOf`, `hookMetricsOf`) only exist because those fields are not declared yet;
 * remove them and un-skip (`describe.skip` → `describe`) once the wiring is in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  FilteredPreHook,
  type Hook,
  type HookContext,
  type HookReport,
  PLUGIN_CONTRACT_VERSION,
  type PreHook,
} from '@codexus/plugin';
import { ShellCommandHook } from '@codexus/plugin/node';
import { developerTexts, message, shell, step, userTexts } from '@codexus/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { HookBlockedError, type HookMetrics } from '../src/hooks/index.js';
import {
  Client,
  type ClientConfig,
  CodexusError,
  type PromptRunResult,
  type SessionConfig,
} from '../src/index.js';
import { useHarness } from './harness.js';

type Hooked<T> = T & { hooks?: readonly Hook[] };
const withHooks = <T>(config: Hooked<T>): T => config;
const reportsOf = (result: PromptRunResult): HookReport[] =>
  (result as PromptRunResult & { hookReports?: HookReport[] }).hookReports ?? [];
const hookMetricsOf = (client: Client): HookMetrics | undefined =>
  (client.metrics() as ReturnType<Client['metrics']> & { hooks?: HookMetrics }).hooks;

const escalated = (cmd: string) =>
  shell(cmd, { sandboxPermissions: 'require_escalated', justification: 'write a marker file', login: false });

describe('hooks through Client and Session (needs the wiring)', () => {
  /** The client-level PreToolUse hook delegates here, so each test can set its own. */
  let clientToolGuard: PreHook['run'] = () => ({ type: 'continue' });
  const order: string[] = [];
  const h = useHarness([], {
    home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
    client: withHooks<Partial<ClientConfig>>({
      approvalHandler: () => 'accept',
      hooks: [
        { name: 'client-guard', phases: ['PreToolUse'], run: (ctx, o) => clientToolGuard(ctx, o) },
        {
          name: 'client-order',
          phases: ['PreTurn'],
          run: () => {
            order.push('client');
            return { type: 'continue' };
          },
        },
      ],
    }),
  });
  beforeEach(() => {
    clientToolGuard = () => ({ type: 'continue' });
    order.length = 0;
  });

  const session = (hooks: readonly Hook[] = [], extra: Partial<SessionConfig> = {}) =>
    h.client.startSession(
      withHooks<SessionConfig>({
        cwd: h.workspace.path,
        approval: 'on-request',
        sandbox: 'workspace-write',
        hooks,
        ...extra,
      }),
    );

  it('a PreTurn patch changes the text the model receives; client hooks run before session hooks', async () => {
    h.model.enqueue(message('patched ok'));
    const s = await session([
      {
        name: 'session-patch',
        phases: ['PreTurn'],
        run: (ctx) => {
          order.push('session');
          return { type: 'patch', patch: { prompt: `${ctx.prompt} [checked]` } };
        },
      },
    ]);
    const result = await s.ask('summarise the repo');
    expect(result.text).toBe('patched ok');
    expect(userTexts(h.model.requests.at(-1)!)).toContain('summarise the repo [checked]');
    expect(order).toEqual(['client', 'session']);
    expect(reportsOf(result).map((r) => [r.hook, r.phase, r.outcome])).toEqual([
      ['client-order', 'PreTurn', 'continue'],
      ['session-patch', 'PreTurn', 'patch'],
    ]);
  });

  it('the SessionStart hooks run for resumed and forked threads too; a block stops the RPC', async () => {
    h.model.enqueue(message('stored'));
    const first = await session();
    await first.ask('store a turn');
    const seen: string[] = [];
    const preWatch: Hook = {
      name: 'watch-pre',
      phases: ['PreSessionStart'],
      run: (ctx) => {
        seen.push(`${ctx.phase}:${String(ctx.metadata.method)}`);
        return { type: 'continue' };
      },
    };
    const postWatch: Hook = {
      name: 'watch-post',
      phases: ['PostSessionStart'],
      run: (ctx) => {
        seen.push(`${ctx.phase}:${ctx.threadId === first.threadId ? 'same' : 'new'}`);
        return undefined;
      },
    };
    const watch = [preWatch, postWatch];
    const resumed = await h.client.resumeSession(
      first.threadId,
      withHooks<Partial<SessionConfig>>({ hooks: watch }),
    );
    expect(resumed.threadId).toBe(first.threadId);
    const forked = await h.client.forkSession(
      first.threadId,
      withHooks<Partial<SessionConfig>>({ hooks: watch }),
    );
    expect(forked.threadId).not.toBe(first.threadId);
    expect(seen).toEqual([
      'PreSessionStart:thread/resume',
      'PostSessionStart:same',
      'PreSessionStart:thread/fork',
      'PostSessionStart:new',
    ]);
    const deny: Hook = {
      name: 'deny-resume',
      phases: ['PreSessionStart'],
      run: () => ({ type: 'block', reason: { message: 'no' } }),
    };
    const before = h.client.metrics().requests;
    await expect(
      h.client.resumeSession(first.threadId, withHooks<Partial<SessionConfig>>({ hooks: [deny] })),
    ).rejects.toMatchObject({ code: 'HOOK_BLOCKED' });
    expect(h.client.metrics().requests).toBe(before);
  });

  it('a PreTurn block fails ask with HookBlockedError and sends nothing to codex', async () => {
    const s = await session([
      {
        name: 'no-secrets',
        phases: ['PreTurn'],
        run: () => ({ type: 'block', reason: { message: 'mentions a secret' } }),
      },
    ]);
    const turnStarts = () => h.client.metrics().latencyByMethod['turn/start']?.count ?? 0;
    const before = { requests: h.model.requests.length, turnStarts: turnStarts() };
    const error = await s.ask('print the API key').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HookBlockedError);
    expect(CodexusError.is(error, 'HOOK_BLOCKED')).toBe(true);
    expect((error as Error).message).toBe('PreTurn blocked by hook "no-secrets": mentions a secret');
    expect(h.model.requests.length).toBe(before.requests);
    expect(turnStarts()).toBe(before.turnStarts); // no turn/start was sent
    expect(s.activeTurn).toBeUndefined();
    await expect(s.ask('something harmless')).rejects.toBeInstanceOf(HookBlockedError); // the hook still applies
  });

  it('a PreToolUse block prevents a command the approval handler accepts; the glob lets others run', async () => {
    const clientSaw: string[] = [];
    clientToolGuard = (ctx) => {
      clientSaw.push(ctx.tool?.command ?? '');
      return { type: 'continue' };
    };
    const blocked = join(h.workspace.path, 'wired-blocked.txt');
    const allowed = join(h.workspace.path, 'wired-allowed.txt');
    h.model.enqueue(
      step(escalated(`touch ${blocked}`)),
      step(escalated(`touch ${allowed}`)),
      message('done'),
    );
    const block: PreHook = {
      name: 'no-blocked-file',
      phases: ['PreToolUse'],
      run: () => ({ type: 'block', reason: { message: 'not this file' } }),
    };
    const s = await session([new FilteredPreHook(block, { command: '*wired-blocked*' })]);
    const result = await s.ask('make both files');
    expect(result.status).toBe('completed');
    expect(existsSync(blocked)).toBe(false);
    expect(existsSync(allowed)).toBe(true);
    expect(clientSaw).toHaveLength(2); // the client hook runs first, for both commands
    expect(
      reportsOf(result)
        .filter((r) => r.phase === 'PreToolUse')
        .map((r) => [r.hook, r.outcome]),
    ).toEqual([
      ['client-guard', 'continue'],
      ['no-blocked-file', 'block'],
      ['client-guard', 'continue'],
    ]);
  });

  it('a ShellCommandHook running a real script blocks and continues as its exit code says', async () => {
    const guard = [
      "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{",
      'const c=JSON.parse(s);',
      "if((c.tool&&c.tool.command||'').includes('script-denied')){process.stderr.write('script says no');process.exit(2)}",
      '})',
    ].join('');
    const denied = join(h.workspace.path, 'script-denied.txt');
    const fine = join(h.workspace.path, 'script-fine.txt');
    h.model.enqueue(step(escalated(`touch ${denied}`)), step(escalated(`touch ${fine}`)), message('done'));
    const s = await session([
      new ShellCommandHook({
        name: 'script-guard',
        phases: ['PreToolUse'],
        argv: [process.execPath, '-e', guard],
      }),
    ]);
    const result = await s.ask('make both files');
    expect(existsSync(denied)).toBe(false);
    expect(existsSync(fine)).toBe(true);
    const script = reportsOf(result).filter((r) => r.hook === 'script-guard');
    expect(script.map((r) => r.outcome)).toEqual(['block', 'continue']);
  });

  it('a hook timeout is reported and fails closed (PreToolUse declines; PreTurn blocks)', async () => {
    const file = join(h.workspace.path, 'timeout.txt');
    h.model.enqueue(step(escalated(`touch ${file}`)), message('declined'));
    const never = (): Promise<never> => new Promise(() => {});
    const s = await session([{ name: 'slow-tool', phases: ['PreToolUse'], timeoutMs: 150, run: never }]);
    const result = await s.ask('make the file');
    expect(result.text).toBe('declined');
    expect(existsSync(file)).toBe(false);
    expect(reportsOf(result).find((r) => r.hook === 'slow-tool')?.issues).toEqual([
      { class: 'timeout', message: 'no answer within 150 ms' },
    ]);
    const slowTurn = await session([{ name: 'slow-turn', phases: ['PreTurn'], timeoutMs: 100, run: never }]);
    await expect(slowTurn.ask('x')).rejects.toMatchObject({
      code: 'HOOK_BLOCKED',
      hook: 'slow-turn',
      reason: { code: 'HOOK_FAILED' },
    });
  });

  it('post hooks see the final result; their reports are on the result and in metrics', async () => {
    const tools: HookContext[] = [];
    const turns: HookContext[] = [];
    h.model.enqueue(step(shell('echo wired-post', { login: false })), message('post done'));
    const s = await session([
      { name: 'tool-log', phases: ['PostToolUse'], run: (ctx) => void tools.push(ctx) },
      { name: 'turn-log', phases: ['PostTurn'], run: (ctx) => void turns.push(ctx) },
    ]);
    const runsBefore = hookMetricsOf(h.client)?.runs ?? 0;
    const result = await s.ask('run echo');
    expect(tools.find((c) => c.tool?.kind === 'commandExecution')?.result).toMatchObject({ exitCode: 0 });
    expect(turns[0]).toMatchObject({
      threadId: s.threadId,
      turnId: result.turnId,
      result: { status: 'completed', text: 'post done' },
    });
    expect(reportsOf(result).map((r) => r.hook)).toEqual(expect.arrayContaining(['tool-log', 'turn-log']));
    expect(hookMetricsOf(h.client)?.runs).toBeGreaterThan(runsBefore);
  });

  it('PreSessionStart patches the thread (developer instructions); PostSessionStart sees it', async () => {
    const started: HookContext[] = [];
    h.model.enqueue(message('ok'));
    const s = await session([
      {
        name: 'house-rules',
        phases: ['PreSessionStart'],
        run: () => ({ type: 'patch', patch: { instructions: 'HOUSE RULE 7' } }),
      },
      { name: 'started', phases: ['PostSessionStart'], run: (ctx) => void started.push(ctx) },
    ]);
    expect(started[0]).toMatchObject({ phase: 'PostSessionStart', threadId: s.threadId });
    await s.ask('hi');
    expect(developerTexts(h.model.requests.at(-1)!).join('\n')).toContain('HOUSE RULE 7');
  });

  it('a hook of another contract major is refused before anything is sent', async () => {
    const wrong: Hook = {
      name: 'from-the-future',
      phases: ['PreTurn'],
      contractVersion: '2.0.0',
      run: () => ({ type: 'continue' }),
    };
    const threadsBefore = h.client.metrics().notificationsByMethod['thread/started'] ?? 0;
    await expect(session([wrong])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(`supports 1.x (PLUGIN_CONTRACT_VERSION ${PLUGIN_CONTRACT_VERSION})`),
    });
    expect(h.client.metrics().notificationsByMethod['thread/started'] ?? 0).toBe(threadsBefore);
    await expect(
      Client.connect(withHooks<ClientConfig>({ codexHome: h.home.path, hooks: [wrong] })),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
