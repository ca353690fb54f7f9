import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForProcessExit } from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HookContext, HookError } from '../src/index.js';
import { ShellCommandHook, ShellCommandPostHook } from '../src/node.js';

const script = join(import.meta.dirname, 'fixtures', 'hook.mjs');
const signal = () => new AbortController().signal;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codexus-shell-hook-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = (over: Partial<HookContext> = {}): HookContext => ({
  phase: 'PreTurn',
  cwd: dir,
  prompt: 'hello',
  metadata: {},
  ...over,
});

const pre = (mode: string, extra: Partial<ConstructorParameters<typeof ShellCommandHook>[0]> = {}) =>
  new ShellCommandHook({
    name: `sh-${mode}`,
    phases: ['PreTurn'],
    argv: [process.execPath, script, mode],
    ...extra,
  });

async function failure(promise: Promise<unknown>): Promise<HookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!HookError.isInstance(error)) throw new Error(`expected a HookError, got ${String(error)}`);
  return error;
}

/**
 * The process whose pid a fixture wrote to `pidFile` is gone, or goes within a bounded wait (2 s).
 * A zombie waiting for its reaper counts as gone: it was killed.
 */
async function expectGone(pidFile: string): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8'));
  expect(pid).toBeGreaterThan(0);
  await waitForProcessExit(pid, { timeoutMs: 2_000 });
}

describe('ShellCommandHook (a real script)', () => {
  it('exit 0 without output continues', async () => {
    await expect(pre('continue').run(ctx(), { signal: signal() })).resolves.toEqual({ type: 'continue' });
  });

  it('exit 0 with a JSON action returns it; the script got the context on stdin', async () => {
    await expect(pre('patch').run(ctx(), { signal: signal() })).resolves.toEqual({
      type: 'patch',
      patch: { prompt: 'hello [PreTurn]' },
    });
  });

  it('exit 2 blocks with stderr as the reason', async () => {
    await expect(pre('block').run(ctx(), { signal: signal() })).resolves.toEqual({
      type: 'block',
      reason: { message: 'no rm allowed here' },
    });
  });

  it('another exit code is an execution issue naming the code and stderr', async () => {
    const error = await failure(pre('fail').run(ctx(), { signal: signal() }));
    expect(error.issueClass).toBe('execution');
    expect(error.message).toMatch(/exited with code 1: boom: something broke/);
  });

  it('stdout that is no JSON, or no valid action, is a validation issue', async () => {
    expect((await failure(pre('bad-json').run(ctx(), { signal: signal() }))).issueClass).toBe('validation');
    const bad = await failure(pre('bad-action').run(ctx(), { signal: signal() }));
    expect(bad.issueClass).toBe('validation');
    expect(bad.message).toContain('unknown action type "explode"');
  });

  it('a patch field the phase does not accept is a validation issue', async () => {
    const hook = new ShellCommandHook({
      name: 'tool-patch',
      phases: ['PreToolUse'],
      argv: [process.execPath, script, 'patch'],
    });
    const error = await failure(hook.run(ctx({ phase: 'PreToolUse' }), { signal: signal() }));
    expect(error.message).toContain('PreToolUse cannot patch "prompt"');
  });

  it('a command that does not read its stdin is fine', async () => {
    const big = ctx({ metadata: { blob: 'x'.repeat(512 * 1024) } });
    await expect(pre('no-stdin').run(big, { signal: signal() })).resolves.toEqual({ type: 'continue' });
  });

  it('a program that does not exist is an execution issue', async () => {
    const hook = new ShellCommandHook({ name: 'missing', phases: ['PreTurn'], argv: [join(dir, 'nope')] });
    const error = await failure(hook.run(ctx(), { signal: signal() }));
    expect(error.issueClass).toBe('execution');
    expect(error.message).toMatch(/could not start .*nope.*ENOENT/);
  });

  it('a timeout kills the whole process group and reports timeout', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const hook = pre('hang', { argv: [process.execPath, script, 'hang', pidFile], timeoutMs: 1_000 });
    const started = Date.now();
    const error = await failure(hook.run(ctx(), { signal: signal() }));
    expect(error.issueClass).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
    await expectGone(pidFile);
  });

  it('an abort from the caller kills the command too', async () => {
    const pidFile = join(dir, 'aborted.pid');
    const hook = pre('hang', { argv: [process.execPath, script, 'hang', pidFile], timeoutMs: 10_000 });
    const controller = new AbortController();
    const run = failure(hook.run(ctx(), { signal: controller.signal }));
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const pid = await readFile(pidFile, 'utf8').catch(() => '');
      if (pid) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    controller.abort();
    expect((await run).issueClass).toBe('timeout');
    await expectGone(pidFile);
  });
});

