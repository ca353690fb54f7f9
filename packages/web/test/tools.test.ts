/** Server-side in-process tools in a web profile: the browser picks the profile, the server runs the tool. */
import { AppServer, Client, CodexusError, tool } from '@codexus/runtime';
import {
  functionCall,
  functionCallOutput,
  message,
  type ScriptedHarness,
  startScriptedHarness,
  step,
} from '@codexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebAdapter, type WebEvent } from '../src/index.js';
import { oneTurn } from './web-harness.js';

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

const weather = tool({
  name: 'get_weather',
  description: 'weather',
  input: City,
  run: ({ city }) => `sunny in ${city}`,
});

/**
 * One turn of a new session of the `tooled` profile in which the model calls get_weather(city):
 * the session's events until the turn completed (bounded: a hang ends the loop and fails).
 */
async function weatherTurn(
  h: ScriptedHarness<unknown>,
  adapter: WebAdapter,
  city: string,
  callId: string,
): Promise<WebEvent[]> {
  h.model.enqueue(step(functionCall('get_weather', { city }, { callId })), message('done'));
  return (await oneTurn(adapter, 'weather?', { profile: 'tooled' })).events;
}

describe('tools in a web profile (WebAdapter.create), against the real codex', () => {
  let h: ScriptedHarness<Client>;
  let adapter: WebAdapter;
  beforeAll(async () => {
    h = await startScriptedHarness({
      connect: (home) => Client.connect({ codexHome: home.path, env: home.env, tools: [] }),
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
    const seen = await weatherTurn(h, adapter, 'Oslo', 'call_web');
    expect(seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(['toolCallStarted', 'toolCallCompleted', 'turnCompleted']),
    );
    expect(seen.find((e) => e.type === 'toolCallCompleted')).toMatchObject({
      call: { name: 'get_weather', success: true },
    });
    expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_web')).toBe('sunny in Oslo');
  });
});

describe('tools in a web profile (WebAdapter.connect: no client flag), against the real codex', () => {
  let h: ScriptedHarness<undefined>;
  let adapter: WebAdapter;
  beforeAll(async () => {
    h = await startScriptedHarness({});
    // No `tools` / `dynamicTools` on the client config: the adapter sees the profile's tools.
    adapter = await WebAdapter.connect(
      { roots: [h.workspace.path], profiles: { tooled: { tools: [weather] } }, defaultProfile: 'tooled' },
      { codexHome: h.home.path, env: h.home.env },
    );
  });
  afterAll(async () => {
    await adapter?.close();
    await h?.close();
  });

  it('a session of the tools profile runs the tool and the answer reaches the model', async () => {
    const seen = await weatherTurn(h, adapter, 'Bergen', 'call_connect');
    expect(seen.find((e) => e.type === 'toolCallCompleted')).toMatchObject({
      call: { name: 'get_weather', success: true },
    });
    expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_connect')).toBe('sunny in Bergen');
  });

  it('the local experimental gate stays closed on the connection it opened for tools', async () => {
    const client = adapter.client as Client; // WebAdapter.connect connects a Client
    expect(client.server.experimentalApi).toBe(false);
    const refused = await AppServer.over(client.runtime)
      .request('mock/experimentalMethod' as never, {} as never)
      .catch((e: unknown) => e);
    expect(CodexusError.is(refused, 'EXPERIMENTAL_API_REQUIRED')).toBe(true);
  });

  it('close() closes the client it connected', async () => {
    const own = await WebAdapter.connect(
      { roots: [h.workspace.path] },
      { codexHome: h.home.path, env: h.home.env },
    );
    await own.close();
    await expect(own.client.startSession({ cwd: h.workspace.path })).rejects.toMatchObject({
      code: 'CONNECTION_CLOSED',
    });
  });
});

describe('bad profile tools', () => {
  it('are refused by WebAdapter.connect before codex is spawned, naming the profile', async () => {
    const refused = await WebAdapter.connect(
      { profiles: { default: { tools: [weather, weather] } } },
      { codexBin: '/nonexistent/codex' }, // a spawn would fail differently
    ).catch((e: unknown) => e);
    expect(CodexusError.is(refused, 'VALIDATION_FAILED')).toBe(true);
    expect(refused).toMatchObject({
      message: expect.stringMatching(/profile "default": .*used twice/),
      data: { path: 'profiles.default.tools[1]' },
    });
  });

  it('are refused by WebAdapter.create at once, not at the first session', () => {
    const notUsed = {} as Client; // refused before the client is touched
    expect(() =>
      WebAdapter.create(notUsed, { profiles: { default: {}, tooled: { tools: [weather, 'x' as never] } } }),
    ).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', data: { path: 'profiles.tooled.tools[1]' } }),
    );
  });
});
