import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hang, message, shell, step } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { tmuxBin, useCliHarness } from './harness.js';
import { survivors } from './tmux.js';

const TOKEN = 'a-test-token-of-32-characters-xx';

describe.skipIf(!tmuxBin)('codexus chat and web in a terminal (tmux), real codex', () => {
  const h = useCliHarness();

  it('chat: a turn, an approval answered with a line, /steer into a running turn, Ctrl-C interrupts, Ctrl-C at the prompt leaves', async () => {
    const file = join(h.workspace.path, 'chat.txt');
    const start = h.model.requests.length;
    h.model.enqueue(
      message('hello from chat'),
      step(
        shell(`touch ${file}`, {
          sandboxPermissions: 'require_escalated',
          justification: 'chat file',
          login: false,
        }),
      ),
      message('file made'),
      hang(),
      // codex may end the hanging request to carry the steer into a new one: that one hangs too.
      hang(),
    );
    const args = ['chat', ...h.args, '--approval', 'on-request', '--sandbox', 'workspace-write'];
    const pane = await h.tmux.codexus(args, h.home.env);
    await pane.waitFor(/thread \S+ \(/, 'the thread line');
    await pane.send('say hello', 'Enter');
    await pane.waitFor(/hello from chat/, 'the first answer');
    await pane.send('make the file', 'Enter');
    await pane.waitFor(/reason: {2}chat file[\s\S]*\[a\] accept/, 'the approval question');
    await pane.send('a', 'Enter');
    await pane.waitFor(/file made/, 'the answer after the approval');
    expect(existsSync(file)).toBe(true);
    await pane.send('wait here', 'Enter');
    await h.model.waitForRequests(start + 4, { timeoutMs: 20_000 });
    await pane.send('/steer also this', 'Enter');
    await pane.send('C-c');
    const interrupted = await pane.waitFor(/turn interrupted/, 'the interrupted turn');
    expect(interrupted).not.toContain('codexus: '); // /steer was accepted by the running turn
    await pane.send('C-c');
    const { code } = await pane.exitCode();
    expect(code).toBe(0);
  });

  it('web: serves the @codexus/web bridge; Ctrl-C stops it and its codex', async () => {
    const pane = await h.tmux.codexus(['web', '--port', '0', ...h.args], {
      ...h.home.env,
      CODEXUS_WEB_TOKEN: TOKEN,
    });
    const screen = await pane.waitFor(/open http:\/\/127\.0\.0\.1:\d+\//, 'the bridge URL');
    const url = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(screen)?.[1] as string;
    expect(screen).toContain(`sessions run in ${h.workspace.path}`);
    const health = await fetch(`${url}/healthz`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(5_000),
    });
    expect(health.status).toBe(200);
    const codex = await pane.codexProcesses();
    expect(codex.length).toBe(1);
    await pane.send('C-c');
    const { code } = await pane.exitCode();
    expect(code).toBe(0);
    expect(await survivors(codex)).toEqual([]);
  });
});
