import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import type { SessionConfig } from '../session-config.js';
import { type Tool, type ToolArgs, type ToolContext, tool } from './tool.js';
import { toolNamespace } from './tool-namespace.js';

describe('tool() types', () => {
  it('types run() args from the valibot schema and the context', () => {
    const weather = tool({
      name: 'get_weather',
      description: 'weather',
      input: v.object({ city: v.string(), days: v.nullable(v.number()) }),
      run: (args, context) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days: number | null }>();
        expectTypeOf(context).toEqualTypeOf<ToolContext>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
        return `sunny in ${args.city}`;
      },
    });
    expectTypeOf(weather).toEqualTypeOf<Tool<{ city: string; days: number | null }>>();
    expectTypeOf<ToolArgs<typeof weather>>().toEqualTypeOf<{ city: string; days: number | null }>();
  });

  it('accepts content items and async results, and refuses other return types', () => {
    tool({
      name: 'img',
      description: 'an image',
      input: v.object({}),
      run: async () => [{ type: 'image', url: 'data:image/png;base64,' }] as const,
    });
    tool({
      name: 'bad',
      description: 'bad',
      input: v.object({}),
      // @ts-expect-error a number is no tool output
      run: () => 42,
    });
  });

  it('types the args of a Standard Schema with an explicit JSON Schema', () => {
    const schema = v.object({ n: v.number() });
    const t = tool({
      name: 'n',
      description: 'n',
      input: { standard: schema, jsonSchema: { type: 'object' } },
      run: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ n: number }>();
        return String(args.n);
      },
    });
    expectTypeOf<ToolArgs<typeof t>>().toEqualTypeOf<{ n: number }>();
  });

  it('takes tools of different argument types and namespaces in SessionConfig.tools', () => {
    const a = tool({ name: 'a', description: 'a', input: v.object({ x: v.string() }), run: ({ x }) => x });
    const b = tool({
      name: 'b',
      description: 'b',
      input: v.object({ y: v.number() }),
      run: ({ y }) => `${y}`,
    });
    const config: SessionConfig = {
      cwd: '/',
      tools: [a, toolNamespace({ name: 'ns', description: 'ns', tools: [b] })],
    };
    expectTypeOf(config.tools).not.toBeUndefined();
  });
});
