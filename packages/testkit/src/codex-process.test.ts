import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCodex } from './codex-process.js';

// Fake app-servers (shell scripts) to test the client without codex: framing, routing, shutdown.
const dir = mkdtempSync(join(tmpdir(), 'codexus-fake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fake(name: string, script: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('startCodex with a fake server', () => {
  it('routes responses, notifications and server requests by shape; keeps non-JSON lines and stderr', async () => {
    // Answers the first line (initialize, id 1) after printing a notification, a server request with
    // id 0 (ids overlap with ours), a non-JSON line and a stderr line; then echoes until EOF.
    const bin = fake(
      'router',
      [
        'read line',
        `echo '{"method":"hello","params":{"n":1},"emittedAtMs":5}'`,
        `echo '{"id":0,"method":"item/tool/call","params":{"x":1}}'`,
        'echo not json',
        'echo "log line" >&2',
        `echo '{"id":1,"result":{"userAgent":"fake/1.0.0"}}'`,
        'while read line; do :; done',
      ].join('\n'),
    );
    await using codex = await startCodex({ codexHome: dir, codexBin: bin });
    expect(codex.initializeResult).toEqual({ userAgent: 'fake/1.0.0' });
    expect(codex.startupMs).toBeGreaterThan(0);
    expect(codex.notifications).toEqual([{ method: 'hello', params: { n: 1 }, emittedAtMs: 5, index: 0 }]);
    expect(codex.serverRequests).toEqual([
      { id: 0, method: 'item/tool/call', params: { x: 1 }, answered: false },
    ]);
    expect(codex.nonJsonLines).toEqual(['not json']);
    await expect(codex.waitForNotification('hello', (n) => n.params.n === 1)).resolves.toMatchObject({
      index: 0,
    });
    await expect(codex.waitForServerRequest()).resolves.toMatchObject({ id: 0 });
    expect(codex.exitInfo).toBeUndefined();
    await codex.close();
    expect(codex.stderr).toContain('log line');
  });

  it('rejects pending requests when the process exits, with the stderr tail', async () => {
    const bin = fake('dies', 'read line\necho "fatal: config" >&2\nexit 3');
    const codex = await startCodex({ codexHome: dir, codexBin: bin, initialize: false });
    const pending = codex.request('thread/start', {});
    await expect(pending).rejects.toMatchObject({
      code: 'PROCESS_EXITED',
      message: expect.stringContaining('fatal: config'),
      data: { code: 3 },
    });
    expect(await codex.exited).toMatchObject({ code: 3 });
  });

  it('fails start when initialize cannot complete, and cleans up', async () => {
    const bin = fake('silent-exit', 'exit 2');
    await expect(startCodex({ codexHome: dir, codexBin: bin })).rejects.toMatchObject({
      code: 'PROCESS_EXITED',
    });
  });

  it('times out a request that gets no answer', async () => {
    const bin = fake('mute', 'while read line; do :; done');
    await using codex = await startCodex({ codexHome: dir, codexBin: bin, initialize: false });
    await expect(codex.request('x', {}, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('shutdown ladder: stdin end, then SIGTERM, then SIGKILL', async () => {
    // Ignores EOF on stdin and SIGTERM: only SIGKILL stops it.
    const stubborn = fake('stubborn', "trap '' TERM\nwhile :; do sleep 0.05; done");
    const codex = await startCodex({ codexHome: dir, codexBin: stubborn, initialize: false });
    const exit = await codex.close({ graceMs: 100 });
    expect(exit.signal).toBe('SIGKILL');

    // Ignores EOF but not SIGTERM.
    const deaf = fake('deaf', 'while :; do sleep 0.05; done');
    const second = await startCodex({ codexHome: dir, codexBin: deaf, initialize: false });
    expect((await second.close({ graceMs: 100 })).signal).toBe('SIGTERM');
  });

  it('records a stdout line over 64 MiB as a short entry, never the whole line', async () => {
    // 70 MB of `a` without a newline, then one: the old client kept the whole line (a 70 MB string).
    const bin = fake(
      'flood',
      [
        "head -c 70000000 /dev/zero | tr '\\0' a",
        'echo',
        `echo '{"method":"after","params":{}}'`,
        'while read line; do :; done',
      ].join('\n'),
    );
    await using codex = await startCodex({ codexHome: dir, codexBin: bin, initialize: false });
    await codex.waitForNotification('after', undefined, { timeoutMs: 25_000 });
    expect(codex.nonJsonLines).toHaveLength(1);
    const entry = codex.nonJsonLines[0] as string;
    expect(entry.length).toBeLessThan(1_000);
    expect(entry).toMatch(/^<oversized stdout line: 70000000 bytes> a{200}$/);
  });

  it('keeps a bounded tail of stderr', async () => {
    const bin = fake(
      'chatty',
      "head -c 3000000 /dev/zero | tr '\\0' e >&2\necho ' the end' >&2\nwhile read line; do :; done",
    );
    const codex = await startCodex({ codexHome: dir, codexBin: bin, initialize: false });
    await codex.close();
    expect(codex.stderr.length).toBeLessThanOrEqual(1024 * 1024);
    expect(codex.stderr).toMatch(/e the end\n$/);
  });

  it('passes CODEX_HOME, extra env and args to the process', async () => {
    const out = join(dir, 'env.txt');
    const bin = fake('env', `echo "$CODEX_HOME|$EXTRA|$*" > ${out}\nwhile read line; do :; done`);
    await using codex = await startCodex({
      codexHome: { path: '/some/home' },
      codexBin: bin,
      initialize: false,
      env: { EXTRA: 'yes' },
      args: ['--strict-config'],
    });
    await codex.close();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8').trim()).toBe('/some/home|yes|app-server --strict-config');
  });
});
