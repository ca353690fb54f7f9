import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPatch, failure, hang, message, outputSchema, shell, step } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { CliJsonEvent } from '../src/index.js';
import { runPiped, tmuxBin, useCliHarness } from './harness.js';
import { survivors } from './tmux.js';

/** A command that needs escalation, so codex asks for approval under `on-request`. */
const escalated = (file: string, why: string) =>
  shell(`touch ${file}`, { sandboxPermissions: 'require_escalated', justification: why, login: false });
const ASKING = ['--approval', 'on-request', '--sandbox', 'workspace-write'];

describe.skipIf(!tmuxBin)('codexus run in a terminal (tmux), real codex', () => {
  const h = useCliHarness();

  it('asks at the terminal: one approval accepted, one declined; streams the answer; exit 0', async () => {
    const yes = join(h.workspace.path, 'accepted.txt');
    const no = join(h.workspace.path, 'declined.txt');
    h.model.enqueue(
      step(escalated(yes, 'make the first file')),
      step(escalated(no, 'make the second file')),
      message('both handled'),
    );
    const pane = await h.tmux.codexus(['run', ...h.args, ...ASKING, 'make two files'], h.home.env);
    await pane.waitFor(/reason: {2}make the first file[\s\S]*\[a\] accept/, 'the first approval question');
    const first = await pane.screen();
    expect(first).toContain(`touch ${yes}`);
    expect(first).toContain(`cwd:     ${h.workspace.path}`);
    await pane.send('a');
    await pane.waitFor(/reason: {2}make the second file[\s\S]*\[a\] accept/, 'the second approval question');
    await pane.send('d');
    const { code, screen } = await pane.exitCode();
    expect(screen).toContain('→ accepted');
    expect(screen).toContain('→ declined');
    expect(screen).toContain('both handled');
    expect(code).toBe(0);
    expect(existsSync(yes)).toBe(true);
    expect(existsSync(no)).toBe(false);
  });

  it('Ctrl-C once interrupts the turn: exit 130, and no codex process is left', async () => {
    const before = h.model.requests.length;
    h.model.enqueue(hang());
    const pane = await h.tmux.codexus(['run', ...h.args, 'wait forever'], h.home.env);
    await h.model.waitForRequests(before + 1, { timeoutMs: 20_000 });
    const codex = await pane.codexProcesses();
    expect(codex.length).toBe(1);
    await pane.send('C-c');
    const { code, screen } = await pane.exitCode();
    expect(screen).toContain('turn interrupted');
    expect(code).toBe(130);
    expect(await survivors(codex)).toEqual([]);
  });

  it('--json prints one parseable event per line (session first, result last); a terminal is still asked', async () => {
    const file = join(h.workspace.path, 'json-accepted.txt');
    h.model.enqueue(
      step(shell('echo from-the-shell', { login: false })),
      step(escalated(file, 'asked while printing json')),
      message('json answer'),
    );
    const out = join(h.workspace.path, 'events.jsonl');
    const args = ['run', ...h.args, ...ASKING, '--json', 'print json'];
    const pane = await h.tmux.codexus(args, h.home.env, `> ${out}`);
    await pane.waitFor(/reason: {2}asked while printing json[\s\S]*\[a\] accept/, 'the question on stderr');
    await pane.send('a');
    const { code } = await pane.exitCode();
    expect(code).toBe(0);
    const events = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CliJsonEvent);
    expect(events.every((e) => e.v === 1)).toBe(true);
    expect(events[0]?.type).toBe('session');
    expect(events.at(-1)).toMatchObject({
      type: 'result',
      status: 'completed',
      exitCode: 0,
      text: 'json answer',
    });
    const types = events.map((e) => e.type);
    expect(types).toContain('turnStarted');
    expect(types).toContain('turnCompleted');
    const command = events.find((e) => e.type === 'itemCompleted' && e.item.type === 'commandExecution');
    const item = command?.type === 'itemCompleted' ? command.item : undefined;
    expect(item?.type === 'commandExecution' && String(item.aggregatedOutput)).toContain('from-the-shell');
    expect(events.find((e) => e.type === 'approvalAnswered')).toMatchObject({
      decision: 'accept',
      by: 'user',
    });
    expect(existsSync(file)).toBe(true);
  });
});

