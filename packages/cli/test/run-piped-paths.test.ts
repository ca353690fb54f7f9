import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failure, hang, lastUserText, message, trustStoreEnv } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { CliJsonEvent } from '../src/index.js';
import { runPiped, useCliHarness } from './harness.js';
import { CLI } from './tmux.js';

const parse = (stdout: string): CliJsonEvent[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as CliJsonEvent);

/** The events of a `--json` run, checked to end with exactly one `result` line. */
function endsWithOneResult(stdout: string): { events: CliJsonEvent[]; result: CliJsonEvent } {
  const events = parse(stdout);
  expect(events.filter((e) => e.type === 'result').length).toBe(1);
  const result = events.at(-1) as CliJsonEvent;
  expect(result.type).toBe('result');
  return { events, result };
}

describe('codexus run: --codex-home, stdin, and how --json ends (pipes), real codex', () => {
  const h = useCliHarness();

  it('--codex-home alone selects the home: CODEX_HOME points at an empty decoy, the run still works', async () => {
    const decoy = await mkdtemp(join(tmpdir(), 'codexus-decoy-home-'));
    try {
      h.model.enqueue(message('answered through --codex-home'));
      const before = h.model.requests.length;
      const { code, stdout, stderr } = await runPiped(['run', ...h.args, 'which home?'], {
        ...trustStoreEnv('hermetic'),
        CODEX_HOME: decoy,
      });
      expect(stderr).not.toContain('codexus:');
      expect(stdout.trim()).toBe('answered through --codex-home');
      expect(code).toBe(0);
      expect(h.model.requests.length).toBe(before + 1);
      // codex never wrote to the decoy (sessions, logs, state all went to the --codex-home one).
      expect(readdirSync(decoy)).toEqual([]);
    } finally {
      await rm(decoy, { recursive: true, force: true });
    }
  });

  it('prompt words and piped stdin: stdin is appended as a <stdin> block; "-" reads the prompt from stdin', async () => {
    h.model.enqueue(message('seen both'), message('seen stdin'));
    const both = await runPiped(['run', ...h.args, 'summarise', 'this'], h.home.env, 'line one\nline two\n');
    expect(both.code).toBe(0);
    expect(both.stdout.trim()).toBe('seen both');
    const bothRequest = h.model.requests.at(-1);
    expect(bothRequest && lastUserText(bothRequest)).toBe(
      'summarise this\n\n<stdin>\nline one\nline two\n</stdin>',
    );
    const dash = await runPiped(['run', ...h.args, '-'], h.home.env, 'only stdin\n');
    expect(dash.code).toBe(0);
    const dashRequest = h.model.requests.at(-1);
    expect(dashRequest && lastUserText(dashRequest)).toBe('only stdin');
    // Words with an empty stdin: just the words (no empty block).
    h.model.enqueue(message('words only'));
    await runPiped(['run', ...h.args, 'just', 'words'], h.home.env, '');
    const wordsRequest = h.model.requests.at(-1);
    expect(wordsRequest && lastUserText(wordsRequest)).toBe('just words');
  });

  it('--json ends with one result line on a failed turn and on a timeout', async () => {
    h.model.enqueue(failure('the model broke'));
    const failed = await runPiped(['run', ...h.args, '--json', 'fail'], h.home.env);
    expect(failed.code).toBe(1);
    const { events, result } = endsWithOneResult(failed.stdout);
    expect(events[0]?.type).toBe('session');
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, error: { code: 'TURN_FAILED' } });
    expect(result.type === 'result' && result.error?.message).toContain('the model broke');

    h.model.enqueue(hang());
    const timedOut = await runPiped(['run', ...h.args, '--json', '--timeout', '1', 'hang'], h.home.env);
    expect(timedOut.code).toBe(1);
    const late = endsWithOneResult(timedOut.stdout).result;
    expect(late).toMatchObject({ status: 'failed', exitCode: 1, error: { code: 'REQUEST_TIMEOUT' } });
    expect(late.type === 'result' && late.error?.message).toMatch(/within 1000 ms/);
  });

  it('--json ends with one result line when the run fails before the turn (usage, codex missing)', async () => {
    const cases: { args: string[]; exitCode: number; code: string; message: RegExp }[] = [
      { args: ['--json'], exitCode: 2, code: 'VALIDATION_FAILED', message: /no prompt/ },
      {
        args: ['--sandbox', 'wide-open', '--json', 'x'],
        exitCode: 2,
        code: 'VALIDATION_FAILED',
        message: /wide-open/,
      },
      {
        args: ['--json', '--no-such-flag', 'x'],
        exitCode: 2,
        code: 'VALIDATION_FAILED',
        message: /no-such-flag/,
      },
      {
        args: ['--json', '--cwd', join(h.workspace.path, 'missing'), 'x'],
        exitCode: 2,
        code: 'VALIDATION_FAILED',
        message: /not an existing directory/,
      },
      {
        args: ['--json', '--codex-bin', join(h.workspace.path, 'no-codex'), 'x'],
        exitCode: 1,
        code: 'BINARY_NOT_FOUND',
        message: /no-codex/,
      },
    ];
    for (const c of cases) {
      const run = await runPiped(['run', '--codex-home', h.home.path, ...c.args], h.home.env);
      expect(run.code, c.args.join(' ')).toBe(c.exitCode);
      const { events, result } = endsWithOneResult(run.stdout);
      expect(events.length, c.args.join(' ')).toBe(1);
      expect(result).toMatchObject({ status: 'failed', exitCode: c.exitCode, error: { code: c.code } });
      expect(result.type === 'result' && result.error?.message).toMatch(c.message);
      expect(run.stderr).toMatch(c.message);
    }
  });

  it('--json ends with one result line on SIGTERM during the turn (exit 130)', async () => {
    h.model.enqueue(hang());
    const before = h.model.requests.length;
    const child = spawn(process.execPath, [CLI, 'run', ...h.args, '--json', 'hang until killed'], {
      env: { ...process.env, ...h.home.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await h.model.waitForRequests(before + 1, { timeoutMs: 20_000 });
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no exit after SIGTERM')), 15_000),
        ),
      ]);
      expect(code).toBe(130);
    } finally {
      child.kill('SIGKILL');
    }
    const { result } = endsWithOneResult(stdout);
    expect(result).toMatchObject({
      status: 'interrupted',
      exitCode: 130,
      error: { message: 'exited on SIGTERM' },
    });
  });
});
