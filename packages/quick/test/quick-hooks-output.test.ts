import type { PostHook, PreHook } from '@codexus/plugin';
import { message, userTexts } from '@codexus/testkit';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { QuickRunError, quickRunWithProfile, Workflow } from '../src/index.js';
import { useQuickHarness } from './harness.js';

describe('quick: PreRun/PostRun hooks and structured output (real codex)', () => {
  const h = useQuickHarness();

  it('a PreRun patch changes the prompt the model receives; PostRun sees the result', async () => {
    h.model.enqueue(message('patched ok'));
    const seen: string[] = [];
    const patch: PreHook = {
      name: 'rewrite',
      phases: ['PreRun'],
      run: (ctx) => ({ type: 'patch', patch: { prompt: `${ctx.prompt} (politely)` } }),
    };
    const after: PostHook = {
      name: 'audit',
      phases: ['PostRun'],
      run: (ctx) => {
        seen.push(`${ctx.phase}:${ctx.result?.status}:${ctx.result?.text}`);
        return undefined;
      },
    };
    const before = h.model.requests.length;
    const result = await quickRunWithProfile(
      'say hi',
      { hooks: [patch, after] },
      { cwd: h.workspace.path, codexHome: h.home.path },
    );
    expect(result.text).toBe('patched ok');
    expect(userTexts(h.model.requests[before]!)).toContain('say hi (politely)');
    expect(seen).toEqual(['PostRun:completed:patched ok']);
    expect(result.hookReports?.map((r) => r.hook)).toEqual(expect.arrayContaining(['rewrite', 'audit']));
  });

  it('a PreRun block fails the run with HOOK_BLOCKED and nothing reaches the model', async () => {
    const block: PreHook = {
      name: 'deny',
      phases: ['PreRun'],
      run: () => ({ type: 'block', reason: { message: 'not today' } }),
    };
    const before = h.model.requests.length;
    const error = await quickRunWithProfile(
      'x',
      { hooks: [block] },
      { cwd: h.workspace.path, codexHome: h.home.path },
    ).catch((e: unknown) => e);
    expect(QuickRunError.isInstance(error)).toBe(true);
    expect((error as QuickRunError).code).toBe('HOOK_BLOCKED');
    expect((error as QuickRunError).message).toMatch(/deny/);
    expect(h.model.requests.length).toBe(before);
  });

  it('output: a typed result through quickRunWithProfile and Workflow.run', async () => {
    const Plan = v.object({ steps: v.array(v.string()) });
    h.model.enqueue(message('{"steps":["a","b"]}'), message('{"steps":["c"]}'));
    const quick = await quickRunWithProfile(
      'plan',
      { output: Plan },
      { cwd: h.workspace.path, codexHome: h.home.path },
    );
    expect(quick.output.steps).toEqual(['a', 'b']);
    await using workflow = await Workflow.connect({ cwd: h.workspace.path, codexHome: h.home.path });
    const run = await workflow.run('plan again', { output: Plan });
    expect(run.output).toEqual({ steps: ['c'] });
  });
});
