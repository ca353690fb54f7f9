import { describe, expect, it } from 'vitest';
import { ProcessError } from '../src/errors.js';
import {
  LineProcess,
  type LineProcessOptions,
  type OversizedLine,
  startLineProcess,
} from '../src/line-process.js';
import type { ShutdownEscalation } from '../src/shutdown-ladder.js';

// Real child processes (`node -e`): framing, stderr tail, writes, the ladder, spawn failures.
function node(script: string, options: Partial<LineProcessOptions> = {}) {
  const lines: string[] = [];
  const oversized: OversizedLine[] = [];
  const started = startLineProcess({
    command: process.execPath,
    args: ['-e', script],
    onLine: (text) => lines.push(text),
    onOversizedLine: (line) => oversized.push(line),
    ...options,
  });
  return { started, lines, oversized };
}

describe.skipIf(process.platform === 'win32')('LineProcess with real child processes', () => {
  it('frames stdout lines, keeps a bounded stderr tail and drains stdout before `exited`', async () => {
    const script = `
      process.stdout.write('{"a":1}\\r\\n\\n{"b"');
      process.stdout.write(':2}\\n' + 'tail without newline');
      process.stderr.write('x'.repeat(100000) + 'last words');
      process.exitCode = 4;`;
    const { started, lines } = node(script, { stderrTailBytes: 1024 });
    const child = await started;
    const exit = await child.exited;
    expect(exit).toEqual({ exitCode: 4, signal: null });
    expect(lines).toEqual(['{"a":1}', '{"b":2}', 'tail without newline']);
    expect(child.stderrTail()).toHaveLength(1024);
    expect(child.stderrTail().endsWith('last words')).toBe(true);
  });

  it('cuts a 10 MB line without newline and reports it; only maxLineBytes are ever held', async () => {
    // 10 MB in 64 KiB writes, no newline, then a normal line after one.
    const script = `
      const chunk = 'y'.repeat(65536);
      for (let i = 0; i < 160; i++) process.stdout.write(chunk);
      process.stdout.write('\\nafter\\n');`;
    const { started, lines, oversized } = node(script, { maxLineBytes: 1024 * 1024 });
    const child = await started;
    await child.exited;
    expect(oversized).toEqual([{ bytes: 160 * 65536, preview: 'y'.repeat(200) }]);
    expect(lines).toEqual(['after']);

    // A stream that ends inside the over-long line still reports it.
    const unterminated = node("process.stdout.write('z'.repeat(3 * 1024 * 1024))", { maxLineBytes: 1024 });
    await (await unterminated.started).exited;
    expect(unterminated.oversized).toMatchObject([{ bytes: 3 * 1024 * 1024 }]);
    expect(unterminated.lines).toEqual([]);
  });

  it('writes with backpressure, and a write to a dead process rejects NOT_RUNNING (no EPIPE)', async () => {
    const echo =
      "process.stdin.on('data', (d) => process.stdout.write(d)); process.stdin.on('end', () => {})";
    const { started, lines } = node(echo);
    const child = await started;
    const big = `${'w'.repeat(4 * 1024 * 1024)}\n`;
    await child.write(big);
    await child.write('done\n');
    const exit = await child.stop(1_000);
    expect(exit).toEqual({ exitCode: 0, signal: null });
    expect(lines.map((l) => l.length)).toEqual([4 * 1024 * 1024, 4]);
    expect(child.writable).toBe(false);
    await expect(child.write('late\n')).rejects.toSatisfy((e) => ProcessError.is(e, 'NOT_RUNNING'));
  });

  it('a child that ignores stdin end and SIGTERM gets SIGKILL; each escalation is reported', async () => {
    const stubborn = node(
      "process.on('SIGTERM', () => {}); process.stdin.resume(); process.stdout.write('ready\\n'); setInterval(() => {}, 1000)",
    );
    const child = await stubborn.started;
    await waitFor(() => stubborn.lines.includes('ready'));
    const escalations: ShutdownEscalation[] = [];
    const exit = await child.stop(100, { onEscalate: (e) => escalations.push(e) });
    expect(exit.signal).toBe('SIGKILL');
    expect(escalations.map((e) => e.step)).toEqual(['SIGTERM', 'SIGKILL']);
    // Idempotent: the same outcome again, nothing more sent.
    expect(await child.stop(100)).toBe(exit);

    const deaf = node(
      "process.stdin.resume(); process.stdout.write('ready\\n'); setInterval(() => {}, 1000)",
    );
    const second = await deaf.started;
    await waitFor(() => deaf.lines.includes('ready'));
    expect((await second.stop(100)).signal).toBe('SIGTERM');
  });

  it('a command that cannot start rejects SPAWN_FAILED and `exited` reports the error', async () => {
    const failing = new LineProcess({ command: '/no/such/command', onLine: () => {} });
    const error = await failing.spawned.catch((e: unknown) => e);
    expect(ProcessError.is(error, 'SPAWN_FAILED')).toBe(true);
    expect((error as ProcessError).message).toMatch(/could not start \/no\/such\/command: .*ENOENT/);
    const exit = await failing.exited;
    expect(exit).toMatchObject({ exitCode: null, signal: null, error: { code: 'ENOENT' } });
    await expect(failing.stop(100)).resolves.toBe(exit);
    await expect(failing.write('x')).rejects.toSatisfy((e) => ProcessError.is(e, 'NOT_RUNNING'));
  });
});

/** Polls `condition` every 10 ms, bounded by 5 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not met within 5 s');
}
