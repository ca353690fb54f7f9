import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Connection, StdioTransport } from '@codexus/core';
import { validateNotification } from '@codexus/protocol';
import { type BenchContext, reps } from './context.js';
import type { Row } from './report.js';
import { median, rotate } from './stats.js';

const SERVER = fileURLToPath(new URL('./fake-app-server.ts', import.meta.url));
const TOTAL = 200_000;
/** Large `item/completed` payloads (4 KiB .. 1 MiB, cycling) among the TOTAL; ~130 MB in all. */
const LARGE = 400;

/** The fake server's command line: this node, with the loader this process runs under (tsx). */
function serverCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [...process.execArgv, SERVER, String(TOTAL), String(LARGE)] };
}

/** Resolves when `count()` reaches TOTAL (checked by the caller's listener through `check`). */
function counter(): { hit(): void; done: Promise<void> } {
  let n = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    hit: () => {
      if (++n === TOTAL) resolve();
    },
    done,
  };
}

/** The baseline: `readline` over the child's stdout and `JSON.parse` per line; ms from "go". */
async function rawRun(): Promise<number> {
  const { command, args } = serverCommand();
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(child, 'spawn');
  const c = counter();
  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    const msg = JSON.parse(line) as { method?: string };
    if (msg.method !== undefined) c.hit();
  });
  const start = performance.now();
  child.stdin.write('go\n');
  await c.done;
  const ms = performance.now() - start;
  child.stdin.end();
  await once(child, 'exit');
  return ms;
}

/** A codexus `Connection` over `StdioTransport`; with `validate`, each notification is validated. */
async function connectionRun(validate: boolean, failures: { count: number }): Promise<number> {
  const { command, args } = serverCommand();
  const connection = new Connection(new StdioTransport({ command, args, env: process.env }));
  await connection.start();
  const c = counter();
  connection.on('*', (n) => {
    if (validate) {
      try {
        validateNotification(n);
      } catch {
        failures.count++;
      }
    }
    c.hit();
  });
  const start = performance.now();
  await connection.notify('go');
  await c.done;
  const ms = performance.now() - start;
  await connection.close();
  return ms;
}

/**
 * 4. Transport throughput: a fake app-server floods TOTAL notifications; messages/s through a
 * codexus Connection with validation off and on, vs readline + JSON.parse on the same child.
 * Timing starts when "go" is sent (the child's startup and prebuild are not measured).
 */
export async function transport(ctx: BenchContext): Promise<Row[]> {
  const rounds = reps(ctx, 3, 1);
  ctx.log(`transport: ${rounds} rounds × 3 sides × ${TOTAL} messages`);
  const failures = { count: 0 };
  const s = await rotate(rounds, 1, {
    raw: rawRun,
    off: () => connectionRun(false, failures),
    on: () => connectionRun(true, failures),
  });
  const rate = (ms: number[]): number => TOTAL / (median(ms) / 1000);
  const base = rate(s.raw);
  const detail = { rounds, messages: TOTAL, large: LARGE, validationFailures: failures.count, msSamples: s };
  return [
    {
      bench: 'transport',
      what: 'Connection, validation on (msg/s)',
      value: rate(s.on),
      unit: 'msg/s',
      baseline: { name: 'readline+JSON.parse', value: base },
      ratio: rate(s.on) / base,
      target: { op: '>=', value: 0.8 },
      detail,
    },
    {
      bench: 'transport',
      what: 'Connection, validation off (msg/s)',
      value: rate(s.off),
      unit: 'msg/s',
      baseline: { name: 'readline+JSON.parse', value: base },
      ratio: rate(s.off) / base,
    },
  ];
}

async function once(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
  await new Promise((resolve) => emitter.once(event, resolve));
}
