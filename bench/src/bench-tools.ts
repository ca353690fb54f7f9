import { Client, tool } from '@codexus/runtime';
import { functionCall, message, step } from '@codexus/testkit';
import { type BenchContext, reps } from './context.js';
import { codexEnv, expectText, hermetic } from './hermetic.js';
import { RawClient } from './raw-client.js';
import { latencyRow, type Row } from './report.js';
import { interleave } from './stats.js';

const INPUT_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

/** A hand-written Standard Schema for `{city: string}` (bench has no valibot; any Standard Schema works). */
const City = {
  '~standard': {
    version: 1 as const,
    vendor: 'bench',
    validate: (value: unknown): { value: { city: string } } | { issues: { message: string }[] } =>
      typeof value === 'object' && value !== null && typeof (value as { city?: unknown }).city === 'string'
        ? { value: value as { city: string } }
        : { issues: [{ message: 'city must be a string' }] },
  },
};

/**
 * A turn with one dynamic-tool round trip (the model calls `get_weather`, the client answers, the
 * model answers): `Session.ask` with a `tool()` vs a raw client that sends `dynamicTools` and answers
 * `item/tool/call` by hand, each on its own warm codex and thread.
 */
export async function tools(ctx: BenchContext): Promise<Row[]> {
  const weather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    input: { standard: City, jsonSchema: INPUT_SCHEMA },
    run: ({ city }) => `sunny in ${city}`,
  });
  const h = await hermetic({
    connect: (home) =>
      Client.connect({ codexHome: home.path, env: home.env, codexBin: ctx.codexBin, tools: [weather] }),
  });
  const raw = await RawClient.start(ctx.codexBin, codexEnv(h.home), [], {
    experimentalApi: true,
    onServerRequest: (method, params) =>
      method === 'item/tool/call'
        ? {
            contentItems: [
              {
                type: 'inputText',
                text: `sunny in ${(params as { arguments: { city: string } }).arguments.city}`,
              },
            ],
            success: true,
          }
        : undefined,
  });
  try {
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const spec = {
      type: 'function',
      name: 'get_weather',
      description: 'The weather in a city',
      inputSchema: INPUT_SCHEMA,
    };
    const thread = await raw.startThread(h.workspace.path, { dynamicTools: [spec] });
    const rounds = reps(ctx, 60, 8);
    ctx.log(`tools: ${rounds} rounds`);
    const enqueue = (): void =>
      h.model.enqueue(step(functionCall('get_weather', { city: 'Paris' })), message('ok'));
    const s = await interleave(rounds, 3, {
      codexus: async () => {
        enqueue();
        expectText((await session.ask('weather?')).text, 'ok', 'Session.ask with a tool');
      },
      raw: async () => {
        enqueue();
        await raw.turn(thread, 'weather?');
      },
    });
    return [
      latencyRow(
        'tools',
        'turn with one dynamic-tool round trip, median',
        s,
        'codexus',
        { key: 'raw', name: 'raw stdio answering item/tool/call' },
        { op: '<=', value: 1.05 },
      ),
    ];
  } finally {
    await raw.close();
    await h.close();
  }
}
