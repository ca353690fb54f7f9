/** Server-side in-process tools in a web profile: the browser picks the profile, the server runs the tool. */
import { Client, tool } from '@codexus/runtime';
import { functionCall, functionCallOutput, message, startScriptedHarness, step } from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebAdapter, type WebEvent } from '../src/index.js';

/** `{ city: string }` as a Standard Schema plus its JSON Schema (web has no valibot). */
const City = {
  standard: {
    '~standard': {
      version: 1 as const,
      vendor: 'test',
      validate: (value: unknown): { value: { city: string } } | { issues: { message: string }[] } =>
        typeof (value as { city?: unknown } | null)?.city === 'string'
          ? { value: value as { city: string } }
          : { issues: [{ message: 'city must be a string' }] },
    },
  },
  jsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('tools in a web profile, against the real codex', () => {
  let h: Awaited<ReturnType<typeof startScriptedHarness<Client>>>;
  let adapter: WebAdapter;
  beforeAll(async () => {
    h = await startScriptedHarness({
      connect: (home) => Client.connect({ codexHome: home.path, env: home.env, tools: [] }),
    });
    const weather = tool({
      name: 'get_weather',
      description: 'weather',
      input: City,
      run: ({ city }) => `sunny in ${city}`,
    });
    adapter = WebAdapter.create(h.client, {
      roots: [h.workspace.path],
      profiles: { tooled: { tools: [weather] } },
      defaultProfile: 'tooled',
    });
  });
  afterAll(async () => {
    await adapter?.close();
    await h?.close();
  });

  it('runs the profile tool and streams its toolCallStarted / toolCallCompleted events', async () => {
    h.model.enqueue(
      step(functionCall('get_weather', { city: 'Oslo' }, { callId: 'call_web' })),
      message('done'),
    );
    const { sessionId } = await adapter.createSession('alpha', { profile: 'tooled' });
    const events = adapter.subscribeSessionEvents('alpha', sessionId);
    await adapter.createTurn('alpha', sessionId, { prompt: 'weather?' });
    const seen: WebEvent[] = [];
    const deadline = setTimeout(() => void events.return?.(), 15_000);
    for await (const event of events) {
      seen.push(event);
      if (event.type === 'turnCompleted') break;
    }
    clearTimeout(deadline);
    expect(seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(['toolCallStarted', 'toolCallCompleted', 'turnCompleted']),
    );
    expect(seen.find((e) => e.type === 'toolCallCompleted')).toMatchObject({
      call: { name: 'get_weather', success: true },
    });
    expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_web')).toBe('sunny in Oslo');
  });
});
