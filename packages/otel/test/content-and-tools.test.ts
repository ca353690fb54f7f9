import { tool } from '@codexus/runtime';
import { functionCall, message, shell, step } from '@codexus/testkit';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { spanTree, turnSpans, useTelemetryHarness } from './telemetry-harness.js';

/** A Standard Schema for `{city: string}` without a schema library. */
const City = {
  standard: {
    '~standard': {
      version: 1 as const,
      vendor: 'test',
      validate: (value: unknown) =>
        typeof value === 'object' && value !== null && typeof (value as { city?: unknown }).city === 'string'
          ? { value: value as { city: string } }
          : { issues: [{ message: 'city must be a string' }] },
    },
  },
  jsonSchema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};

describe('content capture and in-process tools (real codex, scripted model)', () => {
  const h = useTelemetryHarness({ client: { tools: [] }, telemetry: { captureContent: true } });

  it('captureContent: true records the prompt, the answer, the command and its output', async () => {
    h.model.enqueue(step(shell('echo captured-output', { login: false })), message('the answer'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    await session.ask('the prompt');
    const spans = h.spans.getFinishedSpans();
    const turn = turnSpans(spans, session.threadId)[0]!;
    expect(JSON.parse(String(turn.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'the prompt' }] },
    ]);
    expect(JSON.parse(String(turn.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'the answer' }], finish_reason: 'completed' },
    ]);
    const shellSpan = spans.find((s) => s.parentSpanContext?.spanId === turn.spanContext().spanId)!;
    expect(shellSpan.attributes['gen_ai.tool.call.arguments']).toContain('echo captured-output');
    expect(shellSpan.attributes['gen_ai.tool.call.result']).toContain('captured-output');
  });

  it('an in-process tool call is an execute_tool span of type function; a failing one is an error', async () => {
    const weather = tool({
      name: 'get_weather',
      description: 'The weather in a city',
      input: City,
      run: (args) => {
        const city = args?.city;
        if (city === 'Atlantis') throw new Error('no such city');
        return `sunny in ${city}`;
      },
    });
    h.model.enqueue(
      step(functionCall('get_weather', { city: 'Paris' }, { callId: 'call_ok' })),
      step(functionCall('get_weather', { city: 'Atlantis' }, { callId: 'call_bad' })),
      message('done'),
    );
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [weather] });
    await session.ask('weather?');
    const spans = h.spans.getFinishedSpans();
    const turn = turnSpans(spans, session.threadId)[0]!;
    expect(spanTree(spans, turn)).toEqual([
      'invoke_agent codex',
      '  execute_tool get_weather',
      '  execute_tool get_weather',
    ]);
    const byCall = (id: string) => spans.find((s) => s.attributes['gen_ai.tool.call.id'] === id)!;
    expect(byCall('call_ok').attributes).toMatchObject({
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.type': 'function',
      'codexus.tool.status': 'completed',
    });
    expect(byCall('call_ok').status.code).toBe(SpanStatusCode.UNSET);
    expect(byCall('call_bad').status.code).toBe(SpanStatusCode.ERROR);
    expect(byCall('call_bad').attributes['error.type']).toBe('tool_failed');
    expect(String(byCall('call_ok').attributes['gen_ai.tool.call.arguments'])).toContain('Paris');
  });
});
