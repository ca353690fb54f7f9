import { describe, expect, it } from 'vitest';
import { ClientPool, type EndpointLoad, pickEndpoint } from '../src/client-pool.js';

const load = (sessions: number, turnsInFlight = 0, healthy = true): EndpointLoad => ({
  healthy,
  sessions,
  turnsInFlight,
});

describe('pickEndpoint (placement policy)', () => {
  it('takes the healthy endpoint with the fewest sessions', () => {
    expect(pickEndpoint([load(3), load(1), load(2)])).toBe(1);
    expect(pickEndpoint([load(3), load(0, 0, false), load(2)])).toBe(2);
  });

  it('breaks ties by turns in flight, then by order', () => {
    expect(pickEndpoint([load(2, 2), load(2, 1), load(2, 1)])).toBe(1);
    expect(pickEndpoint([load(1), load(1), load(1)])).toBe(0);
  });

  it('skips full and unhealthy endpoints; undefined when none qualifies', () => {
    expect(pickEndpoint([load(2), load(1)], 2)).toBe(1);
    expect(pickEndpoint([load(2), load(2)], 2)).toBeUndefined();
    expect(pickEndpoint([load(0, 0, false)])).toBeUndefined();
    expect(pickEndpoint([])).toBeUndefined();
  });

  it('spreads a burst evenly when each placement counts at once', () => {
    const loads = [load(0), load(0), load(0)];
    const placed: number[] = [];
    for (let i = 0; i < 12; i++) {
      const index = pickEndpoint(loads)!;
      placed.push(index);
      loads[index]!.sessions++;
    }
    expect([0, 1, 2].map((i) => placed.filter((p) => p === i).length)).toEqual([4, 4, 4]);
  });
});

describe('ClientPool.connect validation', () => {
  it('refuses an empty endpoint list, a bad limit and credentials in a URL before connecting', async () => {
    await expect(ClientPool.connect({ endpoints: [] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      ClientPool.connect({ endpoints: [{ url: 'ws://127.0.0.1:1' }], maxSessionsPerEndpoint: 0 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      ClientPool.connect({ endpoints: [{ url: 'ws://u:secret@127.0.0.1:1' }] }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
