/** Typed MCP servers (`mcpServers`): a real stdio MCP server that the scripted model calls through codex. */
import { fileURLToPath } from 'node:url';
import { functionCallOutput, message, type RecordedRequest, rawItem, step } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { CodexusError, type McpServerConfig } from '../src/index.js';
import { useHarness, within } from './harness.js';

const SERVER = fileURLToPath(new URL('./fixtures/mcp-weather-server.mjs', import.meta.url));

/**
 * Calls the server's `forecast` the way this codex offered it: 0.171 offers a namespace
 * `mcp__weather` holding `forecast`; an older codex may offer one function `mcp__weather__forecast`.
 */
function callForecast(request: RecordedRequest, callId: string) {
  const tools =
    (request.body as { tools?: { type: string; name?: string; tools?: { name: string }[] }[] }).tools ?? [];
  const namespace = tools.find((t) => t.type === 'namespace' && t.name === 'mcp__weather');
  const offered = namespace?.tools?.map((t) => t.name) ?? tools.map((t) => t.name ?? '');
  const call = {
    type: 'function_call',
    id: `fc_${callId}`,
    call_id: callId,
    name: namespace ? 'forecast' : 'mcp__weather__forecast',
    ...(namespace ? { namespace: 'mcp__weather' } : {}),
    arguments: JSON.stringify({ city: 'Paris' }),
    status: 'completed',
  };
  return { offered, item: rawItem(call as never) };
}

describe('mcpServers against the real codex', () => {
  const h = useHarness();

  it('starts the stdio server with its env and enabled tools; the model calls it through codex', async () => {
    let offered: string[] = [];
    h.model.enqueue((request) => {
      const made = callForecast(request, 'call_mcp');
      offered = made.offered;
      return step(made.item);
    }, message('done'));
    const weather: McpServerConfig = {
      command: process.execPath,
      args: [SERVER],
      env: { FORECAST_PREFIX: 'rain in' },
      enabledTools: ['forecast'],
      startupTimeoutMs: 20_000,
      toolTimeoutMs: 10_000,
      approvalMode: 'approve', // with approval `never`, codex refuses an unannotated MCP tool otherwise
    };
    // codex starts MCP servers in the background: wait for `ready` so the first request lists the tool.
    const ready = new Promise<void>((resolve) => {
      const listener = h.client.runtime.on('mcpServer/startupStatus/updated', (n) => {
        const p = n.params as { name?: string; status?: string };
        if (p.name === 'weather' && p.status === 'ready') {
          listener.dispose();
          resolve();
        }
      });
    });
    const session = await h.client.startSession({ cwd: h.workspace.path, mcpServers: { weather } });
    await within(ready, 'the MCP server to be ready', 20_000);
    const result = await session.ask('forecast for Paris?');
    expect(result.text).toBe('done');
    expect(offered.some((name) => name.includes('forecast'))).toBe(true);
    expect(offered.some((name) => name.includes('secret'))).toBe(false); // left out by enabledTools
    expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_mcp')).toContain('rain in Paris');
    const item = result.items.find((i) => i.type === 'mcpToolCall');
    expect(item).toMatchObject({ server: 'weather', tool: 'forecast', status: 'completed' });
  });

  it('refuses a malformed mcpServers entry before any RPC, naming the field', async () => {
    const before = h.client.metrics().requests;
    const bad = async (servers: unknown) =>
      h.client
        .startSession({ cwd: h.workspace.path, mcpServers: servers as Record<string, McpServerConfig> })
        .catch((e: unknown) => e);
    const both = await bad({ w: { command: 'x', url: 'http://127.0.0.1:1/mcp' } });
    expect(CodexusError.is(both, 'VALIDATION_FAILED')).toBe(true);
    expect(String(both)).toMatch(/mcpServers\.w: needs exactly one of command/);
    expect(String(await bad({ w: { url: 'ftp://x' } }))).toMatch(/mcpServers\.w\.url/);
    expect(String(await bad({ w: { command: 'x', timeoutMs: 5 } }))).toMatch(
      /mcpServers\.w\.timeoutMs: unknown field/,
    );
    expect(String(await bad({ 'bad name': { command: 'x' } }))).toMatch(/server name/);
    expect(String(await bad({ w: { command: 'x', toolTimeoutMs: -1 } }))).toMatch(/toolTimeoutMs/);
    expect(h.client.metrics().requests).toBe(before);
  });
});
