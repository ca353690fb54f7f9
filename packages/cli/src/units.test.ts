import { PassThrough, Readable } from 'node:stream';
import { CodexusError } from '@codexus/core';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeOf, usageError } from './exit-codes.js';
import { InterruptControl } from './interrupt-control.js';
import { JSON_EVENT_VERSION, jsonEvent, toJsonEvent } from './json-events.js';
import { JsonOutput } from './json-output.js';
import { runCli } from './program.js';
import { readPrompt } from './prompt-source.js';
import type { CliIo } from './turn-renderer.js';

function memoryIo(): CliIo & { text(): { out: string; err: string } } {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c) => (chunks.out += String(c)));
  err.on('data', (c) => (chunks.err += String(c)));
  return {
    out: out as unknown as NodeJS.WriteStream,
    err: err as unknown as NodeJS.WriteStream,
    text: () => chunks,
  };
}

describe('exit codes', () => {
  it('maps usage errors to 2, aborts to 130, anything else to 1', () => {
    expect(exitCodeOf(usageError('bad'))).toBe(EXIT_CODES.usage);
    expect(usageError('bad').code).toBe('VALIDATION_FAILED');
    expect(exitCodeOf(new CodexusError('ABORTED', 'x'))).toBe(EXIT_CODES.interrupted);
    expect(exitCodeOf(new CodexusError('TURN_FAILED', 'x'))).toBe(EXIT_CODES.failed);
    expect(exitCodeOf(new Error('x'))).toBe(EXIT_CODES.failed);
  });

  it('runCli: --help is 0, an unknown command or flag is 2, a bad --codex-home is 2', async () => {
    const help = memoryIo();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.text().out).toContain('doctor');
    const unknown = memoryIo();
    expect(await runCli(['fly'], unknown)).toBe(2);
    expect(unknown.text().err).toContain("unknown command 'fly'");
    expect(await runCli(['run', '--no-such-flag', 'x'], memoryIo())).toBe(2);
    const home = memoryIo();
    expect(await runCli(['threads', '--codex-home', '/nonexistent/codexus-home'], home)).toBe(2);
    expect(home.text().err).toContain('--codex-home /nonexistent/codexus-home: not an existing directory');
  });
});

describe('InterruptControl', () => {
  it('first press interrupts, second exits, reset re-arms', () => {
    const calls: string[] = [];
    const control = new InterruptControl({
      interrupt: () => calls.push('interrupt'),
      exit: () => calls.push('exit'),
    });
    control.press();
    control.press();
    control.press();
    expect(calls).toEqual(['interrupt', 'exit']);
    control.reset();
    control.press();
    expect(calls).toEqual(['interrupt', 'exit', 'interrupt']);
  });
});

describe('--json events', () => {
  it('versions every line, flattens errors, leaves out approvals and unknown event types', () => {
    expect(toJsonEvent({ type: 'textDelta', itemId: 'i', delta: 'hi' })).toEqual({
      v: JSON_EVENT_VERSION,
      type: 'textDelta',
      itemId: 'i',
      delta: 'hi',
    });
    expect(
      toJsonEvent({ type: 'error', error: { message: 'boom', codexErrorInfo: 'other' }, willRetry: true }),
    ).toEqual({
      v: 1,
      type: 'error',
      message: 'boom',
      willRetry: true,
      codexErrorInfo: 'other',
    });
    const approval = {
      type: 'approvalRequested',
      request: { kind: 'unknown', id: 1, method: 'x', params: {} },
    };
    expect(toJsonEvent(approval as never)).toBeUndefined();
    expect(toJsonEvent({ type: 'somethingNew' } as never)).toBeUndefined();
  });
});

describe('--timeout', () => {
  it('reaches the session config as timeoutMs, default 30 minutes', async () => {
    const { Command } = await import('commander');
    const { addSessionOptions, sessionConfig } = await import('./session-options.js');
    const parse = (args: string[]) => {
      const command = addSessionOptions(new Command('x')).exitOverride();
      command.parse(args, { from: 'user' });
      return sessionConfig(command.opts());
    };
    expect(parse([]).turnTimeoutMs).toBe(30 * 60 * 1000);
    expect(parse(['--timeout', '5']).turnTimeoutMs).toBe(5000);
    expect(parse(['--timeout', '1.5']).turnTimeoutMs).toBe(1500);
  });

  it('is a usage error (exit 2) when not a positive number', async () => {
    for (const bad of ['0', '-3', 'soon', '']) {
      const io = memoryIo();
      const code = await runCli(['run', '--timeout', bad, 'hello'], io);
      expect(code, bad).toBe(EXIT_CODES.usage);
      expect(io.text().err, bad).toMatch(/--timeout/);
    }
  });
});

describe('JsonOutput: exactly one result line, last', () => {
  it('writes events until the result line, then nothing; only the first result counts', () => {
    const lines: string[] = [];
    const json = new JsonOutput((line) => lines.push(line));
    json.emit(jsonEvent({ type: 'textDelta', itemId: 'i', delta: 'hi' }));
    json.finish({ exitCode: EXIT_CODES.ok, status: 'completed' });
    json.fail(new Error('late'));
    json.emit(jsonEvent({ type: 'textDelta', itemId: 'i', delta: 'after' }));
    expect(json.finished).toBe(true);
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['textDelta', 'result']);
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
  });

  it('fail(): usage errors exit 2, aborts 130 (interrupted), anything else 1, with the code', () => {
    const resultOf = (error: unknown) => {
      const lines: string[] = [];
      new JsonOutput((line) => lines.push(line)).fail(error);
      return JSON.parse(lines[0] as string);
    };
    expect(resultOf(usageError('no prompt'))).toMatchObject({
      type: 'result',
      status: 'failed',
      exitCode: 2,
      text: '',
      error: { message: 'no prompt', code: 'VALIDATION_FAILED' },
    });
    expect(resultOf(new CodexusError('ABORTED', 'stop'))).toMatchObject({
      status: 'interrupted',
      exitCode: 130,
    });
    expect(resultOf(new Error('boom'))).toMatchObject({
      status: 'failed',
      exitCode: 1,
      error: { message: 'boom' },
    });
  });
});

describe('readPrompt: words and stdin', () => {
  const stdin = (text: string | undefined): NodeJS.ReadStream =>
    Object.assign(Readable.from(text === undefined ? [] : [Buffer.from(text)]), {
      isTTY: text === undefined,
    }) as unknown as NodeJS.ReadStream;

  it('words alone, stdin alone, "-", words + piped stdin as a <stdin> block', async () => {
    expect(await readPrompt(['fix', 'it'], stdin(undefined))).toBe('fix it');
    expect(await readPrompt([], stdin(' from stdin\n'))).toBe('from stdin');
    expect(await readPrompt(['-'], stdin('dash\n'))).toBe('dash');
    expect(await readPrompt(['review'], stdin('diff\n+x\n'))).toBe('review\n\n<stdin>\ndiff\n+x\n</stdin>');
    expect(await readPrompt(['words'], stdin(''))).toBe('words');
  });

  it('no prompt anywhere is a usage error', async () => {
    await expect(readPrompt([], stdin(undefined))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(readPrompt(['-'], stdin('  \n'))).rejects.toThrow(/no prompt/);
  });
});
