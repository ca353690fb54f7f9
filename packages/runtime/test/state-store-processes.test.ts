import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFileStateStore } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/state-writer.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs one writer process to its end (bounded) and returns what it printed. */
function writer(
  path: string,
  id: number,
  count: number,
): Promise<{ failures: { code: unknown; message: string }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, fixture, path, String(id), String(count)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer ${id} did not finish within 20 s; stderr: ${err}`));
    }, 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`writer ${id} exited with ${code}: ${err}`));
      else resolve(JSON.parse(out));
    });
  });
}

describe('JsonFileStateStore: two processes writing one file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'codexus-state-procs-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('no raw fs error escapes, the file is never torn, and nothing is left behind', async () => {
    const path = join(dir, 'state.json');
    const count = 200;
    const results = await Promise.all([writer(path, 1, count), writer(path, 2, count)]);
    for (const { failures } of results) {
      for (const failure of failures) expect(failure.code, failure.message).toBe('CONFLICT');
    }
    const final = await new JsonFileStateStore(path).load();
    const { writer: who, i } = final!.state as unknown as { writer: string; i: number };
    expect(final!.takenAtMs).toBe(Number(who) * 1_000_000 + i);
    expect(['1', '2']).toContain(who);
    expect((await fs.readdir(dir)).filter((n) => n !== 'state.json')).toEqual([]);
  });
});
