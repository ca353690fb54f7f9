import { CodexusError } from '@codexus/core';
import { type HookContext, HookError, type HookReport, type PostHook, type PreHook } from '@codexus/plugin';
import { describe, expect, it } from 'vitest';
import { HookEngine } from './hook-engine.js';

const cont = (name: string, seen?: string[]): PreHook => ({
  name,
  phases: ['PreTurn', 'PreToolUse', 'PreRun', 'PreSessionStart'],
  run: () => {
    seen?.push(name);
    return { type: 'continue' };
  },
});
const never = (): Promise<never> => new Promise(() => {});
const turn = { cwd: '/w', threadId: 't1', prompt: 'hello' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('HookEngine registration', () => {
  it('refuses a hook of another contract major, naming it and the versions', () => {
    const engine = new HookEngine();
    let error: unknown;
    try {
      engine.register({ ...cont('future'), contractVersion: '2.0.0' });
    } catch (e) {
      error = e;
    }
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as Error).message).toBe(
      'hook "future" cannot be registered: it declares hook contract 2.0.0, but this codexus supports 1.x (PLUGIN_CONTRACT_VERSION 1.0.0)',
    );
    expect(engine.hooks).toHaveLength(0);
    expect(() => new HookEngine({ hooks: [{ ...cont('x'), contractVersion: '0.1' }] })).toThrow(
      /supports 1\.x/,
    );
  });

  it('refuses malformed hooks and options', () => {
    const engine = new HookEngine();
    expect(() =>
      engine.register({ name: 'mixed', phases: ['PreTurn', 'PostTurn'], run: () => undefined } as never),
    ).toThrow(/all pre phases/);
    expect(() => new HookEngine({ timeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => new HookEngine({ onFailure: 'ignore' as never })).toThrow(/onFailure/);
  });

  it('orders client hooks before session hooks, each in registration order', async () => {
    const seen: string[] = [];
    const client = new HookEngine({ hooks: [cont('c1', seen)] });
    const session = client.extend([cont('s1', seen), cont('s2', seen)]);
    client.register(cont('c2', seen)); // registered later, still a client hook
    expect(session.hooks.map((h) => h.name)).toEqual(['c1', 'c2', 's1', 's2']);
    await session.runPre('PreTurn', turn);
    expect(seen).toEqual(['c1', 'c2', 's1', 's2']);
    expect(client.hooks.map((h) => h.name)).toEqual(['c1', 'c2']);
  });

  it('a disposed registration is gone; has() tells whether a phase has hooks', () => {
    const engine = new HookEngine();
    expect(engine.has('PreTurn')).toBe(false);
    const registration = engine.register(cont('a'));
    expect(engine.has('PreTurn')).toBe(true);
    expect(engine.has('PostTurn')).toBe(false);
    registration.dispose();
    expect(engine.has('PreTurn')).toBe(false);
  });
});

describe('HookEngine.runPre', () => {
  it('continues with no hooks', async () => {
    await expect(new HookEngine().runPre('PreTurn', turn)).resolves.toEqual({
      phase: 'PreTurn',
      action: { type: 'continue' },
      reports: [],
    });
  });

  it('folds patches in order; each hook sees the context patched by the ones before', async () => {
    const prompts: (string | undefined)[] = [];
    const patcher = (name: string, patch: Record<string, unknown>): PreHook => ({
      name,
      phases: ['PreTurn'],
      run: (ctx) => {
        prompts.push(ctx.prompt);
        return { type: 'patch', patch };
      },
    });
    const engine = new HookEngine({
      hooks: [
        patcher('a', { prompt: 'first', instructions: 'be brief' }),
        cont('b'),
        patcher('c', { prompt: 'second', effort: 'high', instructions: 'be kind' }),
      ],
    });
    const outcome = await engine.runPre('PreTurn', turn);
    expect(prompts).toEqual(['hello', 'first']);
    expect(outcome.action).toEqual({
      type: 'patch',
      patch: { prompt: 'second', effort: 'high', instructions: 'be brief\n\nbe kind' },
    });
    expect(outcome.reports.map((r) => [r.hook, r.outcome])).toEqual([
      ['a', 'patch'],
      ['b', 'continue'],
      ['c', 'patch'],
    ]);
    expect(outcome.reports[0]).toMatchObject({ phase: 'PreTurn', threadId: 't1', issues: [] });
    expect(outcome.reports[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('stops at the first block; later hooks do not run', async () => {
    const seen: string[] = [];
    const engine = new HookEngine({
      hooks: [
        cont('a', seen),
        {
          name: 'guard',
          phases: ['PreTurn'],
          run: () => ({ type: 'block', reason: { message: 'not today' } }),
        },
        cont('z', seen),
      ],
    });
    const outcome = await engine.runPre('PreTurn', turn);
    expect(outcome.action).toEqual({ type: 'block', reason: { message: 'not today' } });
    expect(outcome.blockedBy).toBe('guard');
    expect(seen).toEqual(['a']);
    expect(outcome.reports.map((r) => r.outcome)).toEqual(['continue', 'block']);
  });

  it('gives every hook a frozen context with the engine’s and the call’s metadata', async () => {
    let seen: HookContext | undefined;
    const engine = new HookEngine({ metadata: { app: 'x', label: 'engine' } });
    engine.register({
      name: 'look',
      phases: ['PreTurn'],
      run: (ctx) => {
        seen = ctx;
        return { type: 'continue' };
      },
    });
    await engine
      .extend({ metadata: { session: 's' } })
      .runPre('PreTurn', { ...turn, metadata: { label: 'call' } });
    expect(seen).toMatchObject({ phase: 'PreTurn', cwd: '/w', prompt: 'hello' });
    expect(seen?.metadata).toEqual({ app: 'x', label: 'call', session: 's' });
    expect(Object.isFrozen(seen)).toBe(true);
    expect('turnId' in (seen ?? {})).toBe(false);
  });

  it('a timeout is reported, aborts the hook’s signal, and blocks by default', async () => {
    let aborted = false;
    const slow: PreHook = {
      name: 'slow',
      phases: ['PreTurn'],
      timeoutMs: 50,
      run: (_ctx, { signal }) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        return never();
      },
    };
    const outcome = await new HookEngine({ hooks: [slow] }).runPre('PreTurn', turn);
    expect(outcome.action).toMatchObject({
      type: 'block',
      reason: { message: 'failed (timeout): no answer within 50 ms', code: 'HOOK_FAILED' },
    });
    expect(outcome.blockedBy).toBe('slow');
    expect(outcome.reports[0]).toMatchObject({
      outcome: 'failed',
      issues: [{ class: 'timeout', message: 'no answer within 50 ms' }],
    });
    expect(aborted).toBe(true);
  });

  it('the engine timeout applies to hooks without their own', async () => {
    const engine = new HookEngine({
      timeoutMs: 30,
      hooks: [{ name: 'slow', phases: ['PreRun'], run: never }],
    });
    const outcome = await engine.runPre('PreRun', { cwd: '/w' });
    expect(outcome.reports[0]?.issues).toEqual([{ class: 'timeout', message: 'no answer within 30 ms' }]);
  });

  it('a throwing hook is an execution issue; a HookError keeps its class; junk is a validation issue', async () => {
    const hooks: PreHook[] = [
      {
        name: 'throws',
        phases: ['PreTurn'],
        run: () => {
          throw new Error('bug');
        },
      },
      {
        name: 'hook-error',
        phases: ['PreTurn'],
        run: () => Promise.reject(new HookError('internal', 'no json')),
      },
      { name: 'junk', phases: ['PreTurn'], run: () => 'ok' as never },
      { name: 'undefined', phases: ['PreTurn'], run: () => undefined as never },
      {
        name: 'bad-patch',
        phases: ['PreTurn'],
        run: () => ({ type: 'patch', patch: { sandbox: 'x' } as never }),
      },
    ];
    const engine = new HookEngine({ onFailure: 'continue', hooks });
    const outcome = await engine.runPre('PreTurn', turn);
    expect(outcome.action).toEqual({ type: 'continue' });
    expect(outcome.reports.map((r) => [r.hook, r.outcome, r.issues[0]?.class])).toEqual([
      ['throws', 'failed', 'execution'],
      ['hook-error', 'failed', 'internal'],
      ['junk', 'failed', 'validation'],
      ['undefined', 'failed', 'validation'],
      ['bad-patch', 'failed', 'validation'],
    ]);
    expect(outcome.reports[0]?.issues[0]?.message).toBe('threw: bug');
    expect(outcome.reports[4]?.issues[0]?.message).toContain('unknown patch field "sandbox"');
  });

  it('a patch field the phase does not accept fails the hook', async () => {
    const engine = new HookEngine({
      hooks: [
        { name: 'p', phases: ['PreSessionStart'], run: () => ({ type: 'patch', patch: { prompt: 'x' } }) },
      ],
    });
    const outcome = await engine.runPre('PreSessionStart', { cwd: '/w' });
    expect(outcome.action.type).toBe('block');
    expect(outcome.reports[0]?.issues[0]?.message).toContain('PreSessionStart cannot patch "prompt"');
  });

  it('PreToolUse fails closed even when failures may continue elsewhere', async () => {
    const broken: PreHook = {
      name: 'broken',
      phases: ['PreToolUse', 'PreTurn'],
      run: () => {
        throw new Error('bug');
      },
    };
    const engine = new HookEngine({ onFailure: 'continue', hooks: [broken] });
    expect((await engine.runPre('PreTurn', turn)).action.type).toBe('continue');
    const tool = { cwd: '/w', tool: { kind: 'commandExecution' as const, command: 'ls' } };
    expect((await engine.runPre('PreToolUse', tool)).action).toMatchObject({
      type: 'block',
      reason: { message: 'failed (execution): threw: bug' },
    });
  });

  it('skips hooks whose matches says no (no run, no report); runs them when matches throws', async () => {
    const seen: string[] = [];
    const engine = new HookEngine({
      hooks: [
        { ...cont('skipped', seen), matches: () => false },
        {
          ...cont('matcher-throws', seen),
          matches: () => {
            throw new Error('x');
          },
        },
      ],
    });
    const outcome = await engine.runPre('PreTurn', turn);
    expect(seen).toEqual(['matcher-throws']);
    expect(outcome.reports.map((r) => r.hook)).toEqual(['matcher-throws']);
  });

  it('the caller’s abort stops the hooks and rejects with ABORTED', async () => {
    let hookSignal: AbortSignal | undefined;
    const engine = new HookEngine({
      hooks: [
        {
          name: 'waits',
          phases: ['PreTurn'],
          run: (_c, { signal }) => {
            hookSignal = signal;
            return never();
          },
        },
      ],
    });
    const controller = new AbortController();
    const run = engine.runPre('PreTurn', turn, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 10);
    const error = await rejection(run);
    expect(CodexusError.is(error, 'ABORTED')).toBe(true);
    expect(hookSignal?.aborted).toBe(true);
    await expect(engine.runPre('PreTurn', turn, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('refuses a post phase', async () => {
    await expect(new HookEngine().runPre('PostTurn' as never, turn)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('HookEngine.runPost', () => {
  it('runs every post hook in order and collects their reports', async () => {
    const results: unknown[] = [];
    const hooks: PostHook[] = [
      {
        name: 'sees',
        phases: ['PostTurn'],
        run: (ctx) => {
          results.push(ctx.result);
          return { data: { words: 2 } };
        },
      },
      { name: 'nothing', phases: ['PostTurn'], run: () => undefined },
      {
        name: 'own-issue',
        phases: ['PostTurn'],
        run: () => ({ issues: [{ class: 'validation', message: 'answer too long' }] }),
      },
      {
        name: 'throws',
        phases: ['PostTurn'],
        run: () => {
          throw new Error('bug');
        },
      },
      { name: 'slow', phases: ['PostTurn'], timeoutMs: 20, run: never },
      { name: 'junk', phases: ['PostTurn'], run: () => 42 as never },
    ];
    const reports = await new HookEngine({ hooks }).runPost('PostTurn', {
      ...turn,
      turnId: 'u1',
      result: { status: 'completed', text: 'hi there' },
    });
    expect(results).toEqual([{ status: 'completed', text: 'hi there' }]);
    expect(reports.map((r) => [r.hook, r.outcome, r.issues.map((i) => i.class)])).toEqual([
      ['sees', 'observed', []],
      ['nothing', 'observed', []],
      ['own-issue', 'observed', ['validation']],
      ['throws', 'failed', ['execution']],
      ['slow', 'failed', ['timeout']],
      ['junk', 'observed', ['validation']],
    ]);
    expect(reports[0]).toMatchObject({ data: { words: 2 }, threadId: 't1', turnId: 'u1', phase: 'PostTurn' });
  });
});

describe('HookEngine reports and metrics', () => {
  it('reports of a session engine reach the client engine’s listeners and metrics', async () => {
    const client = new HookEngine();
    const seen: HookReport[] = [];
    client.onReport((r) => seen.push(r));
    const session = client.extend([
      cont('a'),
      { name: 'b', phases: ['PreTurn'], timeoutMs: 10, run: never },
      { name: 'post', phases: ['PostTurn'], run: () => undefined },
    ]);
    await session.runPre('PreTurn', turn);
    await session.runPost('PostTurn', turn);
    expect(seen.map((r) => r.hook)).toEqual(['a', 'b', 'post']);
    const metrics = client.metrics();
    expect(metrics.runs).toBe(3);
    expect(metrics.outcomes).toEqual({ continue: 1, patch: 0, block: 0, observed: 1, failed: 1 });
    expect(metrics.issues).toEqual({ validation: 0, execution: 0, timeout: 1, internal: 0 });
    expect(metrics.p95Ms).toBeGreaterThanOrEqual(metrics.p50Ms);
    expect(session.metrics().runs).toBe(3);
    expect(new HookEngine().metrics().runs).toBe(0);
  });
});
