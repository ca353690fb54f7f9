import { compareVersions } from '@codexus/core';
import { Client } from '@codexus/runtime';
import { codexBinVersion, delayed, message } from '@codexus/testkit';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DurableAutomation, type RunRecord, startWorker } from '../src/index.js';
import { Ledger } from '../src/internal/ledger.js';
import { TICK_JOB_OPTIONS } from '../src/internal/tick.js';
import { uniqueName, until, useRedisHarness } from './helpers.js';
import { redisAvailable } from './redis-server.js';

/**
 * The reconcile paths a kill rarely hits on cue, driven directly: an unfinished record (as a worker
 * killed at that point leaves it) and its tick job handed to a live worker, as BullMQ's stalled
 * check does.
 */
describe.skipIf(!redisAvailable())('reconciling a lost run against the real codex', () => {
  const rh = useRedisHarness({
    connect: (home) => Client.connect({ codexHome: home.path, env: home.env }),
  });

  /** A schedule that never ticks by itself, a worker, and a way to hand it a lost run. */
  async function setup() {
    const name = uniqueName('r');
    const durable = new DurableAutomation({ connection: rh.redis.connection, name });
    const startAt = new Date(Date.now() + 3_600_000);
    await durable.defineSchedule({
      id: 's',
      every: 3_600_000,
      startAt,
      prompt: 'work',
      session: { cwd: rh.h.workspace.path },
    });
    const worker = await startWorker({
      connection: rh.redis.connection,
      name,
      client: rh.h.client,
      lockDurationMs: 2_000,
      reconcileWaitMs: 15_000,
    });
    const queue = new Queue(`codexus-${name}`, { connection: { ...rh.redis.connection } });
    const ledger = new Ledger(rh.raw, name);
    /** Writes `run` unfinished, queues its tick, and waits for the worker to finish it. */
    const handOver = async (run: RunRecord) => {
      await ledger.putRun(run);
      await ledger.setThread('s', run.threadId as string, 'dead-worker');
      await queue.add('tick', { scheduleId: 's' }, { ...TICK_JOB_OPTIONS, jobId: run.id });
      return until(
        async () => {
          const done = await ledger.getRun(run.id);
          return done?.phase === 'finished' ? done : undefined;
        },
        30_000,
        `run ${run.id} reconciled`,
      );
    };
    return {
      durable,
      handOver,
      [Symbol.asyncDispose]: async () => {
        await worker.close();
        await queue.close();
        await durable.close();
      },
    };
  }

  /** A turn that ran to completion on a new thread (the session closed again). */
  async function completedTurn(text: string) {
    const session = await rh.h.client.startSession({ cwd: rh.h.workspace.path });
    rh.h.model.enqueue(message(text));
    try {
      return await session.ask('work');
    } finally {
      await session.close();
    }
  }

  function lostRun(threadId: string, turnId: string, attempts: number): RunRecord {
    const now = Date.now();
    return {
      id: `lost-${turnId}`,
      scheduleId: 's',
      phase: 'started',
      tickAt: now,
      createdAt: now,
      threadId,
      turnId,
      attempts: Array.from({ length: attempts }, () => ({
        worker: 'dead-worker',
        threadId,
        turnId,
        startedAt: now,
      })),
    };
  }

  it('the turn completed before the worker died: recorded from the thread, not run again', async () => {
    await using t = await setup();
    const turn = await completedTurn('done before the kill');
    const before = rh.h.model.requests.length;
    const run = await t.handOver(lostRun(turn.threadId, turn.turnId, 1));
    expect(run).toMatchObject({
      outcome: 'recovered',
      status: 'completed',
      text: 'done before the kill',
      turnId: turn.turnId,
      recovery: { action: 'recordedFromThread' },
    });
    expect(run.attempts[0]?.end).toBe('lost');
    expect(rh.h.model.requests.length).toBe(before); // no second turn
    expect((await t.durable.getSchedule('s'))?.lastRun?.id).toBe(run.id);
  });

  it('the turn is not in the thread: run once more, with the reason', async () => {
    await using t = await setup();
    const turn = await completedTurn('first');
    rh.h.model.enqueue(message('again'));
    const run = await t.handOver(lostRun(turn.threadId, 'no-such-turn', 1));
    expect(run).toMatchObject({
      outcome: 'rerun',
      text: 'again',
      threadId: turn.threadId,
      recovery: { action: 'rerun' },
    });
    expect(run.recovery?.reason).toContain('mid-turn');
    expect(run.attempts.map((a) => a.end)).toEqual(['lost', 'finished']);
  });

  it('lost again after its one re-run: abandoned with the reason, no third turn', async () => {
    await using t = await setup();
    const turn = await completedTurn('first');
    const before = rh.h.model.requests.length;
    const run = await t.handOver(lostRun(turn.threadId, 'gone-twice', 2));
    expect(run).toMatchObject({ outcome: 'abandoned', recovery: { action: 'abandoned' } });
    expect(run.recovery?.reason).toContain('already re-run once');
    expect(rh.h.model.requests.length).toBe(before);
  });

  it('lost between turn/start and the turn id: the turn started after the intent is recorded, not re-run', async () => {
    await using t = await setup();
    const prior = await completedTurn('before the intent');
    const intentAt = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    const turn = await completedTurn('after the intent');
    expect(turn.threadId).not.toBe(prior.threadId);
    const before = rh.h.model.requests.length;
    const run: RunRecord = {
      id: `intent-${turn.turnId}`,
      scheduleId: 's',
      phase: 'intent',
      tickAt: intentAt,
      createdAt: intentAt,
      threadId: turn.threadId,
      attempts: [{ worker: 'dead-worker', threadId: turn.threadId, startedAt: intentAt }],
    };
    const done = await t.handOver(run);
    expect(done, JSON.stringify(done)).toMatchObject({
      outcome: 'recovered',
      text: 'after the intent',
      turnId: turn.turnId,
      recovery: { action: 'recordedFromThread' },
    });
    expect(done.recovery?.reason).toContain('before it recorded the turn id');
    expect(done.attempts).toEqual([expect.objectContaining({ end: 'lost', turnId: turn.turnId })]);
    expect(rh.h.model.requests.length).toBe(before); // no second turn
  });

  it('an intent with no turn after it in the thread: run once (nothing had started)', async () => {
    await using t = await setup();
    const prior = await completedTurn('older turn');
    const intentAt = Date.now() + 5;
    await new Promise((r) => setTimeout(r, 20));
    rh.h.model.enqueue(message('the run'));
    const done = await t.handOver({
      id: `intent-none-${prior.turnId}`,
      scheduleId: 's',
      phase: 'intent',
      tickAt: intentAt,
      createdAt: intentAt,
      threadId: prior.threadId,
      attempts: [{ worker: 'dead-worker', threadId: prior.threadId, startedAt: intentAt }],
    });
    expect(done, JSON.stringify(done)).toMatchObject({ outcome: 'rerun', text: 'the run' });
    expect(done.recovery?.reason).toContain('no turn in the thread after its intent');
  });

  it('a stalled, not dead, worker: its turn still runs in its codex; reconcile waits and records it, no second turn', async () => {
    await using t = await setup();
    // The stalled worker's codex: another process on the same CODEX_HOME, its turn in flight.
    const stalled = await Client.connect({ codexHome: rh.h.home.path, env: rh.h.home.env });
    try {
      const session = await stalled.startSession({ cwd: rh.h.workspace.path });
      rh.h.model.enqueue(delayed(2_000, message('finished late')));
      const before = rh.h.model.requests.length + 1; // the stalled turn's request
      const stream = session.askStream('work');
      const turnId = await stream.turnIdReady;
      const reconciled = t.handOver(lostRun(session.threadId, turnId, 1));
      const result = await stream.result;
      await session.close(); // the stalled worker records nothing (its job was taken over) and lets go
      // codex before 0.165 keeps a thread held until the process that opened it exits.
      const releasesOnClose = compareVersions(codexBinVersion(), '0.165.0') >= 0;
      if (!releasesOnClose) await stalled.close();
      const run = await reconciled;
      expect(run, JSON.stringify(run)).toMatchObject({
        outcome: 'recovered',
        text: result.text,
        turnId,
        recovery: { action: 'recordedFromThread' },
      });
      expect(run.recovery?.reason).toContain('stalled');
      expect(rh.h.model.requests.length).toBe(before); // the one request of the stalled turn
    } finally {
      await stalled.close();
    }
  });
});
