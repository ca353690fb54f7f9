/**
 * In-process tools: the model calls a `tool()` of this program (beside codex's own tools), and a
 * `toolNamespace()` groups tools under one name. `run` gets validated, typed arguments and a signal.
 * The input schemas here are small hand-written Standard Schemas (any Standard Schema with a JSON
 * Schema works); with valibot it is just `input: v.object({ city: v.string() })` (docs/tools.md).
 * Run: `pnpm --filter @codexus/examples exec tsx src/tools.ts [--live]`.
 */
import { Client, type JsonObject, tool, toolNamespace } from '@codexus/runtime';
import { functionCall, message, rawItem, step } from '@codexus/testkit';
import { live, runIfMain, setup } from './offline.js';
import * as say from './transcript.js';

/** `{ [key]: string }`, as a Standard Schema plus its JSON Schema. */
function stringField<K extends string>(key: K) {
  const jsonSchema: JsonObject = {
    type: 'object',
    properties: { [key]: { type: 'string' } },
    required: [key],
    additionalProperties: false,
  };
  type Out = { [P in K]: string };
  const standard = {
    '~standard': {
      version: 1 as const,
      vendor: 'example',
      validate: (value: unknown): { value: Out } | { issues: { message: string; path: K[] }[] } =>
        typeof (value as Record<string, unknown> | null)?.[key] === 'string'
          ? { value: value as Out }
          : { issues: [{ message: `${key} must be a string`, path: [key] }] },
    },
  };
  return { standard, jsonSchema };
}

const notes: string[] = [];

const weather = tool({
  name: 'get_weather',
  description: 'The current weather in a city.',
  input: stringField('city'),
  run: ({ city }) => `${city}: 18 °C, light rain`,
});

const notebook = toolNamespace({
  name: 'notebook',
  description: 'A notebook kept by the host program.',
  tools: [
    tool({
      name: 'add_note',
      description: 'Adds a note.',
      input: stringField('text'),
      run: ({ text }, { callId }) => {
        notes.push(text);
        return `saved note ${notes.length} (call ${callId})`;
      },
    }),
  ],
});

export async function main(): Promise<void> {
  await using env = await setup([
    step(functionCall('get_weather', { city: 'Paris' })),
    step(
      rawItem({
        type: 'function_call',
        id: 'fc_note',
        call_id: 'call_note',
        name: 'add_note',
        namespace: 'notebook',
        arguments: JSON.stringify({ text: 'take an umbrella' }),
        status: 'completed',
      } as never),
    ),
    message('It is 18 °C with light rain in Paris; I noted to take an umbrella.'),
  ]);
  // `tools` on the client enables the experimental capability they need (for them only).
  await using client = await Client.connect({ ...env.client, tools: [weather] });
  say.heading(`in-process tools (codex ${client.server.codexVersion}, ${live ? 'live' : 'scripted model'})`);
  await using session = await client.startSession({ cwd: env.cwd, tools: [notebook] });
  const text = 'What is the weather in Paris? Note what I should bring.';
  say.prompt(text);
  const stream = session.askStream(text);
  for await (const event of stream) {
    if (event.type === 'toolCallStarted')
      say.note(
        `tool call: ${event.call.namespace ? `${event.call.namespace}/` : ''}${event.call.name} ${JSON.stringify(event.call.arguments)}`,
      );
    if (event.type === 'toolCallCompleted')
      say.note(
        `tool ${event.call.name}: ${event.call.success ? 'ok' : `failed (${event.call.error})`}, ${event.call.durationMs} ms`,
      );
  }
  say.result(await stream.result);
  say.line(`notes kept by this program: ${JSON.stringify(notes)}`);
}

runIfMain(import.meta.url, main);
