import { message, startScriptedHarness } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { Client } from '../src/index.js';

describe('Client.connect({ home }) takes a testkit CodexHome as it is', () => {
  it('runs a turn on the home (its path is CODEX_HOME, its env reaches codex), with no CODEX_HOME of ours', async () => {
    const saved = process.env.CODEX_HOME;
    delete process.env.CODEX_HOME; // only `home` can point codex at the hermetic home
    try {
      await using h = await startScriptedHarness({
        steps: [message('answered through home')],
        connect: (home) => Client.connect({ home }),
      });
      const session = await h.client.startSession({ cwd: h.workspace.path });
      await expect(session.ask('hello')).resolves.toMatchObject({ text: 'answered through home' });
      // The scripted model (configured only in that home) received the turn.
      expect(h.model.requests.length).toBeGreaterThan(0);
      expect(session.info.modelProvider).toBe('codexus-scripted');
    } finally {
      if (saved === undefined) delete process.env.CODEX_HOME;
      else process.env.CODEX_HOME = saved;
    }
  });

  it('the config signal aborts a handshake in flight (ABORTED), and nothing answers later', async () => {
    await using h = await startScriptedHarness({ steps: [], connect: (home) => Client.connect({ home }) });
    const controller = new AbortController();
    const error = await Client.connect({
      home: h.home,
      signal: controller.signal,
      trace: (entry) => {
        if (entry.direction === 'out' && entry.text.includes('"initialize"')) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
  });

  it('remote with a process option is refused before anything is opened', async () => {
    await expect(
      Client.connect({ remote: { url: 'ws://127.0.0.1:1', token: 't' }, codexHome: '/somewhere' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('codexHome') });
  });
});
