import { Client } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { DurableAutomation, type RunRecord, startWorker } from '../src/index.js';
import { TICK_JOB_OPTIONS } from '../src/internal/tick.js';
import { scheduleEnded, uniqueName, until, useRedisHarness } from './helpers.js';
import { redisAvailable } from './redis-server.js';

/**
 * Placing a run on its thread (`thread/start`, then `thread/resume`) times out for real: the
 * worker's codex is SIGSTOPped while the tick is taken (a 1 s request timeout), SIGCONTed once the
 * timeout was recorded. A `REQUEST_TIMEOUT` at that stage is transient: the tick is retried and
 * then runs; the schedule never stops over it.
 */
describe.skipIf(!redisAvailable())('a session placement that times out (real codex, real Redis)', () => {
  const rh = useRedisHarness();

  it('thread/start and thread/resume timing out are retried (RunRecord.retries), then the runs finish', {
    timeout: 60_000,
  }, async () => {
    const name = uniqueName('placement');
    await using durable = new DurableAutomation({ connection: rh.redis.connection, name });
    const client = await Client.connect({
      codexHome: rh.h.home.path,
      env: rh.h.home.env,
      requestTimeoutMs: 1_000,
    });
    const pid = (client.runtime.connection.transport as { pid?: number }).pid as number;
    expect(pid).toBeGreaterThan(0);
    const onCleanup: (() => Promise<void>)[] = [];
    let stopped = false;
    const stop = () => {
      process.kill(pid, 'SIGSTOP');
      stopped = true;
    };
    const resume = () => {
      if (stopped) process.kill(pid, 'SIGCONT');
      stopped = false;
    };
    try {
      await using worker = await startWorker({
        connection: rh.redis.connection,
        name,
        client,
        lockDurationMs: 2_000,
      });
      const queue = new Queue(`codexus-${name}`, { connection: { ...rh.redis.connection } });
      onCleanup.push(() => queue.close());
      const runs = async () => (await durable.getRuns('p', { limit: 100 })).reverse();
      /** The first unfinished run with a recorded retry. */
      const retried = () =>
        until(
          async () => (await runs()).find((r) => r.phase !== 'finished' && (r.retries?.length ?? 0) > 0),
          15_000,
          'a run retried after the placement timed out',
        ).catch(async (e: Error) => {
          throw new Error(`${e.message}: ${JSON.stringify(await runs())}`);
        });
      rh.h.model.enqueue(message('first'), message('second'));
      stop(); // the first tick's thread/start will time out
      await durable.defineSchedule({
        id: 'p',
        every: 3_600_000, // one tick now; the second is queued by hand (no other tick in between)
        prompt: 'p',
        session: { cwd: rh.h.workspace.path },
        maxRuns: 2,
      });
      const first = await retried();
      resume();
      await until(
        async () => (await runs()).find((r) => r.id === first.id && r.phase === 'finished'),
        20_000,
        'the first run finishes after the retry',
      );
      stop(); // the next tick's thread/resume will time out
      await queue.add('tick', { scheduleId: 'p' }, { ...TICK_JOB_OPTIONS, jobId: 'second' });
      const second = await retried();
      expect(second.id).not.toBe(first.id);
      resume();
      const final = await scheduleEnded(durable, 'p', 30_000, 'the schedule completes');
      expect(final).toMatchObject({ state: 'completed', runs: 2 });
      const all = await runs();
      expect(all.filter((r) => r.outcome === 'failed' || r.outcome === 'abandoned')).toEqual([]);
      const byId = (id: string) => all.find((r) => r.id === id) as RunRecord;
      const one = byId(first.id);
      const two = byId(second.id);
      expect(one, JSON.stringify(one)).toMatchObject({ outcome: 'ran', text: 'first' });
      expect(two, JSON.stringify(two)).toMatchObject({ outcome: 'ran', text: 'second' });
      for (const [run, method] of [
        [one, 'thread/start'],
        [two, 'thread/resume'],
      ] as const) {
        expect(run.retries?.length).toBeGreaterThanOrEqual(1);
        for (const retry of run.retries ?? []) {
          expect(retry).toMatchObject({ worker: worker.id, error: { code: 'REQUEST_TIMEOUT' } });
          expect(retry.error.message).toContain(method);
        }
        expect(run.attempts).toHaveLength(1); // the timed-out tries never reached a turn
      }
      expect(two.threadId).toBe(one.threadId); // the resume, once it went through, kept the thread
    } finally {
      resume();
      for (const cleanup of onCleanup) await cleanup();
      await client.close();
    }
  });
});
