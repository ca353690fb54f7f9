import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchAppServer } from '@codexus/core';
import { Client, ClientPool } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { DurableAutomation, type DurableEvent, type RunRecord, startWorker } from '../src/index.js';
import { scheduleEnded, uniqueName, until, useRedisHarness } from './helpers.js';
import { redisAvailable } from './redis-server.js';

/**
 * A worker whose codex goes away: it pauses, retries the tick with backoff and records it, and
 * resumes once its client is healthy again; the schedule never stops over it.
 */
describe.skipIf(!redisAvailable())('a worker whose codex goes away (real codex, real Redis)', () => {
  const rh = useRedisHarness();

  /** Runs a 3-run schedule on `name`; `outage` runs after the first run; returns the runs and events. */
  async function scheduleThrough(name: string, outage: () => Promise<void>) {
    await using durable = new DurableAutomation({ connection: rh.redis.connection, name });
    const events: DurableEvent[] = [];
    const stop = new AbortController();
    void (async () => {
      for await (const e of durable.events({ signal: stop.signal, fromStart: true })) events.push(e);
    })();
    rh.h.model.enqueue(message('one'), message('two'), message('three'));
    await durable.defineSchedule({
      id: 'out',
      every: 300,
      prompt: 'p',
      session: { cwd: rh.h.workspace.path },
      maxRuns: 3,
    });
    await until(async () => ((await durable.getSchedule('out'))?.runs ?? 0) >= 1, 15_000, 'the first run');
    await outage();
    const final = await scheduleEnded(durable, 'out', 60_000, 'the schedule completes after the outage');
    const runs = (await durable.getRuns('out', { limit: 100 })).reverse();
    await until(async () => events.some((e) => e.type === 'workerResumed'), 10_000, 'workerResumed');
    stop.abort();
    return { final, runs, events };
  }

  function expectRetried(runs: RunRecord[], events: DurableEvent[], worker: string) {
    expect(runs.filter((r) => r.outcome === 'failed')).toEqual([]);
    const ran = runs.filter((r) => r.outcome === 'ran').sort((a, b) => a.finishedAt! - b.finishedAt!);
    expect(ran.map((r) => r.text)).toEqual(['one', 'two', 'three']); // a retried tick may run after a later one
    const retried = runs.filter((r) => (r.retries?.length ?? 0) > 0);
    expect(retried.length, JSON.stringify(runs)).toBeGreaterThanOrEqual(1);
    for (const r of retried) {
      for (const retry of r.retries ?? [])
        expect(retry).toMatchObject({ worker, error: { code: 'CONNECTION_CLOSED' } });
    }
    const types = events.filter((e) => 'worker' in e && e.worker === worker).map((e) => e.type);
    expect(types.indexOf('workerPaused')).toBeGreaterThanOrEqual(0);
    expect(types.indexOf('workerResumed')).toBeGreaterThan(types.indexOf('workerPaused'));
  }

  it('clientFactory: codex killed; the worker pauses, gets a new codex, resumes; the schedule completes', async () => {
    const name = uniqueName('kill');
    const clients: Client[] = [];
    const errors: Error[] = [];
    await using worker = await startWorker({
      connection: rh.redis.connection,
      name,
      lockDurationMs: 2_000,
      clientFactory: async () => {
        const client = await Client.connect({ codexHome: rh.h.home.path, env: rh.h.home.env });
        clients.push(client);
        return client;
      },
      onError: (e) => errors.push(e),
    });
    const { final, runs, events } = await scheduleThrough(name, async () => {
      const pid = (clients[0]!.runtime.connection.transport as { pid?: number }).pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid!, 'SIGKILL');
      await until(async () => worker.paused, 10_000, 'the worker pauses');
    });
    expect(final).toMatchObject({ state: 'completed', runs: 3 });
    expect(clients.length).toBe(2); // a new codex from the factory
    expect(worker.paused).toBe(false);
    expect(errors.some((e) => /paused/.test(e.message))).toBe(true);
    // The kill is seen at once (the runtime closes): the worker pauses before taking a tick, or the
    // tick in hand is retried. Either way nothing failed and the record says what happened.
    expect(runs.filter((r) => r.outcome === 'failed')).toEqual([]);
    const types = events.map((e) => e.type);
    expect(types).toContain('workerPaused');
    expect(types.indexOf('workerResumed')).toBeGreaterThan(types.indexOf('workerPaused'));
  });

  it('a ClientPool worker: its app-server goes down and comes back; ticks are retried, recorded, then run', async () => {
    const name = uniqueName('pool');
    const dir = await mkdtemp(join(tmpdir(), 'codexus-pool-'));
    const listen = `unix://${join(dir, 'app.sock')}`;
    const launch = () =>
      launchAppServer({ codexHome: rh.h.home.path, env: rh.h.home.env, listen, auth: 'none' });
    let server = await launch();
    try {
      await using worker = await startWorker({
        connection: rh.redis.connection,
        name,
        lockDurationMs: 2_000,
        clientFactory: () =>
          ClientPool.connect({
            endpoints: [server.remote],
            reconnect: { baseDelayMs: 100, maxDelayMs: 400 },
          }),
      });
      const { final, runs, events } = await scheduleThrough(name, async () => {
        await server.close();
        await until(async () => worker.paused, 10_000, 'the worker pauses');
        await new Promise((r) => setTimeout(r, 1_000)); // ticks fall due meanwhile
        await rm(join(dir, 'app.sock'), { force: true });
        server = await launch();
      });
      expect(final).toMatchObject({ state: 'completed', runs: 3 });
      expectRetried(runs, events, worker.id);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a given client (no clientFactory) whose codex dies: the worker closes with a clear error; the schedule stays', async () => {
    const name = uniqueName('gone');
    await using durable = new DurableAutomation({ connection: rh.redis.connection, name });
    const client = await Client.connect({ codexHome: rh.h.home.path, env: rh.h.home.env });
    const errors: Error[] = [];
    try {
      await using worker = await startWorker({
        connection: rh.redis.connection,
        name,
        client,
        lockDurationMs: 2_000,
        onError: (e) => errors.push(e),
      });
      rh.h.model.enqueue(message('only'));
      await durable.defineSchedule({
        id: 'g',
        every: 300,
        prompt: 'p',
        session: { cwd: rh.h.workspace.path },
      });
      await until(async () => ((await durable.getSchedule('g'))?.runs ?? 0) >= 1, 15_000, 'the first run');
      process.kill((client.runtime.connection.transport as { pid?: number }).pid!, 'SIGKILL');
      await until(async () => worker.closed, 15_000, 'the worker closes itself');
      const closedError = errors.find((e) => /no clientFactory/.test(e.message));
      expect(closedError, errors.map((e) => e.message).join('; ')).toMatchObject({
        code: 'CONNECTION_CLOSED',
      });
      const events: DurableEvent[] = [];
      const stop = new AbortController();
      void (async () => {
        for await (const e of durable.events({ signal: stop.signal, fromStart: true })) events.push(e);
      })();
      const closed = await until(
        async () => events.find((e) => e.type === 'workerClosed'),
        5_000,
        'the workerClosed event',
      );
      stop.abort();
      expect(closed).toMatchObject({ worker: worker.id, error: { code: 'CONNECTION_CLOSED' } });
      const info = await durable.getSchedule('g');
      expect(info?.state).toBe('active'); // a dead codex is not the schedule's fault
      expect((await durable.getRuns('g', { limit: 100 })).filter((r) => r.outcome === 'failed')).toEqual([]);
      await durable.removeSchedule('g');
    } finally {
      await client.close();
    }
  });
});
