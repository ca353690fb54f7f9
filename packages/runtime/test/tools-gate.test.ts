/** Tools and the experimental gate: codexus opens codex's capability only for tools. */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { AppServer, CodexusError, tool } from '../src/index.js';
import { useHarness } from './harness.js';

const echo = tool({
  name: 'echo',
  description: 'echoes',
  input: v.object({ text: v.string() }),
  run: ({ text }) => text,
});

describe('a client connected without tools', () => {
  const h = useHarness();

  it('refuses a session with tools before any RPC, naming how to enable them', async () => {
    const before = h.client.metrics().requests;
    const error = await h.client
      .startSession({ cwd: h.workspace.path, tools: [echo] })
      .catch((e: unknown) => e);
    expect(CodexusError.is(error, 'EXPERIMENTAL_API_REQUIRED')).toBe(true);
    expect((error as Error).message).toMatch(/connect with `tools`/);
    expect(h.client.metrics().requests).toBe(before);
    // An empty tools list asks for nothing.
    await expect(h.client.startSession({ cwd: h.workspace.path, tools: [] })).resolves.toBeDefined();
  });
});

describe('a client connected with tools: []', () => {
  const h = useHarness([], { client: { tools: [] } });

  it('opens the capability on the wire, but the local experimental gate stays closed', async () => {
    expect(h.client.server.experimentalApi).toBe(false);
    const app = AppServer.over(h.client.runtime);
    const local = await app.request('mock/experimentalMethod' as never, {} as never).catch((e: unknown) => e);
    expect(CodexusError.is(local, 'EXPERIMENTAL_API_REQUIRED')).toBe(true);
    // The raw path reaches codex, which no longer refuses for lack of the capability.
    const raw = await app.requestUnchecked('mock/experimentalMethod', {}).catch((e: unknown) => e);
    expect(String(raw instanceof Error ? raw.message : JSON.stringify(raw))).not.toMatch(
      /requires experimentalApi capability/,
    );
  });
});
