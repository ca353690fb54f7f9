import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { median, p95, pairedRatio, round } from './stats.js';

/** One line of the results table. */
export interface Row {
  /** Benchmark name (`--only` selects by it). */
  bench: string;
  /** What was measured, e.g. "warm turn, median". */
  what: string;
  /** The codexus figure. */
  value: number;
  unit: string;
  /** The same figure for the baseline measured in the same run. */
  baseline?: { name: string; value: number };
  /** A ratio and the direction that is good ("≤ 1.05" means lower is better). */
  ratio?: number;
  /** The ~95% confidence interval of `ratio`, when it is estimated from paired rounds. */
  interval?: [number, number];
  target?: { op: '<=' | '>='; value: number };
  /** Free-form detail for the JSON (samples, counts, ...). */
  detail?: Record<string, unknown>;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  codex: string;
  /** 1-minute load average when the run started: these machines are shared and noisy. */
  loadAverage: number;
}

export function machine(codexBin: string): Machine {
  const cpu = cpus();
  let codex = 'unknown';
  try {
    codex = execFileSync(codexBin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    codex,
    loadAverage: round(loadavg()[0] ?? 0, 1),
  };
}

/**
 * A row comparing two interleaved latency samples (ms): the figures are each side's median; the ratio
 * (side / baseline) is the paired Hodges-Lehmann estimate over the rounds, with its ~95% interval
 * (`pairedRatio`); the plain ratio of the medians stays in `detail.ratioOfMedians`.
 */
export function latencyRow(
  bench: string,
  what: string,
  samples: Record<string, number[]>,
  side: string,
  baseline: { key: string; name: string },
  target?: Row['target'],
): Row {
  const value = median(samples[side]!);
  const base = median(samples[baseline.key]!);
  const p95s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, p95(v)]));
  return {
    bench,
    what,
    value,
    unit: 'ms',
    baseline: { name: baseline.name, value: base },
    ...pairedFields(samples[side]!, samples[baseline.key]!),
    ...(target ? { target } : {}),
    detail: { rounds: samples[side]!.length, ratioOfMedians: value / base, p95: p95s, samples },
  };
}

/** `ratio` (numerator / denominator, paired by round) and its `interval`, for a {@link Row}. */
export function pairedFields(
  numerator: readonly number[],
  denominator: readonly number[],
): Required<Pick<Row, 'ratio' | 'interval'>> {
  const r = pairedRatio(numerator, denominator);
  return { ratio: r.ratio, interval: [r.low, r.high] };
}

export function met(row: Row): boolean | undefined {
  if (row.ratio === undefined || !row.target) return undefined;
  return row.target.op === '<=' ? row.ratio <= row.target.value : row.ratio >= row.target.value;
}

/** The results as a Markdown table (also readable on a terminal). */
export function table(rows: readonly Row[]): string {
  const head = ['bench', 'measurement', 'codexus', 'baseline', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [
    r.bench,
    r.what,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline ? `${fmt(r.baseline.value)} ${r.unit} (${r.baseline.name})` : '',
    r.ratio === undefined
      ? ''
      : `${fmt(r.ratio)}×${r.interval ? ` (${fmt(r.interval[0])}–${fmt(r.interval[1])})` : ''}`,
    r.target ? `${r.target.op === '<=' ? '≤' : '≥'} ${r.target.value}` : '',
    { true: 'yes', false: 'NO', undefined: '' }[String(met(r))] ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}

function fmt(n: number): string {
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return String(round(n, Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2));
}

export async function writeJson(path: string, data: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
}
