import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hang, lastUserText, message, streamedMessage } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { CliJsonEvent } from '../src/index.js';
import { tmuxBin, useCliHarness } from './harness.js';
import { type Pane, survivors } from './tmux.js';

const readEvents = (file: string): CliJsonEvent[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as CliJsonEvent);

describe.skipIf(!tmuxBin)(
  'codexus run and chat in a terminal (tmux): streaming and interrupts, real codex',
  () => {
    const h = useCliHarness();

    /** A pane running `args`, once the model holds its (hanging) request; with the pane's codex. */
    async function hanging(args: string[], suffix = ''): Promise<{ pane: Pane; codex: { pid: number }[] }> {
      const before = h.model.requests.length;
      const pane = await h.tmux.codexus(args, h.home.env, suffix);
      await h.model.waitForRequests(before + 1, { timeoutMs: 20_000 });
      const codex = await pane.codexProcesses();
      expect(codex.length).toBe(1);
      return { pane, codex };
    }

    it('streams the answer live: the text is on the screen while the turn is still running', async () => {
      h.model.enqueue(hang(streamedMessage(['live ', 'streamed ', 'answer'])));
      const { pane, codex } = await hanging(['run', ...h.args, 'stream it']);
      const screen = await pane.waitFor(/live streamed answer/, 'the streamed text');
      // The model's response is still open: the turn has not ended, the command has not exited.
      expect(screen).not.toContain('[codexus exited ');
      await pane.send('C-c');
      const { code } = await pane.exitCode();
      expect(code).toBe(130);
      expect(await survivors(codex)).toEqual([]);
    });

    it('the second Ctrl-C exits at once, even when the turn cannot end: exit 130, no codex left', async () => {
      h.model.enqueue(hang());
      const { pane, codex } = await hanging(['run', ...h.args, 'wait forever']);
      const pid = (codex[0] as { pid: number }).pid;
      // codex frozen: the interrupt of the first Ctrl-C cannot be answered, the turn cannot end.
      process.kill(pid, 'SIGSTOP');
      try {
        await pane.send('C-c');
        await pane.waitFor(/Ctrl-C again to exit/, 'the first Ctrl-C noted');
        await pane.send('C-c');
        const { code, screen } = await pane.exitCode();
        expect(code).toBe(130);
        expect(screen).not.toContain('turn interrupted');
        expect(await survivors(codex)).toEqual([]);
      } finally {
        if (await survivors(codex, 0).then((left) => left.length > 0)) process.kill(pid, 'SIGCONT');
      }
    });

    it('--json ends with exactly one result line when interrupted: once (the turn) and twice (at once)', async () => {
      h.model.enqueue(hang(), hang());
      const once = join(h.workspace.path, 'interrupted-once.jsonl');
      const first = await hanging(['run', ...h.args, '--json', 'interrupt me'], `> ${once}`);
      await first.pane.send('C-c');
      expect((await first.pane.exitCode()).code).toBe(130);
      const onceEvents = readEvents(once);
      expect(onceEvents.filter((e) => e.type === 'result').length).toBe(1);
      expect(onceEvents.at(-1)).toMatchObject({ type: 'result', status: 'interrupted', exitCode: 130 });
      expect(onceEvents.map((e) => e.type)).toContain('turnCompleted');

      const twice = join(h.workspace.path, 'interrupted-twice.jsonl');
      const second = await hanging(['run', ...h.args, '--json', 'exit at once'], `> ${twice}`);
      const pid = (second.codex[0] as { pid: number }).pid;
      process.kill(pid, 'SIGSTOP');
      try {
        await second.pane.send('C-c', 'C-c');
        expect((await second.pane.exitCode()).code).toBe(130);
        // Checked before the finally below continues a codex that is still there.
        expect(await survivors(second.codex)).toEqual([]);
      } finally {
        if (await survivors(second.codex, 0).then((left) => left.length > 0)) process.kill(pid, 'SIGCONT');
      }
      const twiceEvents = readEvents(twice);
      expect(twiceEvents.filter((e) => e.type === 'result').length).toBe(1);
      expect(twiceEvents.at(-1)).toMatchObject({
        type: 'result',
        status: 'interrupted',
        exitCode: 130,
        error: { message: 'exited: Ctrl-C pressed twice' },
      });
      expect(twiceEvents.map((e) => e.type)).not.toContain('turnCompleted');
    });

    it('chat: /interrupt stops the running turn and the session goes on with the next prompt', async () => {
      h.model.enqueue(hang(), message('after the interrupt'));
      const before = h.model.requests.length;
      const pane = await h.tmux.codexus(['chat', ...h.args], h.home.env);
      await pane.waitFor(/thread \S+ \(/, 'the chat prompt');
      await pane.send('-l', 'wait for ever');
      await pane.send('Enter');
      await h.model.waitForRequests(before + 1, { timeoutMs: 20_000 });
      await pane.send('-l', '/interrupt');
      await pane.send('Enter');
      await pane.waitFor(/turn interrupted/, 'the turn interrupted');
      await pane.send('-l', 'and now?');
      await pane.send('Enter');
      await pane.waitFor(/after the interrupt/, 'the next answer');
      const next = h.model.requests[before + 1];
      expect(next && lastUserText(next)).toBe('and now?');
      // Same thread: the interrupted prompt is in the next request's history.
      expect(JSON.stringify(next?.body)).toContain('wait for ever');
      await pane.send('-l', '/exit');
      await pane.send('Enter');
      expect((await pane.exitCode()).code).toBe(0);
    });
  },
);
