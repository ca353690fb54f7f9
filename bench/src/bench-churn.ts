import { readdirSync, readFileSync } from 'node:fs';
import type { StdioTransport } from '@codexus/core';
import { Client } from '@codexus/runtime';
import { message } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { cpuOf } from './cpu.js';
import { expectText, hermetic } from './hermetic.js';
import type { Row } from './report.js';
import { median, timed } from './stats.js';

/** What codex holds after some number of sessions came and went. */
interface Mark {
  sessions: number;
  /** Median time of the last `WINDOW` sessions (start + one turn + close), ms. */
  sessionMs: number;
  rssBytes: number | undefined;
  fds: number | undefined;
  /** `thread/loaded/list`: threads codex still holds in memory. */
  loadedThreads: number;
  /**
   * Mean CPU per session over the last `cpuWindow` sessions, ms: codex's, and this process's (the
   * client and the scripted model). A starved machine stretches the wall time, not these.
   */
  codexCpuMs: number | undefined;
  selfCpuMs: number;
}

const WINDOW = 10;

/**
 * Churn: one Client creates a Session, runs one turn and closes it, again and again. A closed
 * session must not leave its thread loaded in codex: codex's RSS, open fds, the time per session and
 * the CPU per session (codex's and this process's) after N sessions are compared with the same
 * figures after N/10 (one run, one codex). The CPU rows tell growth from a starved machine, which
 * stretches the time per session only.
 */
export async function churn(ctx: BenchContext): Promise<Row[]> {
  const total = reps(ctx, 500, 100);
  const early = total / 10;
  const h = await hermetic({
    connect: (home) => Client.connect({ codexHome: home.path, env: home.env, codexBin: ctx.codexBin }),
  });
  try {
    const pid = (h.client.runtime.connection.transport as StdioTransport).pid;
    ctx.log(`churn: ${total} × (startSession, one turn, close) on one codex (pid ${pid})`);
    const times: number[] = [];
    const cpu: { selfMs: number; codexMs: number | undefined }[] = [];
    // The first session starts codex's first thread (warm-up); the early window leaves it out.
    const cpuWindow = early - 1;
    const meanOf = (xs: (number | undefined)[]): number | undefined =>
      xs.some((x) => x === undefined) ? undefined : xs.reduce<number>((a, x) => a + (x ?? 0), 0) / xs.length;
    const marks: Mark[] = [];
    for (let i = 1; i <= total; i++) {
      h.model.enqueue(message('ok'));
      const used = await cpuOf(() =>
        timed(async () => {
          const session = await h.client.startSession({ cwd: h.workspace.path });
          expectText((await session.ask('hi')).text, 'ok', 'ask');
          await session.close();
        }),
      );
      times.push(used.value);
      cpu.push({ selfMs: used.selfMs, codexMs: used.codexMs });
      if (i === early || i === total) {
        const loaded = await h.client.runtime.request('thread/loaded/list', {});
        const last = cpu.slice(-cpuWindow);
        marks.push({
          sessions: i,
          sessionMs: median(times.slice(-WINDOW)),
          rssBytes: pid === undefined ? undefined : rssOf(pid),
          fds: pid === undefined ? undefined : fdsOf(pid),
          loadedThreads: loaded.data.length,
          codexCpuMs: meanOf(last.map((c) => c.codexMs)),
          selfCpuMs: meanOf(last.map((c) => c.selfMs)) ?? 0,
        });
      }
      if (i % 100 === 0) ctx.log(`churn: ${i} sessions`);
    }
    const [at, end] = marks as [Mark, Mark];
    const base = `after ${at.sessions} sessions`;
    const mib = (b: number | undefined): number | undefined => (b === undefined ? undefined : b / 2 ** 20);
    /** A row comparing `end` with `at` for one figure (skipped where /proc has none). */
    const compare = (
      what: string,
      unit: string,
      pick: (m: Mark) => number | undefined,
      target?: number,
    ): Row[] => {
      const [was, now] = [pick(at), pick(end)];
      if (was === undefined || now === undefined) return [];
      return [
        {
          bench: 'churn',
          what: `${what} after ${end.sessions} sessions`,
          value: now,
          unit,
          baseline: { name: base, value: was },
          ratio: was === 0 ? undefined : now / was,
          ...(target === undefined ? {} : { target: { op: '<=' as const, value: target } }),
        },
      ];
    };
    const rows: Row[] = [
      ...compare(`time per session (median of the last ${WINDOW})`, 'ms', (m) => m.sessionMs, 1.2),
      ...compare(`codex CPU per session (mean of the last ${cpuWindow})`, 'ms CPU', (m) => m.codexCpuMs),
      ...compare(
        `CPU per session in this process (mean of the last ${cpuWindow})`,
        'ms CPU',
        (m) => m.selfCpuMs,
      ),
      ...compare('codex RSS', 'MiB', (m) => mib(m.rssBytes), 1.2),
      ...compare('codex open fds', 'fds', (m) => m.fds),
      ...compare('threads still loaded', 'threads', (m) => m.loadedThreads),
    ];
    rows[0]!.detail = { total, early, marks };
    return rows;
  } finally {
    await h.close();
  }
}

/** Resident set size from `/proc/<pid>/status` (Linux), bytes. */
function rssOf(pid: number): number | undefined {
  try {
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

function fdsOf(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}
