import { setTimeout as sleep } from 'node:timers/promises';
import { type ScriptedHarness, type ScriptedHarnessOptions, startScriptedHarness } from '@codexus/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { DurableAutomation, ScheduleInfo } from '../src/index.js';
import { type RedisServer, startRedis } from './redis-server.js';

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`; fails after `ms`, with what
 * `explain` (when given) says about the state it found.
 */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  ms: number,
  what: string,
  explain?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const state = explain ? `; ${await explain().catch((e: unknown) => String(e))}` : '';
      throw new Error(`${what}: not reached within ${ms} ms${state}`);
    }
    await sleep(50);
  }
}

/** The schedule's info once it stopped (completed, failed or removed); fails after `ms`. */
export function scheduleEnded(
  durable: DurableAutomation,
  id: string,
  ms: number,
  what = `schedule ${id} stops`,
): Promise<ScheduleInfo> {
  return until(
    async () => {
      const info = await durable.getSchedule(id);
      return info && info.state !== 'active' ? info : undefined;
    },
    ms,
    what,
  );
}

/** A fresh automation name per test, so tests sharing one Redis never see each other's keys. */
let counter = 0;
export function uniqueName(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}

/** A real Redis and a scripted-model harness for one test file, opened before and closed after it. */
export interface RedisHarness<C> {
  readonly redis: RedisServer;
  readonly h: ScriptedHarness<C>;
  /** A raw client on that Redis, to read and plant ledger keys. */
  readonly raw: Redis;
}

export function useRedisHarness<C = undefined>(options: ScriptedHarnessOptions<C> = {}): RedisHarness<C> {
  const opened: { redis?: RedisServer; h?: ScriptedHarness<C>; raw?: Redis } = {};
  beforeAll(async () => {
    opened.redis = await startRedis();
    opened.raw = new Redis(opened.redis.connection);
    opened.h = await startScriptedHarness(options);
  });
  afterAll(async () => {
    await opened.h?.close();
    opened.raw?.disconnect();
    await opened.redis?.[Symbol.asyncDispose]();
  });
  const get = <K extends keyof typeof opened>(key: K): NonNullable<(typeof opened)[K]> => {
    const value = opened[key];
    if (value === undefined) throw new Error(`${key} is not open yet (use it inside a test)`);
    return value as NonNullable<(typeof opened)[K]>;
  };
  return {
    get redis() {
      return get('redis');
    },
    get h() {
      return get('h');
    },
    get raw() {
      return get('raw');
    },
  };
}