describe.runIf(process.platform !== 'win32')('ShellCommandHook leaves nothing running after it exits', () => {
  /** `sh -c <script> sh <pidFile>`: the script starts a background process and writes its pid. */
  const backgrounding = (script: string, pidFile: string) =>
    new ShellCommandHook({
      name: 'backgrounder',
      phases: ['PreTurn'],
      argv: ['/bin/sh', '-c', script, 'sh', pidFile],
      inheritEnv: ['PATH'],
    });

  it.each([
    { name: 'stdout', label: 'that keeps stdout open (`sleep 30 &`)', command: 'sleep 30 & echo $! > "$1"' },
    {
      name: 'quiet',
      label: 'with its own stdio (`sleep 30 >/dev/null &`)',
      command: 'sleep 30 >/dev/null 2>&1 </dev/null & echo $! > "$1"; echo \'{"type":"continue"}\'',
    },
  ])('kills a background process $label once the hook exited, and answers', async ({ name, command }) => {
    const pidFile = join(dir, `background-${name}.pid`);
    await expect(backgrounding(command, pidFile).run(ctx(), { signal: signal() })).resolves.toEqual({
      type: 'continue',
    });
    await expectGone(pidFile);
  });

  it('does not wait for a process that left the group and holds stdout: the answer comes on exit', async () => {
    const pidFile = join(dir, 'escaped.pid');
    const hook = pre('escape', { argv: [process.execPath, script, 'escape', pidFile], timeoutMs: 10_000 });
    try {
      // Before the hook's own timeout: a stuck pipe is not waited on past a short bound.
      await expect(hook.run(ctx(), { signal: signal() })).resolves.toEqual({ type: 'continue' });
    } finally {
      const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('ShellCommandPostHook', () => {
  const post = (extra: Partial<ConstructorParameters<typeof ShellCommandPostHook>[0]> = {}) =>
    new ShellCommandPostHook({
      name: 'post',
      phases: ['PostTurn'],
      argv: [process.execPath, script, 'report'],
      ...extra,
    });
  const postCtx = () => ctx({ phase: 'PostTurn', result: { status: 'completed', text: 'the answer' } });

  it('keeps the JSON it writes as data; it sees the result', async () => {
    const result = await post().run(postCtx(), { signal: signal() });
    expect(result?.data).toMatchObject({ phase: 'PostTurn', text: 'the answer', cwd: dir });
  });

  it('gets exactly the environment it was given (nothing inherited unless named)', async () => {
    process.env.CODEXUS_TEST_SECRET = 'do-not-leak';
    try {
      const plain = await post({ env: { ONLY_THIS: '1' } }).run(postCtx(), { signal: signal() });
      expect(plain?.data?.env).toEqual(['ONLY_THIS']);
      const inherited = await post({ inheritEnv: ['CODEXUS_TEST_SECRET'] }).run(postCtx(), {
        signal: signal(),
      });
      expect(inherited?.data?.env).toEqual(['CODEXUS_TEST_SECRET']);
    } finally {
      delete process.env.CODEXUS_TEST_SECRET;
    }
  });

  it('runs in the configured cwd', async () => {
    const result = await post({ cwd: tmpdir() }).run(postCtx(), { signal: signal() });
    expect(result?.data?.cwd).toBe(tmpdir());
  });

  it('a failing command is an execution issue; exit 2 is no block after the fact', async () => {
    const failing = post({ argv: [process.execPath, script, 'fail'] });
    expect((await failure(failing.run(postCtx(), { signal: signal() }))).issueClass).toBe('execution');
    const two = post({ argv: [process.execPath, script, 'block'] });
    expect((await failure(two.run(postCtx(), { signal: signal() }))).message).toMatch(/exited with code 2/);
  });

  it('refuses an argv without a program', () => {
    expect(
      () => new ShellCommandPostHook({ name: 'x', phases: ['PostTurn'], argv: [] as unknown as [string] }),
    ).toThrow(/argv must name a program/);
  });
});