describe('codexus run without a terminal, real codex', () => {
  const h = useCliHarness();

  it('declines approvals by default (fail closed) and says so in --json', async () => {
    const file = join(h.workspace.path, 'never.txt');
    h.model.enqueue(step(escalated(file, 'try without a terminal')), message('fine, declined'));
    const { code, stdout } = await runPiped(['run', ...h.args, ...ASKING, '--json', 'try it'], h.home.env);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CliJsonEvent);
    expect(events.find((e) => e.type === 'approvalRequested')).toMatchObject({
      kind: 'commandExecution',
      reason: 'try without a terminal',
    });
    expect(events.find((e) => e.type === 'approvalAnswered')).toMatchObject({
      decision: 'decline',
      by: 'policy',
    });
    expect(events.at(-1)).toMatchObject({ type: 'result', text: 'fine, declined' });
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('usage errors exit 2 with a clear message (no prompt, bad --cwd, bad --sandbox)', async () => {
    const noPrompt = await runPiped(['run', ...h.args], h.home.env, '');
    expect(noPrompt.code).toBe(2);
    expect(noPrompt.stderr).toContain('no prompt');
    const badCwd = await runPiped(['run', '--cwd', join(h.workspace.path, 'nope'), 'x'], h.home.env);
    expect(badCwd.code).toBe(2);
    expect(badCwd.stderr).toContain('not an existing directory');
    const badSandbox = await runPiped(['run', '--sandbox', 'wide-open', 'x'], h.home.env);
    expect(badSandbox.code).toBe(2);
    expect(badSandbox.stderr).toContain('Allowed choices');
  });

  it('reads the prompt from stdin', async () => {
    h.model.enqueue(message('from stdin'));
    const { code, stdout } = await runPiped(['run', ...h.args], h.home.env, 'the prompt on stdin\n');
    expect(stdout.trim()).toBe('from stdin');
    expect(code).toBe(0);
    const last = h.model.requests.at(-1);
    expect(JSON.stringify(last?.body)).toContain('the prompt on stdin');
  });

  it('shows file changes on stderr and keeps stdout for the answer', async () => {
    h.model.enqueue(
      step(applyPatch({ addFile: { path: 'added.txt', content: 'new\n' } })),
      message('patched'),
    );
    const { code, stdout, stderr } = await runPiped(
      ['run', ...h.args, '--sandbox', 'workspace-write', 'add a file'],
      h.home.env,
    );
    expect(stdout).toBe('patched\n');
    expect(stderr).toContain(`+ ${join(h.workspace.path, 'added.txt')}`);
    expect(code).toBe(0);
    expect(existsSync(join(h.workspace.path, 'added.txt'))).toBe(true);
  });

  it('--output-schema sends the schema with the turn; --image attaches the file', async () => {
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' } },
      required: ['ok'],
      additionalProperties: false,
    };
    const schemaFile = join(h.workspace.path, 'schema.json');
    writeFileSync(schemaFile, JSON.stringify(schema));
    const image = join(h.workspace.path, 'pixel.png');
    writeFileSync(
      image,
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      ),
    );
    h.model.enqueue(message('{"ok":true}'));
    const { code, stdout } = await runPiped(
      ['run', ...h.args, '--output-schema', schemaFile, '--image', image, 'answer in json'],
      h.home.env,
    );
    expect(stdout.trim()).toBe('{"ok":true}');
    expect(code).toBe(0);
    const request = h.model.requests.at(-1);
    expect(outputSchema(request as never)).toEqual(schema);
    expect(JSON.stringify(request?.body)).toContain('input_image');
    const bad = await runPiped(
      ['run', '--output-schema', join(h.workspace.path, 'none.json'), 'x'],
      h.home.env,
    );
    expect(bad.code).toBe(2);
  });

  it('a failed turn exits 1 with the server message (human and --json)', async () => {
    h.model.enqueue(failure('the model broke'), failure('the model broke again'));
    const human = await runPiped(['run', ...h.args, 'fail please'], h.home.env);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('turn failed');
    expect(human.stderr).toContain('the model broke');
    const json = await runPiped(['run', ...h.args, '--json', 'fail again'], h.home.env);
    expect(json.code).toBe(1);
    const last = JSON.parse(json.stdout.trim().split('\n').at(-1) as string) as CliJsonEvent;
    expect(last).toMatchObject({ type: 'result', status: 'failed', exitCode: 1 });
  });
});
