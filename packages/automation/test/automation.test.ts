import { StdioTransport } from '@codexus/core';
import { Client, CodexusError, PromptRunError, type PromptRunResult } from '@codexus/runtime';
import {
  assistantTexts,
  createCodexHome,
  delayed,
  failure,
  hang,
  message,
  processAlive,
  type ScriptEntry,
  startScriptedModel,
  userTexts,
} from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { type AutomationSpec, spawn } from '../src/index.js';
import { useHarness, within } from './harness.js';
import { TrackingClock } from './tracking-clock.js';

describe('automation against the real codex', () => {
  const h = useHarness();

  /** Scripts the model, starts a session and spawns a runner on it that records every result. */
  async function startRunner(steps: ScriptEntry[], spec: Omit<AutomationSpec, 'onRun'>) {
    h.model.enqueue(...steps);
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const before = h.model.requests.length;
    const clock = new TrackingClock();
    const results: PromptRunResult[] = [];
    /** When each run started, relative to spawn (a turn's `durationMs` counts from its `askStream`). */
    const starts: number[] = [];
    const spawnedAtMs = Date.now();
    const onRun = (result: PromptRunResult): void => {
      results.push(result);
      starts.push(Date.now() - result.durationMs - spawnedAtMs);
    };
    const handle = spawn(session, { ...spec, onRun }, { clock });
    return { session, before, clock, results, starts, handle };
  }

  it('three runs at a 200 ms cadence: three model requests on the same thread, texts as scripted', async () => {
    const { session, before, clock, results, starts, handle } = await startRunner(
      [message('one'), message('two'), message('three')],
      { prompt: 'any news?', everyMs: 200, maxRuns: 3 },
    );
    const final = await within(handle.done, 10_000, 'done');
    expect(final).toMatchObject({ state: 'completed', runs: 3, lastResult: { text: 'three' } });
    expect(final.lastError).toBeUndefined();
    expect(results.map((r) => [r.status, r.text])).toEqual([
      ['completed', 'one'],
      ['completed', 'two'],
      ['completed', 'three'],
    ]);
    expect(new Set(results.map((r) => r.threadId))).toEqual(new Set([session.threadId]));
    expect(new Set(results.map((r) => r.turnId)).size).toBe(3);
    const requests = h.model.requests.slice(before);
    expect(requests).toHaveLength(3);
    // Same thread: the third request carries the two earlier turns.
    expect(userTexts(requests[2]!)).toEqual(['any news?', 'any news?', 'any news?']);
    expect(assistantTexts(requests[2]!)).toEqual(['one', 'two']);
    // On the cadence: run i starts no earlier than i * 200 ms after spawn (not back to back), and
    // the grid is not stretched (generous bound: a loaded machine may delay a turn).
    expect(starts).toHaveLength(3);
    for (const [i, startMs] of starts.entries()) expect(startMs).toBeGreaterThanOrEqual(i * 200);
    expect(starts[2]).toBeLessThan(2_000);
    expect(h.model.pending).toBe(0);
    expect(h.model.exhausted).toBe(0);
    expect(clock.pending).toBe(0);
    expect(session.activeTurn).toBeUndefined();
  });

  it('a scripted failure ends the runner as failed, with the PromptRunError as lastError', async () => {
    const { session, clock, results, handle } = await startRunner(
      [failure('the model broke', 'server_error')],
      {
        prompt: 'try',
        everyMs: 200,
      },
    );
    const final = await within(handle.done, 10_000, 'done');
    expect(final).toMatchObject({ state: 'failed', runs: 1 });
    expect(PromptRunError.isInstance(final.lastError)).toBe(true);
    const error = final.lastError as PromptRunError;
    expect(error.code).toBe('TURN_FAILED');
    expect(error.serverMessage).toContain('the model broke');
    expect(error.partial.threadId).toBe(session.threadId);
    expect(results).toEqual([]);
    expect(clock.pending).toBe(0);
    expect(handle.status().state).toBe('failed');
    // The session is still the caller's, and usable.
    h.model.enqueue(message('still here'));
    await expect(session.ask('next')).resolves.toMatchObject({ text: 'still here' });
  });

  it('stop({ interrupt: true }) during a hanging turn ends stopped, with an interrupted turn', async () => {
    const { session, before, clock, results, handle } = await startRunner([hang(), message('after')], {
      prompt: 'hang',
      everyMs: 60_000,
    });
    await h.model.waitForRequests(before + 1);
    expect(handle.status().state).toBe('running');
    const final = await within(handle.stop({ interrupt: true }), 10_000, 'stop');
    expect(final).toMatchObject({ state: 'stopped', runs: 1, lastResult: { status: 'interrupted' } });
    expect(final.lastResult?.threadId).toBe(session.threadId);
    expect(results.map((r) => r.status)).toEqual(['interrupted']);
    expect(clock.pending).toBe(0);
    await expect(handle.done).resolves.toEqual(final);
    await expect(session.ask('again')).resolves.toMatchObject({ text: 'after' });
  });

  it('stop() lets the turn in flight finish', async () => {
    const { before, clock, results, handle } = await startRunner([delayed(300, message('slow answer'))], {
      prompt: 'slow',
      everyMs: 100,
    });
    await h.model.waitForRequests(before + 1);
    const final = await within(handle.stop(), 10_000, 'stop');
    expect(final).toMatchObject({
      state: 'stopped',
      runs: 1,
      lastResult: { status: 'completed', text: 'slow answer' },
    });
    expect(clock.pending).toBe(0);
    expect(results.map((r) => r.text)).toEqual(['slow answer']);
    expect(h.model.requests.length - before).toBe(1);
  });

  it('aborting the signal between runs stops the runner; a new runner may then take the session', async () => {
    h.model.enqueue(message('first'), message('second'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const controller = new AbortController();
    const clock = new TrackingClock();
    const handle = spawn(
      session,
      {
        prompt: 'tick',
        everyMs: 60_000,
        signal: controller.signal,
        onRun: () => controller.abort(),
      },
      { clock },
    );
    expect(() => spawn(session, { prompt: 'tick', everyMs: 100 })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    const final = await within(handle.done, 10_000, 'done');
    expect(final).toMatchObject({ state: 'stopped', runs: 1, lastResult: { text: 'first' } });
    expect(clock.pending).toBe(0);
    const next = spawn(session, { prompt: 'tick', everyMs: 100, maxRuns: 1 });
    await expect(within(next.done, 10_000, 'done')).resolves.toMatchObject({
      state: 'completed',
      lastResult: { text: 'second' },
    });
  });

  it('a closed session is refused at spawn', async () => {
    const session = await h.client.startSession({ cwd: h.workspace.path });
    await session.close();
    let error: unknown;
    try {
      spawn(session, { prompt: 'x', everyMs: 100 });
    } catch (e) {
      error = e;
    }
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
  });
});

describe('after done', () => {
  it('no codex process and no runner timer remain once the runner is done and the client closed', async () => {
    const model = await startScriptedModel([message('only')], { log: () => {} });
    const home = await createCodexHome({ modelUrl: model.url });
    try {
      const client = await Client.connect({ codexHome: home.path });
      const transport = client.runtime.connection.transport;
      expect(transport).toBeInstanceOf(StdioTransport);
      const pid = (transport as StdioTransport).pid;
      expect(pid).toBeTypeOf('number');
      const session = await client.startSession({ cwd: home.path });
      const clock = new TrackingClock();
      const final = await within(
        spawn(session, { prompt: 'once', everyMs: 200, maxRuns: 1 }, { clock }).done,
        10_000,
        'done',
      );
      expect(final).toMatchObject({ state: 'completed', runs: 1, lastResult: { text: 'only' } });
      expect(clock.pending).toBe(0);
      await client.close();
      expect(client.runtime.lifecycle).toBe('closed');
      expect(processAlive(pid!)).toBe(false);
    } finally {
      await model.close();
      await home.dispose();
    }
  });
});
