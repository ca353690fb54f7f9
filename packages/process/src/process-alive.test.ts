import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processAlive } from './process-alive.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A child that sleeps until killed. */
function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('the child did not spawn');
  return { child, pid: child.pid };
}

function killError(code: string): Error {
  return Object.assign(new Error(`kill ${code}`), { code });
}

describe('processAlive', () => {
  it('is true for this process', () => {
    expect(processAlive(process.pid)).toBe(true);
  });

  it('is true for a running child and false once it was killed and reaped', async () => {
    const { child, pid } = sleeper();
    try {
      expect(processAlive(pid)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
    await once(child, 'exit');
    expect(processAlive(pid)).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self/stat'))('is false for a zombie (exited, not yet reaped)', async () => {
    // `sh` forks a child that exits at once and is never waited for while `sh` sleeps.
    const parent = spawn('/bin/sh', ['-c', 'sleep 0.01 & echo $!; exec sleep 30'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
      const pid = Number(chunk.toString('utf8').trim());
      expect(pid).toBeGreaterThan(0);
      await expect.poll(() => processAlive(pid), { timeout: 5_000, interval: 20 }).toBe(false);
      expect(processAlive(parent.pid as number)).toBe(true); // the parent itself runs
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('is false for a pid no process has (ESRCH)', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => {
      throw killError('ESRCH');
    });
    expect(processAlive(4_000_000)).toBe(false);
    expect(kill).toHaveBeenCalledWith(4_000_000, 0);
  });

  it('is false for a pid above any real one, without a mock', () => {
    // Linux caps pids at 2^22; other systems lower still.
    expect(processAlive(2 ** 30)).toBe(false);
  });

  it('is true when the process exists but belongs to another user (EPERM)', () => {
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw killError('EPERM');
    });
    expect(processAlive(4_000_001)).toBe(true);
  });

  it('is false for any other failure of the signal test', () => {
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw killError('EINVAL');
    });
    expect(processAlive(4_000_002)).toBe(false);
  });

  it('is false for pids that name no single process, without signalling anything', () => {
    const kill = vi.spyOn(process, 'kill');
    for (const pid of [0, -1, -process.pid, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(processAlive(pid), String(pid)).toBe(false);
    }
    expect(kill).not.toHaveBeenCalled();
  });
});
