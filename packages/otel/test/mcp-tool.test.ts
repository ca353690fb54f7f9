import { fileURLToPath } from 'node:url';
import {
  functionCall,
  functionCallOutput,
  message,
  type RecordedRequest,
  rawItem,
  step,
} from '@codexus/testkit';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { spanTree, turnSpans, useTelemetryHarness } from './telemetry-harness.js';

/** The runtime tests' stdio MCP server (`@modelcontextprotocol/sdk`): tool `forecast {city}`. */
const SERVER = fileURLToPath(new URL('../../runtime/test/fixtures/mcp-weather-server.mjs', import.meta.url));

/**
 * A model call of the MCP server `weather`'s tool `forecast`, in the shape this codex offers it: a
 * namespace `mcp__weather` holding `forecast` (0.171), or one flat function `mcp__weather__forecast`.
 */
function forecastCall(request: RecordedRequest, callId: string) {
  const namespace = JSON.stringify(request.body).includes('"name":"mcp__weather"')
    ? 'mcp__weather'
    : undefined;
  const call = functionCall(namespace ? 'forecast' : 'mcp__weather__forecast', { city: 'Paris' }, { callId });
  return step(namespace ? rawItem({ ...call.item, namespace } as never) : call);
}

describe('an MCP tool call through codex (real codex, real stdio MCP server, scripted model)', () => {
  const h = useTelemetryHarness();

  it('is an execute_tool span under its turn: tool name, call id, type extension, server', async () => {
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the MCP server was not ready in 20 s')), 20_000);
      const listener = h.client.runtime.on('mcpServer/startupStatus/updated', (n) => {
        const p = n.params as { name?: string; status?: string };
        if (p.name !== 'weather' || p.status !== 'ready') return;
        clearTimeout(timer);
        listener.dispose();
        resolve();
      });
    });
    const session = await h.client.startSession({
      cwd: h.workspace.path,
      mcpServers: {
        // with approval `never` codex refuses an unannotated MCP tool unless it is approved here
        weather: { command: process.execPath, args: [SERVER], approvalMode: 'approve' },
      },
    });
    await ready; // codex starts MCP servers in the background: the first request must list the tool
    h.model.enqueue((request) => forecastCall(request, 'call_mcp'), message('forecast told'));
    const result = await session.ask('forecast for Paris?');
    expect(result.text).toBe('forecast told');
    const item = result.items.find((i) => i.type === 'mcpToolCall') as
      | { id: string; server: string; tool: string; status: string }
      | undefined;
    expect(item).toMatchObject({ server: 'weather', tool: 'forecast', status: 'completed' });
    // the server really ran (its answer went back to the model), and the item is the model's call
    expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_mcp')).toContain('forecast: Paris');
    expect(item?.id).toBe('call_mcp');

    const spans = h.spans.getFinishedSpans();
    const turn = turnSpans(spans, session.threadId)[0]!;
    expect(spanTree(spans, turn)).toEqual(['invoke_agent codex', `  execute_tool ${item?.tool}`]);
    const tool = spans.find((s) => s.name === `execute_tool ${item?.tool}`)!;
    expect(tool.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(tool.spanContext().traceId).toBe(turn.spanContext().traceId);
    expect(tool.kind).toBe(SpanKind.INTERNAL);
    expect(tool.status.code).toBe(SpanStatusCode.UNSET);
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': item?.tool,
      'gen_ai.tool.call.id': item?.id,
      'gen_ai.tool.type': 'extension',
      'codexus.mcp.server': item?.server,
      'codexus.tool.status': item?.status,
    });
    // no content by default: neither the arguments nor the server's answer
    expect(JSON.stringify(tool.attributes)).not.toMatch(/Paris|forecast:/);
  });
});
