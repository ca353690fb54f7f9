import { message, reasoning, step, streamedMessage, userTexts } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import type { PromptRunEvent } from '../src/index.js';
import { useHarness } from './harness.js';

describe('Session.ask against the real codex', () => {
  const h = useHarness();

  it('runs a turn and returns the scripted text, items and usage', async () => {
    h.model.enqueue(step(reasoning('thinking about it'), message('hello from the scripted model')));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    expect(session.info.modelProvider).toBe('codexus-scripted');
    const result = await session.ask('say hello');
    expect(result.status).toBe('completed');
    expect(result.text).toBe('hello from the scripted model');
    expect(result.threadId).toBe(session.threadId);
    expect(result.items.map((i) => i.type)).toEqual(
      expect.arrayContaining(['userMessage', 'reasoning', 'agentMessage']),
    );
    expect(result.usage?.total.totalTokens).toBeGreaterThan(0);
    const last = h.model.requests.at(-1)!;
    expect(userTexts(last)).toContain('say hello');
  });

  it('assembles streamed deltas into text and yields events in order', async () => {
    h.model.enqueue(streamedMessage(['Hel', 'lo, ', 'world']));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const stream = session.askStream('stream please');
    const events: PromptRunEvent[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    expect(result.text).toBe('Hello, world');
    const deltas = events.filter((e) => e.type === 'textDelta').map((e) => (e as { delta: string }).delta);
    expect(deltas.join('')).toBe('Hello, world');
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('turnStarted');
    expect(types.at(-1)).toBe('turnCompleted');
    const agentDone = events.findIndex((e) => e.type === 'itemCompleted' && e.item.type === 'agentMessage');
    expect(agentDone).toBeGreaterThan(types.lastIndexOf('textDelta'));
  });

  it('keeps history: a second turn sees the first', async () => {
    h.model.enqueue(message('first answer'), message('second answer'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    await session.ask('first question');
    const second = await session.ask('second question');
    expect(second.text).toBe('second answer');
    const request = h.model.requests.at(-1)!;
    expect(userTexts(request)).toEqual(expect.arrayContaining(['first question', 'second question']));
    expect(JSON.stringify(request.body)).toContain('first answer');
  });

  it('rejects a second ask while a turn runs (TURN_IN_PROGRESS), without interleaving', async () => {
    h.model.enqueue(message('only one'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const first = session.ask('one');
    expect(() => session.askStream('two')).toThrow(expect.objectContaining({ code: 'TURN_IN_PROGRESS' }));
    await expect(session.ask('two')).rejects.toMatchObject({ code: 'TURN_IN_PROGRESS' });
    await expect(first).resolves.toMatchObject({ text: 'only one' });
  });
});
