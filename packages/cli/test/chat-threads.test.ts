import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { message, shell, step } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { runPiped, useCliHarness } from './harness.js';

describe('codexus chat and threads (piped input), real codex', () => {
  const h = useCliHarness();
  const threadIds: string[] = [];

  it('chat runs each line as a turn of one thread; /new starts another thread', async () => {
    h.model.enqueue(message('answer one'), message('answer two'), message('answer three'));
    const { code, stdout, stderr } = await runPiped(
      ['chat', ...h.args],
      h.home.env,
      'first\nsecond\n/new\nthird\n',
    );
    expect(stdout).toContain('answer one');
    expect(stdout).toContain('answer three');
    threadIds.push(...[...stderr.matchAll(/thread (\S+) \(/g)].map((m) => m[1] as string));
    expect(threadIds.length).toBe(2);
    expect(code).toBe(0);
    // The second prompt went to the first thread (its history holds the first turn).
    expect(JSON.stringify(h.model.requests[1]?.body)).toContain('answer one');
    expect(JSON.stringify(h.model.requests[2]?.body)).not.toContain('answer one');
  });

  it('piped chat declines an approval at once (fail closed), without waiting for the timeout', async () => {
    const file = join(h.workspace.path, 'chat-never.txt');
    h.model.enqueue(
      step(
        shell(`touch ${file}`, {
          sandboxPermissions: 'require_escalated',
          justification: 'try from piped chat',
          login: false,
        }),
      ),
      message('fine, declined'),
    );
    const started = Date.now();
    const { code, stdout, stderr } = await runPiped(
      ['chat', ...h.args, '--approval', 'on-request', '--sandbox', 'workspace-write', '--timeout', '60'],
      h.home.env,
      'try it\n',
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toContain('no terminal to ask; approvals are declined');
    expect(stdout).toContain('fine, declined');
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('/resume ID continues a stored thread', async () => {
    h.model.enqueue(message('resumed'));
    const { code, stdout } = await runPiped(
      ['chat', ...h.args],
      h.home.env,
      `/resume ${threadIds[0]}\nagain\n`,
    );
    expect(stdout).toContain('resumed');
    expect(code).toBe(0);
    expect(JSON.stringify(h.model.requests.at(-1)?.body)).toContain('answer two');
  });

  it('threads list, read and archive', async () => {
    const list = await runPiped(['threads', 'list', '--json', ...h.args.slice(0, 2)], h.home.env);
    expect(list.code).toBe(0);
    const page = JSON.parse(list.stdout) as { data: { id: string }[] };
    expect(page.data.map((t) => t.id)).toEqual(expect.arrayContaining(threadIds));
    const read = await runPiped(
      ['threads', 'read', threadIds[0] as string, ...h.args.slice(0, 2)],
      h.home.env,
    );
    expect(read.code).toBe(0);
    expect((JSON.parse(read.stdout) as { id: string }).id).toBe(threadIds[0]);
    const archive = await runPiped(
      ['threads', 'archive', threadIds[1] as string, ...h.args.slice(0, 2)],
      h.home.env,
    );
    expect(archive.code).toBe(0);
    const after = await runPiped(['threads', ...h.args.slice(0, 2)], h.home.env);
    expect(after.stdout).toContain(threadIds[0]);
    expect(after.stdout).not.toContain(threadIds[1]);
  });

  it('threads read of an unknown id fails with exit 1 and codex’s message', async () => {
    const read = await runPiped(
      ['threads', 'read', '00000000-0000-0000-0000-000000000000', ...h.args.slice(0, 2)],
      h.home.env,
    );
    expect(read.code).toBe(1);
    expect(read.stderr).toMatch(/codexus: .+/);
  });
});
