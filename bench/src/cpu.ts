import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Row } from './report.js';

/** CPU time used so far, in ms: this process, and the live `codex` processes it started. */
export interface CpuSample {
  /** This process: the client under test plus the in-process scripted model. */
  selfMs: number;
  /** Direct children named `codex` (Linux `/proc`); `undefined` where there is no `/proc`. */
  codexMs: number | undefined;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Sums utime + stime of this process's direct children whose command is `codex` (10 ms ticks). */
function codexChildrenMs(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid ... utime(14) stime(15): split after the command, which may hold spaces.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    if (comm !== 'codex' || Number(fields[1]) !== process.pid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / clockTicks();
}

function selfMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export function cpuSample(): CpuSample {
  return { selfMs: selfMs(), codexMs: codexChildrenMs() };
}

/** Average CPU per call of a {@link cpuMeter}, in ms. */
export interface CpuTotals {
  calls: number;
  selfMs: number;
  codexMs: number | undefined;
}

/**
 * Wraps `fn` so that the CPU used while it runs (this process, and the codex children) adds up in
 * `totals`. Sides run one at a time, so an idle codex of another side adds ~nothing. The `/proc`
 * scan itself is kept outside the measured span of this process.
 */
export function cpuMeter(fn: () => Promise<void>): { run: () => Promise<void>; totals: CpuTotals } {
  const totals: CpuTotals = { calls: 0, selfMs: 0, codexMs: 0 };
  return {
    totals,
    run: async () => {
      const codexBefore = codexChildrenMs();
      const selfBefore = selfMs();
      await fn();
      const selfAfter = selfMs();
      const codexAfter = codexChildrenMs();
      totals.calls += 1;
      totals.selfMs += selfAfter - selfBefore;
      totals.codexMs =
        totals.codexMs === undefined || codexBefore === undefined || codexAfter === undefined
          ? undefined
          : totals.codexMs + (codexAfter - codexBefore);
    },
  };
}

/** Rows comparing the CPU per call of two metered sides (this process, then codex when known). */
export function cpuRows(
  bench: string,
  side: { name: string; totals: CpuTotals },
  baseline: { name: string; totals: CpuTotals },
): Row[] {
  const per = (t: CpuTotals, key: 'selfMs' | 'codexMs'): number => (t[key] ?? Number.NaN) / t.calls;
  const row = (key: 'selfMs' | 'codexMs', what: string): Row => ({
    bench,
    what: `${what} (${side.name})`,
    value: per(side.totals, key),
    unit: 'ms CPU',
    baseline: { name: baseline.name, value: per(baseline.totals, key) },
    ratio: per(side.totals, key) / per(baseline.totals, key),
    detail: { calls: side.totals.calls, side: side.totals, baseline: baseline.totals },
  });
  const rows = [row('selfMs', 'CPU per turn in this process: client + scripted model')];
  if (side.totals.codexMs !== undefined && baseline.totals.codexMs !== undefined)
    rows.push(row('codexMs', 'codex CPU per turn'));
  return rows;
}
