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

/** A paired ratio estimate with its ~95% confidence interval. */
export interface PairedRatio {
  ratio: number;
  low: number;
  high: number;
}

/**
 * The ratio `side / baseline` of two samples paired by index (round `i` of {@link rotate} ran both
 * sides under the same machine noise): the Hodges-Lehmann estimate of the log ratios (the median of
 * all pairwise means of `ln(side[i] / baseline[i])`, Walsh averages), with the distribution-free
 * ~95% interval from the Wilcoxon signed-rank statistic (normal approximation). Robust to outlier
 * rounds like a median, but it uses the pairing: a slow round slows both sides and cancels out.
 */
export function pairedRatio(side: readonly number[], baseline: readonly number[]): PairedRatio {
  const n = Math.min(side.length, baseline.length);
  if (n === 0) return { ratio: Number.NaN, low: Number.NaN, high: Number.NaN };
  const d: number[] = [];
  for (let i = 0; i < n; i++) d.push(Math.log(side[i]! / baseline[i]!));
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((d[i]! + d[j]!) / 2);
  walsh.sort((a, b) => a - b);
  const m = walsh.length;
  const mid = m % 2 === 1 ? walsh[(m - 1) / 2]! : (walsh[m / 2 - 1]! + walsh[m / 2]!) / 2;
  // Ranks k..m-k+1 (1-based) of the sorted Walsh averages bound the interval.
  const k = Math.max(1, Math.floor(m / 2 - 1.96 * Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24)));
  return { ratio: Math.exp(mid), low: Math.exp(walsh[k - 1]!), high: Math.exp(walsh[m - k]!) };
}

/** Rounds to `digits` decimals (for printing and JSON). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
