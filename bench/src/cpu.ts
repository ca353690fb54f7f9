import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Row } from './report.js';

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

/** CPU time, in ms (over some number of calls or turns). */
export interface CpuTotals {
  calls: number;
  /** This process: the client under test plus the in-process scripted model. */
  selfMs: number;
  /** Direct children named `codex` (Linux `/proc`); `undefined` where there is no `/proc`. */
  codexMs: number | undefined;
}

/**
 * Runs `fn` once and returns its value with the CPU used meanwhile by this process and by the codex
 * children. The `/proc` scan itself is kept outside the measured span of this process.
 */
export async function cpuOf<T>(fn: () => Promise<T>): Promise<{ value: T } & Omit<CpuTotals, 'calls'>> {
  const codexBefore = codexChildrenMs();
  const selfBefore = selfMs();
  const value = await fn();
  const selfAfter = selfMs();
  const codexAfter = codexChildrenMs();
  const codexMs =
    codexBefore === undefined || codexAfter === undefined ? undefined : codexAfter - codexBefore;
  return { value, selfMs: selfAfter - selfBefore, codexMs };
}

/**
 * Wraps `fn` so that the CPU used while it runs adds up in `totals`, one call per run. Sides run one
 * at a time, so an idle codex of another side adds ~nothing.
 */
export function cpuMeter(fn: () => Promise<void>): { run: () => Promise<void>; totals: CpuTotals } {
  const totals: CpuTotals = { calls: 0, selfMs: 0, codexMs: 0 };
  return {
    totals,
    run: async () => {
      const used = await cpuOf(fn);
      totals.calls += 1;
      totals.selfMs += used.selfMs;
      totals.codexMs =
        totals.codexMs === undefined || used.codexMs === undefined
          ? undefined
          : totals.codexMs + used.codexMs;
    },
  };
}

/** Rows comparing the CPU per call (or turn) of two sides (this process, then codex when known). */
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
