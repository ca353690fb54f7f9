/** In-process tools: a run pending at session close, and a Standard Schema input, against the real codex. */
import type { WireTraceEntry } from '@codexus/core';
import { functionCall, functionCallOutput, message, step, type toolNames } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { tool } from '../src/index.js';
import { useHarness, within } from './harness.js';

/** The wire as codex and the client wrote it, for checking what the client answered. */
const wire: WireTraceEntry[] = [];

/** The `result` the client wrote for codex's `item/tool/call` request with this `callId`. */
function answerTo(callId: string): unknown {
  const lines = wire.map((entry) => ({
    ...entry,
    message: JSON.parse(entry.text) as Record<string, unknown>,
  }));
  const request = lines.find(
    (l) =>
      l.direction === 'in' &&
      l.message.method === 'item/tool/call' &&
      (l.message.params as { callId?: string }).callId === callId,
  );
  if (!request) return undefined;
  return lines.find(
    (l) => l.direction === 'out' && l.message.id === request.message.id && 'result' in l.message,
  )?.message.result;
}

/** `{ city: string }` as a plain Standard Schema (no valibot) with its JSON Schema. */
const City = {
  standard: {
    '~standard': {
      version: 1 as const,
      vendor: 'hand-written',
      validate: (
        value: unknown,
      ): { value: { city: string } } | { issues: { message: string; path: string[] }[] } => {
        const city = (value as { city?: unknown } | null)?.city;
        return typeof city === 'string' && city.length > 0
          ? { value: { city } }
          : { issues: [{ message: 'city must be a non-empty string', path: ['city'] }] };
      },
    },
  },
  jsonSchema: {
    type: 'object',
    properties: { city: { type: 'string', description: 'the city' } },
    required: ['city'],
    additionalProperties: false,
  },
};

describe('in-process tools: close and Standard Schema', () => {
  const h = useHarness([], {
    client: { tools: [], trace: (entry) => wire.push(entry) },
  });

  it('session.close() aborts a pending run, answers it success:false and does not hang', async () => {
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => {
      running = resolve;
    });
    const signals: AbortSignal[] = [];
    const stuck = tool({
      name: 'stuck',
      description: 'never finishes and ignores its signal',
      input: City,
      run: (_args, { signal }) => {
        signals.push(signal);
        running();
        return new Promise<string>(() => {});
      },
    });
    h.model.enqueue(
      step(functionCall('stuck', { city: 'Paris' }, { callId: 'call_stuck' })),
      message('not reached'),
    );
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [stuck] });
    const stream = session.askStream('go');
    await within(isRunning, 'the tool to run');
    expect(session.tools?.pending).toBe(1);
    await within(session.close(), 'session.close()');
    const result = await within(stream.result, 'the turn result');
    expect(result.status).toBe('interrupted');
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(session.tools?.pending).toBe(0);
    expect(answerTo('call_stuck')).toMatchObject({
      success: false,
      contentItems: [{ type: 'inputText', text: expect.stringMatching(/interrupted|closed|withdrew|ended/) }],
    });
    h.model.clear();
  });

  it('a Standard Schema input: its JSON Schema is offered, bad args answer the issues, good args are typed', async () => {
    const cities: string[] = [];
    const weather = tool({
      name: 'get_weather',
      description: 'weather',
      input: City,
      run: ({ city }) => {
        cities.push(city); // \`city: string\`, inferred from the Standard Schema
        return `sunny in ${city}`;
      },
    });
    expect(weather.inputSchema).toEqual(City.jsonSchema);
    h.model.enqueue(
      step(
        functionCall('get_weather', { city: '' }, { callId: 'call_empty' }),
        functionCall('get_weather', { city: 'Oslo' }, { callId: 'call_oslo' }),
      ),
      message('done'),
    );
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [weather] });
    const result = await session.ask('weather?');
    expect(result.text).toBe('done');
    const offered = h.model.requests.at(-2) as Parameters<typeof toolNames>[0] & {
      body?: { tools?: { name?: string; parameters?: unknown }[] };
    };
    expect(offered.body?.tools?.find((t) => t.name === 'get_weather')?.parameters).toEqual(City.jsonSchema);
    const last = h.model.requests.at(-1) as Parameters<typeof functionCallOutput>[0];
    expect(functionCallOutput(last, 'call_empty')).toBe(
      'invalid arguments for tool "get_weather": $.city: city must be a non-empty string',
    );
    expect(answerTo('call_empty')).toMatchObject({ success: false });
    expect(functionCallOutput(last, 'call_oslo')).toBe('sunny in Oslo');
    expect(answerTo('call_oslo')).toMatchObject({ success: true });
    expect(cities).toEqual(['Oslo']);
  });
});
