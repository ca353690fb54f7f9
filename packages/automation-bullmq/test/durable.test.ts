import { CodexusError } from '@codexus/core';
import { Client } from '@codexus/runtime';
import {
  assistantTexts,
  createCodexHome,
  delayed,
  failure,
  message,
  outputSchema,
  type ScriptedHarness,
  startScriptedHarness,
  userTexts,
} from '@codexus/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableAutomation, type DurableEvent, type RunRecord, startWorker } from '../src/index.js';
import { scheduleEnded, uniqueName, until } from './helpers.js';
import { type RedisServer, redisAvailable, startRedis } from './redis-server.js';

describe.skipIf(!redisAvailable())('durable automation against the real codex and a real Redis', () => {
  let redis: RedisServer;
  let h: ScriptedHarness<Client>;

  beforeAll(async () => {
    redis = await startRedis();
    h = await startScriptedHarness({
      connect: (home) => Client.connect({ codexHome: home.path, env: home.env }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.[Symbol.asyncDispose]();
  });

  /** A control object and one in-process worker on the harness's codex, for one test. */
  async function setup(options: { concurrency?: number } = {}) {
    const name = uniqueName('t');
    const durable = new DurableAutomation({ connection: redis.connection, name });
    const worker = await startWorker({
      connection: redis.connection,
      name,
      client: h.client,
      concurrency: options.concurrency ?? 1,
      lockDurationMs: 2_000,
    });
    const before = h.model.requests.length;
    return {
      name,
      durable,
      worker,
      before,
      [Symbol.asyncDispose]: async () => {
        await worker.close();
        await durable.close();
      },
    };
  }

  async function finalState(durable: DurableAutomation, id: string) {
    return scheduleEnded(durable, id, 15_000, `schedule ${id} final`);
  }

  it('three runs every 300 ms on one thread, recorded in order, with events; redefining does not duplicate', async () => {
    await using t = await setup();
    h.model.enqueue(message('one'), message('two'), message('three'));
    const events: DurableEvent[] = [];
    const stop = new AbortController();
    let readerDone = false;
    void (async () => {
      for await (const e of t.durable.events({ signal: stop.signal })) events.push(e);
      readerDone = true;
    })();
    const spec = {
      id: 'news',
      every: 300,
      prompt: 'any news?',
      session: { cwd: h.workspace.path },
      maxRuns: 3,
    };
    await t.durable.defineSchedule(spec);
    const again = await t.durable.defineSchedule(spec); // the same id again: updated, not duplicated
    expect(again).toMatchObject({ id: 'news', state: 'active', runs: 0 });
    const queue = new Queue(`codexus-${t.name}`, { connection: { ...redis.connection } });
    expect(await queue.getJobSchedulersCount()).toBe(1);
    const final = await finalState(t.durable, 'news');
    expect(final).toMatchObject({ state: 'completed', runs: 3, lastRun: { outcome: 'ran', text: 'three' } });
    expect(final.nextRunAt).toBeUndefined();
    expect(await queue.getJobSchedulersCount()).toBe(0);
    await queue.close();
    const runs = await t.durable.getRuns('news', { limit: 10 });
    expect(runs.map((r) => [r.outcome, r.text])).toEqual([
      ['ran', 'three'],
      ['ran', 'two'],
      ['ran', 'one'],
    ]);
    expect(new Set(runs.map((r) => r.threadId)).size).toBe(1);
    expect(final.threadId).toBe(runs[0]?.threadId);
    for (const run of runs) {
      expect(run.attempts).toHaveLength(1);
      expect(run.attempts[0]).toMatchObject({ worker: t.worker.id, end: 'finished', turnId: run.turnId });
      expect(run.usage?.total.totalTokens).toBeGreaterThan(0);
    }
    const requests = h.model.requests.slice(t.before);
    expect(requests).toHaveLength(3);
    expect(userTexts(requests[2]!)).toEqual(['any news?', 'any news?', 'any news?']);
    expect(assistantTexts(requests[2]!)).toEqual(['one', 'two']);
    await until(async () => events.length >= 7, 5_000, 'events');
    stop.abort();
    await until(async () => readerDone, 5_000, 'the event reader ends on abort');
    expect(events.map((e) => e.type)).toEqual([
      'runStarted',
      'runFinished',
      'runStarted',
      'runFinished',
      'runStarted',
      'runFinished',
      'scheduleStopped',
    ]);
    expect(events.at(-1)).toMatchObject({ scheduleId: 'news', state: 'completed' });
  });

  it('a failed turn stops the schedule and is recorded', async () => {
    await using t = await setup();
    h.model.enqueue(failure('the model broke', 'server_error'));
    await t.durable.defineSchedule({
      id: 'breaks',
      every: 200,
      prompt: 'try',
      session: { cwd: h.workspace.path },
    });
    const final = await finalState(t.durable, 'breaks');
    expect(final).toMatchObject({ state: 'failed', runs: 1, lastError: { code: 'TURN_FAILED' } });
    expect(final.lastRun).toMatchObject({
      outcome: 'failed',
      status: 'failed',
      error: { code: 'TURN_FAILED' },
    });
    expect(final.lastRun?.turnError?.message).toContain('the model broke');
    const queue = new Queue(`codexus-${t.name}`, { connection: { ...redis.connection } });
    expect(await queue.getJobSchedulersCount()).toBe(0);
    await queue.close();
    expect(h.model.requests.length - t.before).toBe(1);
  });

  it('one run in flight: ticks during a slow turn collapse into one catch-up run, never two at once', async () => {
    await using t = await setup({ concurrency: 4 });
    h.model.enqueue(delayed(900, message('slow')), message('catch-up'));
    await t.durable.defineSchedule({
      id: 'slow',
      every: 100,
      prompt: 'go',
      session: { cwd: h.workspace.path },
      maxRuns: 2,
    });
    const final = await finalState(t.durable, 'slow');
    expect(final).toMatchObject({ state: 'completed', runs: 2 });
    const runs = (await t.durable.getRuns('slow', { limit: 100 })).reverse();
    const ran = runs.filter((r) => r.outcome === 'ran');
    const collapsed = runs.filter((r) => r.outcome === 'collapsed');
    expect(ran.map((r) => r.text)).toEqual(['slow', 'catch-up']);
    // 900 ms at a 100 ms cadence: the ticks meanwhile collapse into the slow run, then one catch-up.
    expect(collapsed.filter((c) => c.collapsedInto === ran[0]?.id).length).toBeGreaterThanOrEqual(2);
    for (const c of collapsed) expect(ran.map((r) => r.id)).toContain(c.collapsedInto);
    expect(runs.filter((r) => r.id.startsWith('catchup-')).length).toBeGreaterThanOrEqual(1);
    // Never two turns of the schedule at once.
    expect(ran[1]!.attempts[0]!.startedAt).toBeGreaterThanOrEqual(ran[0]!.finishedAt!);
    expect(h.model.requests.length - t.before).toBe(2);
  });

  it('a thread that is not reachable from this codex: a new thread, and the record says why', async () => {
    await using t = await setup();
    h.model.enqueue(message('first'));
    const homes = { id: 'homes', every: 200, prompt: 'hi', session: { cwd: h.workspace.path } };
    await t.durable.defineSchedule({ ...homes, maxRuns: 1 });
    const first = await finalState(t.durable, 'homes');
    await t.worker.close();
    // A second worker whose codex has another CODEX_HOME: the thread of the first is not there.
    await using home = await createCodexHome({ modelUrl: h.model.url });
    await using other = await Client.connect({ codexHome: home.path, env: home.env });
    const worker = await startWorker({
      connection: redis.connection,
      name: t.name,
      client: other,
      lockDurationMs: 2_000,
    });
    try {
      h.model.enqueue(message('second'));
      await t.durable.defineSchedule({ ...homes, maxRuns: 2 });
      const second = await finalState(t.durable, 'homes');
      expect(second.runs).toBe(2);
      const last = second.lastRun as RunRecord;
      expect(last, JSON.stringify(last)).toMatchObject({ outcome: 'ran', text: 'second' });
      expect(last.threadChange?.from).toBe(first.threadId);
      expect(last.threadChange?.to).toBe(last.threadId);
      expect(last.threadId).not.toBe(first.threadId);
      expect(last.threadChange?.reason).toBeTruthy();
      expect(second.threadId).toBe(last.threadId);
    } finally {
      await worker.close();
    }
  });

  it('keepSessions: a single worker keeps the session open between runs; the thread and its history stay', async () => {
    const name = uniqueName('keep');
    await using durable = new DurableAutomation({ connection: redis.connection, name });
    await using _worker = await startWorker({
      connection: redis.connection,
      name,
      client: h.client,
      keepSessions: true,
    });
    const before = h.model.requests.length;
    h.model.enqueue(message('first'), message('second'));
    await durable.defineSchedule({
      id: 'kept',
      every: 200,
      prompt: 'again',
      session: { cwd: h.workspace.path },
      maxRuns: 2,
    });
    const final = await finalState(durable, 'kept');
    expect(final).toMatchObject({ state: 'completed', runs: 2, lastRun: { outcome: 'ran', text: 'second' } });
    const runs = await durable.getRuns('kept');
    expect(new Set(runs.map((r) => r.threadId))).toEqual(new Set([final.threadId]));
    expect(assistantTexts(h.model.requests[before + 1]!)).toEqual(['first']);
  });

  it('a cron schedule with an output schema: the record holds the parsed output', async () => {
    await using t = await setup();
    const schema = {
      type: 'object',
      properties: { open: { type: 'number' } },
      required: ['open'],
      additionalProperties: false,
    };
    h.model.enqueue(message('{"open":3}'), message('{"open":4}'));
    await t.durable.defineSchedule({
      id: 'cron',
      cron: '* * * * * *', // every second (BullMQ's six-field form)
      prompt: 'count open issues',
      session: { cwd: h.workspace.path },
      output: schema,
      maxRuns: 2,
    });
    const final = await finalState(t.durable, 'cron');
    expect(final).toMatchObject({ state: 'completed', runs: 2 });
    const runs = await t.durable.getRuns('cron');
    expect(runs.map((r) => r.output)).toEqual([{ open: 4 }, { open: 3 }]);
    const requests = h.model.requests.slice(t.before);
    expect(outputSchema(requests[0]!)).toMatchObject({ properties: { open: { type: 'number' } } });
  });

  it('listSchedules shows the next run and the last result; removeSchedule: unknown id, and purge', async () => {
    await using t = await setup();
    h.model.enqueue(message('listed'));
    await t.durable.defineSchedule({
      id: 'listed',
      every: 60_000,
      prompt: 'p',
      session: { cwd: h.workspace.path },
    });
    const info = await until(
      async () => (await t.durable.listSchedules()).find((s) => s.id === 'listed' && s.lastRun !== undefined),
      15_000,
      'the first run listed',
    );
    expect(info.lastRun).toMatchObject({ outcome: 'ran', text: 'listed', phase: 'finished' });
    expect(info.runs).toBe(1);
    expect(info.nextRunAt).toBeInstanceOf(Date);
    const next = info.nextRunAt!.getTime();
    expect(next).toBeGreaterThan(info.lastRun!.tickAt);
    expect(next).toBeLessThanOrEqual(info.lastRun!.tickAt + 60_000);
    expect(await t.durable.removeSchedule('no-such-schedule')).toBe(false);
    expect(await t.durable.removeSchedule('listed')).toBe(true);
    const removed = await t.durable.getSchedule('listed');
    expect(removed).toMatchObject({ state: 'removed', runs: 1 });
    expect(removed?.nextRunAt).toBeUndefined();
    expect(await t.durable.getRuns('listed')).toHaveLength(1); // kept without purge
    expect(await t.durable.removeSchedule('listed', { purge: true })).toBe(true);
    expect(await t.durable.getRuns('listed')).toEqual([]);
    expect(await t.durable.getSchedule('listed')).toBeUndefined();
    expect(await t.durable.listSchedules()).toEqual([]);
    expect(await t.durable.removeSchedule('listed')).toBe(false);
  });

  it('ticks missed while every worker is down collapse into one run when a worker is back', async () => {
    const name = uniqueName('down');
    await using durable = new DurableAutomation({ connection: redis.connection, name });
    const first = await startWorker({
      connection: redis.connection,
      name,
      client: h.client,
      lockDurationMs: 2_000,
    });
    // Answers to spare: under load a second tick may run before the worker closes.
    h.model.enqueue(...['a', 'b', 'c', 'd', 'e'].map((t) => message(t)));
    await durable.defineSchedule({ id: 'gap', every: 300, prompt: 'p', session: { cwd: h.workspace.path } });
    await until(async () => ((await durable.getSchedule('gap'))?.runs ?? 0) >= 1, 15_000, 'the first run');
    await first.close();
    const downAt = Date.now();
    const runsDown = await durable.getRuns('gap', { limit: 100 });
    await new Promise((r) => setTimeout(r, 2_000)); // about six periods with no worker
    const backAt = Date.now();
    await using _second = await startWorker({
      connection: redis.connection,
      name,
      client: h.client,
      lockDurationMs: 2_000,
    });
    // BullMQ keeps one next tick per schedule: the one due when the first worker went away (it may
    // fall due just before `close` returns) waits through the outage and runs once a worker is back.
    const notBefore = (r: RunRecord) => !runsDown.some((d) => d.id === r.id);
    const afterOutage = await until(
      async () =>
        (await durable.getRuns('gap', { limit: 100 })).find(
          (r) => notBefore(r) && r.tickAt < backAt && r.phase === 'finished',
        ),
      15_000,
      'the run after the outage',
      async () =>
        `down ${downAt}, back ${backAt}; before: ${JSON.stringify(runsDown)}; now: ${JSON.stringify(await durable.getRuns('gap', { limit: 100 }))}`,
    );
    await durable.removeSchedule('gap');
    h.model.clear();
    const runs = await durable.getRuns('gap', { limit: 100 });
    // About six periods passed with no worker: one tick stands for all of them, run after the restart.
    const dueWhileDown = runs.filter((r) => notBefore(r) && r.tickAt < backAt);
    expect(
      dueWhileDown.map((r) => r.id),
      JSON.stringify(runs),
    ).toEqual([afterOutage.id]);
    expect(afterOutage.outcome).toBe('ran');
    expect(afterOutage.text).toBeDefined();
    expect(afterOutage.createdAt).toBeGreaterThanOrEqual(backAt);
  });

  it('bad specs and options fail with VALIDATION_FAILED naming the field; nothing is stored', async () => {
    await using t = await setup();
    const cwd = h.workspace.path;
    const bad: [unknown, string][] = [
      [{ id: 'a b', every: 100, prompt: 'x', session: { cwd } }, 'id'],
      [{ id: 'a', prompt: 'x', session: { cwd } }, 'every'],
      [{ id: 'a', every: 100, cron: '* * * * *', prompt: 'x', session: { cwd } }, 'every'],
      [{ id: 'a', every: -1, prompt: 'x', session: { cwd } }, 'every'],
      [{ id: 'a', every: 100, prompt: ' ', session: { cwd } }, 'prompt'],
      [{ id: 'a', every: 100, prompt: 'x', session: { cwd: 'rel' } }, 'session.cwd'],
      [
        { id: 'a', every: 100, prompt: 'x', session: { cwd, approvalHandler: () => 'accept' } },
        'session.approvalHandler',
      ],
      [{ id: 'a', every: 100, prompt: 'x', session: { cwd }, maxRuns: 0 }, 'maxRuns'],
      [{ id: 'a', every: 100, prompt: 'x', session: { cwd }, startAt: new Date('nope') }, 'startAt'],
    ];
    for (const [spec, path] of bad) {
      const error = await t.durable.defineSchedule(spec as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(CodexusError.is(error, 'VALIDATION_FAILED'), path).toBe(true);
      expect((error as CodexusError).data).toMatchObject({ path });
    }
    expect(await t.durable.listSchedules()).toEqual([]);
    await expect(t.durable.getRuns('a', { limit: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      startWorker({ connection: redis.connection, client: h.client, concurrency: 0 }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      data: { path: 'concurrency' },
    });
  });
});
