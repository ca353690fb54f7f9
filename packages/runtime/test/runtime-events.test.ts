import { message, startScriptedHarness } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { Runtime, type ServerNotification } from '../src/index.js';

describe('Runtime (layer 6) against the real codex', () => {
  it('events() yields one thread’s notifications, filtered, and ends when the runtime closes', async () => {
    await using h = await startScriptedHarness({
      steps: [message('event stream')],
      connect: (home) => Runtime.start({ codexHome: home.path }),
    });
    const rt = h.client;
    const { thread } = await rt.request('thread/start', {
      cwd: h.workspace.path,
    });
    const other = await rt.request('thread/start', { cwd: h.workspace.path });
    const completed = rt.events({ threadId: thread.id, methods: ['turn/started', 'turn/completed'] });
    const untilClose = rt.events({ threadId: other.thread.id });
    await rt.request('turn/start', {
      threadId: thread.id,
      input: [{ type: 'text', text: 'go', text_elements: [] }],
    });
    const seen: ServerNotification[] = [];
    for await (const n of completed) {
      seen.push(n);
      if (n.method === 'turn/completed') break;
    }
    expect(seen.map((n) => n.method)).toEqual(['turn/started', 'turn/completed']);
    expect(seen.every((n) => (n.params as { threadId: string }).threadId === thread.id)).toBe(true);
    // The other thread saw nothing of this turn; its iterator ends when the runtime closes.
    const drained = (async () => {
      const got: string[] = [];
      for await (const n of untilClose) got.push(n.method);
      return got;
    })();
    await rt.close();
    const otherEvents = await drained;
    expect(otherEvents.filter((m) => m.startsWith('turn/') || m.startsWith('item/'))).toEqual([]);
    expect(rt.lifecycle).toBe('closed');
    // A new iterator on a closed runtime ends at once.
    const late = rt.events();
    await expect(late.next()).resolves.toEqual({ value: undefined, done: true });
  });
});
