import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@codexus/runtime';
import { delayed, message } from '@codexus/testkit';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DurableAutomation, startWorker } from '../src/index.js';
import { Ledger } from '../src/internal/ledger.js';
import { uniqueName, until, useRedisHarness } from './helpers.js';
import { redisAvailable } from './redis-server.js';
import { spawnWorker, type WorkerProcess } from './worker-processes.js';

/** Worker A's job lock (ms): its lease lives 4 × this and is refreshed every LOCK_MS. */
const LOCK_MS = 1_000;
/** How long the model takes to answer A's turn (ms): A is paused through most of it. */
const TURN_MS = 3_000;

/**
 * A worker that stalls mid-turn (SIGSTOP: a blocked event loop, as far as BullMQ can tell) loses
 * its job lock; BullMQ hands the same job to worker B while A's lease is still live. B must not run
 * the tick too (the job id is the same, the lease token is not): it waits; A comes back, finishes
 * and records the run; B acknowledges it without a turn of its own.
 */
describe.skipIf(!redisAvailable())(
  'a stalled worker whose job is handed over (real codex, real Redis)',
  () => {
    const rh = useRedisHarness({
      connect: (home) => Client.connect({ codexHome: home.path, env: home.env }),
    });

    it('the second worker waits for the live lease: one attempt, one turn, never two in flight', {
      timeout: 45_000,
    }, async () => {
      const name = uniqueName('stall');
      const ledger = new Ledger(rh.raw, name);
      await using durable = new DurableAutomation({ connection: rh.redis.connection, name });
      const queue = new Queue(`codexus-${name}`, { connection: { ...rh.redis.connection } });
      let a: WorkerProcess | undefined;
      let stopped = false;
      const resumeA = () => {
        if (stopped && a?.child.pid) process.kill(a.child.pid, 'SIGCONT');
        stopped = false;
      };
      try {
        a = await spawnWorker({
          socketPath: rh.redis.socketPath,
          name,
          id: 'A',
          codexHome: rh.h.home.path,
          env: { ...rh.h.home.env },
          lockDurationMs: LOCK_MS,
        });
        const before = rh.h.model.requests.length;
        rh.h.model.enqueue(delayed(TURN_MS, message('slow')));
        await durable.defineSchedule({
          id: 's',
          every: 3_600_000, // one tick
          prompt: 'p',
          session: { cwd: rh.h.workspace.path },
          maxRuns: 1,
        });
        // A's turn reached the model: pause A (its codex goes on and gets the answer).
        const run = await until(
          async () => {
            const r = (await durable.getRuns('s', { limit: 5 }))[0];
            return r?.phase === 'started' && rh.h.model.requests.length > before ? r : undefined;
          },
          20_000,
          "A's turn in flight",
        );
        expect(run.attempts.map((x) => x.worker)).toEqual(['A']);
        process.kill(a.child.pid as number, 'SIGSTOP');
        stopped = true;
        const stoppedAt = Date.now();
        // B: its stalled check finds A's job without a lock and takes it; a short reconcileWaitMs,
        // so a B that treated the run as lost would re-run it (a second turn) while A is paused.
        await using b = await startWorker({
          connection: rh.redis.connection,
          name,
          id: 'B',
          client: rh.h.client,
          lockDurationMs: LOCK_MS,
          stalledIntervalMs: 200,
          reconcileWaitMs: 200,
        });
        await until(
          async () => (await queue.getJob(run.id))?.processedBy === b.id || undefined,
          5_000,
          'B takes the stalled job',
        );
        await sleep(400); // B is in its claim by now
        // A refreshes its lease every LOCK_MS, so it lives at least 3 × LOCK_MS after the pause.
        expect(Date.now() - stoppedAt).toBeLessThan(3 * LOCK_MS - 200);
        const holder = await ledger.leaseHolder('s');
        expect(holder?.startsWith(`${run.id}#A.`), holder).toBe(true); // still A's attempt, not B's
        expect((await ledger.getRun(run.id))?.attempts).toHaveLength(1); // B started nothing
        resumeA();

        // A finishes and records the run; B sees it final and acknowledges the job.
        const done = await until(
          async () => {
            const r = await ledger.getRun(run.id);
            return r?.phase === 'finished' ? r : undefined;
          },
          15_000,
          'the run recorded',
        );
        // A records the run, then releases the lease (its last Redis calls, after it stops the
        // schedule): B may see the record and acknowledge the job first. Waited for within 2 s of the
        // record: a lease A did not release lives at least 3 s more (4 × LOCK_MS, refreshed every
        // LOCK_MS until the run ended), so this still tells A's release from an expiry.
        await until(
          async () => (await ledger.leaseHolder('s')) === undefined || undefined,
          2_000,
          'A releases the lease',
          async () => `held by ${await ledger.leaseHolder('s')}`,
        );
        await until(
          async () => (await queue.getJobCounts('active')).active === 0,
          10_000,
          'the job acknowledged',
        );
        expect(done, JSON.stringify(done)).toMatchObject({ outcome: 'ran', text: 'slow' });
        expect(done.recovery).toBeUndefined();
        expect(done.attempts).toHaveLength(1);
        expect(done.attempts[0]).toMatchObject({ worker: 'A', end: 'finished' });
        expect(rh.h.model.requests.length - before).toBe(1); // one turn reached the model
        expect(await ledger.leaseHolder('s')).toBeUndefined(); // released by A, its holder
        expect((await queue.getJob(run.id))?.finishedOn).toBeGreaterThan(0);
        expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
        const runs = await durable.getRuns('s', { limit: 10 });
        expect(runs.map((r) => r.id)).toEqual([run.id]);
        expect((await durable.getSchedule('s'))?.state).toBe('completed');
      } finally {
        resumeA();
        await a?.kill();
        await queue.close();
      }
    });
  },
);
