import type { PreHook } from '@codexus/plugin';
import { CodexusError } from '@codexus/runtime';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workflow } from '../src/index.js';
import { useQuickHarness } from './harness.js';
import { watchUnhandledRejections } from './unhandled-rejections.js';

describe('Workflow.run failing before its turn starts (real codex)', () => {
  const h = useQuickHarness();
  let workflow: Workflow;
  beforeAll(async () => {
    workflow = await Workflow.connect({
      cwd: h.workspace.path,
      codexHome: h.home.path,
      hooks: [
        {
          name: 'deny-secret',
          phases: ['PreRun'],
          run: (ctx) =>
            ctx.prompt?.includes('secret')
              ? { type: 'block', reason: { message: 'no secrets' } }
              : { type: 'continue' },
        } satisfies PreHook,
      ],
    });
  });
  afterAll(async () => {
    await workflow?.close();
  });

  it('a PreRun block rejects the awaited result once and leaves no unhandled rejection', async () => {
    const watch = watchUnhandledRejections();
    const before = h.model.requests.length;
    const error = await workflow.run('tell me the secret').catch((e: unknown) => e);
    const unhandled = await watch.settled();
    expect(CodexusError.is(error, 'HOOK_BLOCKED')).toBe(true);
    expect(unhandled).toEqual([]);
    expect(h.model.requests.length).toBe(before);
    expect(workflow.isRunning).toBe(false);
  });

  it('a refused output schema rejects the awaited result once and leaves no unhandled rejection', async () => {
    const watch = watchUnhandledRejections();
    const before = h.model.requests.length;
    // A root that is not an object cannot be a strict output schema: refused before anything is sent.
    const error = await workflow.run('plan', { output: v.array(v.string()) }).catch((e: unknown) => e);
    const unhandled = await watch.settled();
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(unhandled).toEqual([]);
    expect(h.model.requests.length).toBe(before);
    expect(workflow.isRunning).toBe(false);
  });

  it('iterating a run that failed early throws its error instead of hanging', async () => {
    const watch = watchUnhandledRejections();
    const run = workflow.runStream('another secret');
    const iterated = await (async () => {
      for await (const _ of run) {
        // no events: the run never started
      }
    })().catch((e: unknown) => e);
    const result = await run.result.catch((e: unknown) => e);
    const unhandled = await watch.settled();
    expect(CodexusError.is(iterated, 'HOOK_BLOCKED')).toBe(true);
    expect(result).toBe(iterated);
    expect(unhandled).toEqual([]);
  });
});
