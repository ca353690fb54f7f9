import { percentile } from '@codexus/core/internal';

/** Median (nearest rank) of a sample, in the sample's unit. */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function p95(values: readonly number[]): number {
  return percentile(values, 0.95);
}

/** Milliseconds taken by `fn`. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs every side once per round, in an order that rotates each round (so no side always goes
 * first), `rounds` times after `warmup` discarded rounds, and returns each side's sample: the
 * number each call resolved with (its own measurement). Interleaving keeps all sides under the
 * same machine noise.
 */
export async function rotate<K extends string>(
  rounds: number,
  warmup: number,
  sides: Record<K, () => Promise<number>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(sides) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < warmup + rounds; i++) {
    for (let j = 0; j < keys.length; j++) {
      const key = keys[(i + j) % keys.length]!;
      const value = await sides[key]();
      if (i >= warmup) out[key].push(value);
    }
  }
  return out;
}

/** {@link rotate} with each side timed as a whole (ms). */
export function interleave<K extends string>(
  rounds: number,
  warmup: number,
  sides: Record<K, () => Promise<unknown>>,
): Promise<Record<K, number[]>> {
  const timedSides = Object.fromEntries(
    Object.entries<() => Promise<unknown>>(sides).map(([k, fn]) => [k, () => timed(fn)]),
  ) as Record<K, () => Promise<number>>;
  return rotate(rounds, warmup, timedSides);
}

/** Rounds to `digits` decimals (for printing and JSON). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
