import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, leaseToken } from '../src/internal/ledger.js';
import type { StoredSpec } from '../src/types.js';
import { uniqueName, until } from './helpers.js';
import { type RedisServer, redisAvailable, startRedis } from './redis-server.js';

/**
 * The schedule's lease against a real Redis: held per attempt, not per job id, so two workers
 * BullMQ handed the same job (the first one stalled) never share it, and the first one's late
 * refresh or release never touches what the second one holds.
 */
describe.skipIf(!redisAvailable())('the per-attempt schedule lease (real Redis)', () => {
  let redis: RedisServer;
  let raw: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.connection);
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.[Symbol.asyncDispose]();
  });

  async function ledgerWithSchedule() {
    const ledger = new Ledger(raw, uniqueName('lease'));
    const spec: StoredSpec = { id: 's', every: 1_000, prompt: 'p', session: { cwd: '/tmp' } };
    await ledger.putSchedule(spec);
    return ledger;
  }

  it('tokens are unique per attempt of one job, and name the job', () => {
    const a = leaseToken('repeat:s:1', 'w#1');
    const b = leaseToken('repeat:s:1', 'w#1');
    expect(a).not.toBe(b);
    expect(a.startsWith('repeat:s:1#')).toBe(true);
    expect(a.slice('repeat:s:1#'.length)).not.toContain('#');
  });

  it('two attempts of one job: B waits out A, A cannot refresh or release B, no catch-up from it', async () => {
    const ledger = await ledgerWithSchedule();
    const job = 'repeat:s:100';
    const ttl = 400;
    const a = leaseToken(job, 'A');
    const b = leaseToken(job, 'B');

    expect(await ledger.claim('s', job, a, ttl)).toEqual({ ok: true });
    expect(await ledger.claim('s', job, a, ttl)).toEqual({ ok: true }); // the holder again: kept
    // B, the same job handed over while A's lease is live: held by another attempt of the same run.
    expect(await ledger.claim('s', job, b, ttl)).toEqual({ ok: false, holder: job, sameRun: true });
    // ... which is not a collapsed tick: nothing pending for A's release to queue a catch-up for.
    expect(await raw.hget(`${ledger.prefix}:s:s`, 'pending')).toBeNull();
    // A release or refresh with a token that does not hold the lease does nothing.
    expect(await ledger.release('s', b)).toBeUndefined();
    expect(await ledger.refresh('s', b, ttl)).toBe(false);
    expect(await ledger.leaseHolder('s')).toBe(a);
    expect(await ledger.refresh('s', a, ttl)).toBe(true);

    // A stops refreshing (stalled): its lease expires and B takes it.
    await until(async () => (await ledger.leaseHolder('s')) === undefined, 5_000, "A's lease expires");
    expect(await ledger.claim('s', job, b, 10_000)).toEqual({ ok: true });
    // A comes back: its refresh and release are no-ops; B still holds the lease.
    expect(await ledger.refresh('s', a, ttl)).toBe(false);
    expect(await ledger.release('s', a)).toBeUndefined();
    expect(await ledger.leaseHolder('s')).toBe(b);
    expect(await raw.pttl(`${ledger.prefix}:lease:s`)).toBeGreaterThan(ttl); // A's refresh did not shorten it
    // So a third tick still finds the schedule busy: it collapses into the run (by job id).
    const third = 'repeat:s:200';
    expect(await ledger.claim('s', third, leaseToken(third, 'C'), ttl)).toEqual({
      ok: false,
      holder: job,
      sameRun: false,
    });
    // B's release frees it and hands back the collapsed tick (for the one catch-up run).
    expect(await ledger.release('s', b)).toBe(third);
    expect(await ledger.leaseHolder('s')).toBeUndefined();
    expect(await ledger.release('s', b)).toBe(''); // nothing pending any more
  });

  it('a waiting attempt reserves the lease: when it frees, the takeover gets it before a new tick', async () => {
    const ledger = await ledgerWithSchedule();
    const job = 'repeat:s:1';
    const a = leaseToken(job, 'A');
    const b = leaseToken(job, 'B');
    expect(await ledger.claim('s', job, a, 300)).toEqual({ ok: true });
    expect(await ledger.claim('s', job, b, 2_000)).toMatchObject({ sameRun: true }); // reserved for B
    await until(async () => (await ledger.leaseHolder('s')) === undefined, 5_000, "A's lease expires");
    // A new tick comes first: the lease is free but reserved, so it collapses into the run.
    const tick = 'repeat:s:2';
    expect(await ledger.claim('s', tick, leaseToken(tick, 'C'), 2_000)).toEqual({
      ok: false,
      holder: job,
      sameRun: false,
    });
    expect(await ledger.leaseHolder('s')).toBeUndefined();
    expect(await ledger.release('s', a)).toBeUndefined(); // A's late release: reserved for B, nothing
    expect(await ledger.claim('s', job, b, 2_000)).toEqual({ ok: true }); // B, the takeover
    expect(await raw.exists(`${ledger.prefix}:lease-next:s`)).toBe(0);
    expect(await ledger.release('s', b)).toBe(tick); // and its release queues the catch-up
  });

  it('the first attempt finishes and releases: the reservation still goes first; a waiter that gives up drops it', async () => {
    const ledger = await ledgerWithSchedule();
    const job = 'repeat:s:1';
    const a = leaseToken(job, 'A');
    const b = leaseToken(job, 'B');
    expect(await ledger.claim('s', job, a, 5_000)).toEqual({ ok: true });
    expect(await ledger.claim('s', job, b, 5_000)).toMatchObject({ sameRun: true });
    expect(await ledger.release('s', a)).toBe(''); // A's own release: nothing collapsed while it held it
    const tick = 'repeat:s:2';
    expect(await ledger.claim('s', tick, leaseToken(tick, 'C'), 5_000)).toMatchObject({ holder: job });
    // B finds the run final and gives up without the lease: its release drops the reservation and,
    // the lease being free, hands back the collapsed tick.
    expect(await ledger.release('s', b)).toBe(tick);
    expect(await raw.exists(`${ledger.prefix}:lease-next:s`)).toBe(0);
    expect(await ledger.claim('s', tick, leaseToken(tick, 'C'), 5_000)).toEqual({ ok: true });
  });

  it('a collapsed tick stays pending across a stale release until the holder releases', async () => {
    const ledger = await ledgerWithSchedule();
    const job = 'repeat:s:1';
    const a = leaseToken(job, 'A');
    const b = leaseToken(job, 'B');
    expect(await ledger.claim('s', job, a, 200)).toEqual({ ok: true });
    await sleep(300); // expired
    expect(await ledger.claim('s', job, b, 10_000)).toEqual({ ok: true });
    const tick = 'repeat:s:2';
    expect((await ledger.claim('s', tick, leaseToken(tick, 'C'), 10_000)).ok).toBe(false);
    expect(await ledger.release('s', a)).toBeUndefined(); // stale: does not take B's pending tick
    expect(await ledger.release('s', b)).toBe(tick);
  });

  it('an expired lease nobody took: the late release still hands back the collapsed tick', async () => {
    const ledger = await ledgerWithSchedule();
    const job = 'repeat:s:1';
    const a = leaseToken(job, 'A');
    expect(await ledger.claim('s', job, a, 300)).toEqual({ ok: true });
    const tick = 'repeat:s:2';
    expect(await ledger.claim('s', tick, leaseToken(tick, 'C'), 300)).toMatchObject({ holder: job });
    await until(async () => (await ledger.leaseHolder('s')) === undefined, 5_000, 'the lease expires');
    expect(await ledger.release('s', a)).toBe(tick);
  });

  it('a lease held under a bare job id (an older worker) is read as that job', async () => {
    const ledger = await ledgerWithSchedule();
    await raw.set(`${ledger.prefix}:lease:s`, 'repeat:s:7', 'PX', 5_000);
    expect(await ledger.claim('s', 'repeat:s:7', leaseToken('repeat:s:7', 'B'), 5_000)).toEqual({
      ok: false,
      holder: 'repeat:s:7',
      sameRun: true,
    });
    expect(await ledger.claim('s', 'repeat:s:8', leaseToken('repeat:s:8', 'B'), 5_000)).toEqual({
      ok: false,
      holder: 'repeat:s:7',
      sameRun: false,
    });
  });

  it('a late final record never overwrites the final one', async () => {
    const ledger = await ledgerWithSchedule();
    const base = { id: 'r1', scheduleId: 's', tickAt: 1, createdAt: 1, attempts: [] };
    expect(await ledger.finishRun({ ...base, phase: 'finished', outcome: 'ran', text: 'B' })).toBe(1);
    expect(await ledger.finishRun({ ...base, phase: 'finished', outcome: 'ran', text: 'A' })).toBeUndefined();
    await ledger.putRun({ ...base, phase: 'started' });
    expect(await ledger.getRun('r1')).toMatchObject({ phase: 'finished', text: 'B' });
    expect((await ledger.getSchedule('s'))?.runs).toBe(1);
  });
});
