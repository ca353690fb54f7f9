import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { message } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { CodexusError } from '../src/index.js';
import { useHarness } from './harness.js';

describe('a cwd that is not a directory, against the real codex', () => {
  const sent: string[] = [];
  const h = useHarness([], {
    client: {
      trace: (event) => {
        if (event.direction === 'out')
          sent.push(String((JSON.parse(event.text) as { method?: unknown }).method));
      },
    },
  });

  const refused = async (start: () => Promise<unknown>, path: string, reason: string): Promise<void> => {
    const before = sent.length;
    const error = await start().catch((e: unknown) => e);
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as CodexusError).message).toContain(path);
    expect((error as CodexusError).data).toMatchObject({ path: 'cwd', cwd: path, reason });
    expect(sent.slice(before)).toEqual([]); // refused before any RPC: no thread was started
  };

  it('a directory that does not exist is refused with VALIDATION_FAILED naming it', async () => {
    const missing = join(h.workspace.path, 'no', 'such', 'dir');
    await refused(() => h.client.startSession({ cwd: missing }), missing, 'missing');
  });

  it('a path to a file is refused with VALIDATION_FAILED naming it', async () => {
    const file = join(h.workspace.path, 'a-file.txt');
    await writeFile(file, 'not a directory\n');
    await refused(() => h.client.startSession({ cwd: file }), file, 'notDirectory');
    // A path *below* a file is a missing directory (ENOTDIR).
    await refused(() => h.client.startSession({ cwd: join(file, 'sub') }), join(file, 'sub'), 'missing');
  });

  it('resume and fork check an explicit cwd the same way; a real directory still works', async () => {
    h.model.enqueue(message('ok'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    await session.ask('one turn, so the thread can be resumed');
    const missing = join(h.workspace.path, 'gone');
    await refused(() => h.client.resumeSession(session.threadId, { cwd: missing }), missing, 'missing');
    await refused(() => h.client.forkSession(session.threadId, { cwd: missing }), missing, 'missing');
    await session.close();
  });
});
