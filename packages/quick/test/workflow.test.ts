import { join } from 'node:path';
import { PromptRunError, type PromptRunEvent } from '@codexus/runtime';
import { failure, hang, message, streamedMessage, userTexts } from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QuickRunError, Workflow } from '../src/index.js';
import { initializeCounter, useQuickHarness } from './harness.js';
import { childPids, leakCheck, procAvailable } from './processes.js';

describe.runIf(procAvailable)('Workflow against the real codex', () => {
  const h = useQuickHarness();
  const leaks = leakCheck(() => h.home.path);
  const expectNothingLeft = leaks.expectNothingLeft;

  beforeEach(() => {
    leaks.mark();
  });

  it('reuses one codex process and one thread across 5 runs, keeping history', async () => {
    const spawns = initializeCounter();
    const prompts = ['one', 'two', 'three', 'four', 'five'];
    h.model.enqueue(...prompts.map((p) => message(`answer ${p}`)));
    const before = h.model.requests.length;
    {
      await using workflow = await Workflow.connect({
        cwd: h.workspace.path,
        codexHome: h.home.path,
        trace: spawns.trace,
      });
      const spawned = childPids().filter((pid) => !leaks.before.includes(pid));
      expect(spawned).toHaveLength(1);
      const results = [];
      for (const prompt of prompts) {
        results.push(await workflow.run(prompt));
        // Still the same single child process.
        expect(childPids().filter((pid) => !leaks.before.includes(pid))).toEqual(spawned);
      }
      expect(results.map((r) => r.text)).toEqual(prompts.map((p) => `answer ${p}`));
      expect(new Set(results.map((r) => r.threadId))).toEqual(new Set([workflow.threadId]));
      expect(workflow.runCount).toBe(5);
      expect(spawns.count()).toBe(1);
      // The fifth request carries the whole thread: every prompt and every earlier answer.
      const last = h.model.requests.at(-1)!;
      expect(h.model.requests.length - before).toBe(5);
      expect(userTexts(last)).toEqual(prompts);
      expect(JSON.stringify(last.body?.input)).toContain('answer four');
    }
    expectNothingLeft();
  });

  it('freshThreadPerRun gives every run its own thread, still on one process', async () => {
    const spawns = initializeCounter();
    h.model.enqueue(...[1, 2, 3, 4, 5].map((n) => message(`fresh ${n}`)));
    const before = h.model.requests.length;
    const workflow = await Workflow.connect({
      cwd: h.workspace.path,
      codexHome: h.home.path,
      freshThreadPerRun: true,
      trace: spawns.trace,
    });
    const threads: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const result = await workflow.run(`prompt ${n}`);
      expect(result.text).toBe(`fresh ${n}`);
      expect(workflow.threadId).toBe(result.threadId);
      threads.push(result.threadId);
    }
    await workflow.close();
    expect(new Set(threads).size).toBe(5);
    expect(spawns.count()).toBe(1);
    // No history shared: each request holds only its own prompt.
    expect(h.model.requests.slice(before).map((r) => userTexts(r))).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`prompt ${n}`]),
    );
    expectNothingLeft();
  });

  it('a missing binary or an invalid profile rejects Workflow.connect with kind connect', async () => {
    const missing = await Workflow.connect({
      cwd: h.workspace.path,
      codexBin: join(h.workspace.path, 'no-such-codex'),
    }).catch((e: unknown) => e);
    expect(QuickRunError.isInstance(missing)).toBe(true);
    expect(missing).toMatchObject({ kind: 'connect', code: 'BINARY_NOT_FOUND' });
    const privileged = await Workflow.connect({
      cwd: h.workspace.path,
      codexBin: join(h.workspace.path, 'no-such-codex'),
      sandbox: 'danger-full-access',
    }).catch((e: unknown) => e);
    expect(privileged).toMatchObject({ kind: 'connect', code: 'VALIDATION_FAILED' });
    expectNothingLeft();
  });

  describe('one shared workflow', () => {
    let workflow: Workflow;
    beforeAll(async () => {
      workflow = await Workflow.connect({ cwd: h.workspace.path, codexHome: h.home.path });
    });
    afterAll(async () => {
      await workflow?.close();
    });

    it('rejects a run started while another is in flight with TURN_IN_PROGRESS', async () => {
      h.model.enqueue(message('only one'));
      const first = workflow.run('first');
      expect(workflow.isRunning).toBe(true);
      await expect(workflow.run('second')).rejects.toMatchObject({ code: 'TURN_IN_PROGRESS' });
      expect(() => workflow.runStream('third')).toThrow(
        expect.objectContaining({ code: 'TURN_IN_PROGRESS' }),
      );
      await expect(first).resolves.toMatchObject({ text: 'only one' });
      expect(workflow.isRunning).toBe(false);
      expect(() => workflow.runStream('x', { effort: 'high' } as never)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
      expect(workflow.runCount).toBe(1);
    });

    it('runStream yields the streamed text and resolves the result', async () => {
      h.model.enqueue(streamedMessage(['Hel', 'lo ', 'stream']));
      const run = workflow.runStream('stream please');
      const events: PromptRunEvent[] = [];
      for await (const event of run) events.push(event);
      const deltas = events.flatMap((e) => (e.type === 'textDelta' ? [e.delta] : []));
      expect(deltas).toEqual(['Hel', 'lo ', 'stream']);
      expect(events.at(-1)).toMatchObject({ type: 'turnCompleted', status: 'completed' });
      await expect(run.result).resolves.toMatchObject({ text: 'Hello stream' });
    });

    it('a failed run rejects with PromptRunError and the workflow stays usable', async () => {
      h.model.enqueue(failure('model broke'), message('recovered'));
      const error = await workflow.run('fail').catch((e: unknown) => e);
      expect(PromptRunError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'TURN_FAILED' });
      await expect(workflow.run('again')).resolves.toMatchObject({ text: 'recovered' });
    });

    it('interrupt() and the signal end a run in flight', async () => {
      h.model.enqueue(hang(), hang());
      const before = h.model.requests.length;
      const run = workflow.runStream('hang');
      await h.model.waitForRequests(before + 1);
      await run.interrupt();
      await expect(run.result).resolves.toMatchObject({ status: 'interrupted' });
      const controller = new AbortController();
      const aborted = workflow.run('hang again', { signal: controller.signal });
      await h.model.waitForRequests(before + 2);
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
      expect(workflow.isRunning).toBe(false);
    });
  });

  it('close() interrupts a run in flight, stops codex, and later runs fail with SESSION_CLOSED', async () => {
    h.model.enqueue(hang());
    const before = h.model.requests.length;
    const workflow = await Workflow.connect({ cwd: h.workspace.path, codexHome: h.home.path });
    const running = workflow.run('hang');
    await h.model.waitForRequests(before + 1);
    await workflow.close();
    await expect(running).resolves.toMatchObject({ status: 'interrupted' });
    expect(workflow.isClosed).toBe(true);
    await expect(workflow.run('after close')).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await workflow.close(); // idempotent
    expectNothingLeft();
  });
});
