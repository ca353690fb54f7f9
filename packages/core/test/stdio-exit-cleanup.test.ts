import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { waitForProcessExit } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/stdio-child-exit.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the fixture; resolves with the grandchild's pid once the fixture program has exited. */
function run(mode: 'exit' | 'SIGTERM'): Promise<{ pid: number; code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const parent = spawn(process.execPath, ['--import', tsx, fixture, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      parent.kill('SIGKILL');
      reject(new Error(`the fixture did not exit (stdout: ${out})`));
    }, 20_000);
    parent.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`no pid printed (stdout: ${out})`));
      resolve({ pid: (JSON.parse(line) as { pid: number }).pid, code, signal });
    });
  });
}

describe('a spawned codex never outlives the program (stdio transport exit cleanup)', () => {
  it.each(['exit', 'SIGTERM'] as const)(
    'a child that ignores stdin EOF is killed when the program ends by %s',
    async (mode) => {
      const { pid, code, signal } = await run(mode);
      expect(pid).toEqual(expect.any(Number));
      if (mode === 'SIGTERM')
        expect(signal).toBe('SIGTERM'); // still dies by the signal
      else expect(code).toBe(0);
      await waitForProcessExit(pid, { timeoutMs: 5_000 });
    },
    30_000,
  );
});
