import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TestkitError } from './errors.js';
import { processAlive, waitForProcessExit } from './process-exit.js';

function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('the child did not spawn');
  return { child, pid: child.pid };
}

describe('waitForProcessExit', () => {
  it('resolves at once for a pid no process has', async () => {
    await expect(waitForProcessExit(2 ** 30, { timeoutMs: 0 })).resolves.toBeUndefined();
  });

  it('resolves once a running process was killed', async () => {
    const { child, pid } = sleeper();
    expect(processAlive(pid)).toBe(true);
    const gone = waitForProcessExit(pid, { timeoutMs: 5_000 });
    setTimeout(() => child.kill('SIGKILL'), 50);
    await expect(gone).resolves.toBeUndefined();
    expect(processAlive(pid)).toBe(false);
  });

  it('rejects with TIMEOUT naming the pid when the process outlives the bound', async () => {
    const { child, pid } = sleeper();
    try {
      const started = performance.now();
      const error = await waitForProcessExit(pid, { timeoutMs: 100 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
      expect(error).toBeInstanceOf(TestkitError);
      expect((error as TestkitError).code).toBe('TIMEOUT');
      expect((error as TestkitError).message).toBe(`process ${pid} still runs after 100 ms`);
      expect((error as TestkitError).data).toEqual({ pid, timeoutMs: 100 });
      expect(processAlive(pid)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
