/** PreToolUse / PostToolUse matchers on in-process tools, against the real codex. */
import {
  FilteredPostHook,
  FilteredPreHook,
  type HookContext,
  type PostHook,
  type PreHook,
} from '@codexus/plugin';
import { functionCall, functionCallOutput, message, rawItem, shell, step } from '@codexus/testkit';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { tool, toolNamespace } from '../src/index.js';
import { useHarness } from './harness.js';

const City = v.object({ city: v.string() });

/** The model calling `lookup` of the namespace `geo` (a call `functionCall` cannot write). */
const geoLookup = (callId: string) =>
  rawItem({
    type: 'function_call',
    id: `fc_${callId}`,
    call_id: callId,
    name: 'lookup',
    namespace: 'geo',
    arguments: JSON.stringify({ city: 'Paris' }),
    status: 'completed',
  } as never);

/** A matcher by tool name (`namespace/name` for a namespaced tool), as a hook's `matches`. */
const named =
  (name: string) =>
  (context: HookContext): boolean =>
    context.tool?.name === name;

describe('hook matchers on in-process tools', () => {
  const h = useHarness([], { client: { tools: [] } });
  /** What codex passed back to the model for `callId` (the last request carries every output). */
  const output = (callId: string) => functionCallOutput(h.model.requests.at(-1) as never, callId);

  it('a PreToolUse matcher patches or blocks only the tool it names; the others run untouched', async () => {
    const runs: string[] = [];
    const weather = tool({
      name: 'get_weather',
      description: 'weather',
      input: City,
      run: ({ city }) => {
        runs.push(`get_weather:${city}`);
        return `sunny in ${city}`;
      },
    });
    const remove = tool({
      name: 'delete_all',
      description: 'dangerous',
      input: v.object({}),
      run: () => {
        runs.push('delete_all');
        return 'deleted';
      },
    });
    const geo = toolNamespace({
      name: 'geo',
      description: 'geography',
      tools: [
        tool({
          name: 'lookup',
          description: 'finds a city',
          input: City,
          run: ({ city }) => {
            runs.push(`geo/lookup:${city}`);
            return `${city}: found`;
          },
        }),
      ],
    });
    const seenBy: Record<string, string[]> = { patch: [], block: [] };
    const patchWeather: PreHook = {
      name: 'patch-weather',
      phases: ['PreToolUse'],
      matches: named('get_weather'),
      run: (ctx) => {
        seenBy.patch?.push(String(ctx.tool?.name));
        return { type: 'patch', patch: { arguments: { city: 'Lyon' } } };
      },
    };
    const blockDelete: PreHook = {
      name: 'no-delete',
      phases: ['PreToolUse'],
      matches: named('delete_all'),
      run: (ctx) => {
        seenBy.block?.push(String(ctx.tool?.name));
        return { type: 'block', reason: { message: 'not allowed' } };
      },
    };
    const lookup = geoLookup('call_geo');
    h.model.enqueue(
      step(
        functionCall('get_weather', { city: 'Paris' }, { callId: 'call_weather' }),
        functionCall('delete_all', {}, { callId: 'call_delete' }),
        lookup,
      ),
      message('done'),
    );
    const session = await h.client.startSession({
      cwd: h.workspace.path,
      tools: [weather, remove, geo],
      // The kind matcher in front: these hooks never run for codex's own tools.
      hooks: [
        new FilteredPreHook(patchWeather, { tools: ['dynamicToolCall'] }),
        new FilteredPreHook(blockDelete, { tools: ['dynamicToolCall'] }),
      ],
    });
    const result = await session.ask('go');
    expect(seenBy).toEqual({ patch: ['get_weather'], block: ['delete_all'] });
    expect(runs.sort()).toEqual(['geo/lookup:Paris', 'get_weather:Lyon']);
    expect(output('call_weather')).toBe('sunny in Lyon');
    expect(output('call_delete')).toBe('declined by hook "no-delete": not allowed');
    expect(output('call_geo')).toBe('Paris: found');
    // A hook whose matcher says no is skipped without a report.
    const reports = (result.hookReports ?? []).filter((r) => r.phase === 'PreToolUse');
    expect(reports.map((r) => [r.hook, r.outcome]).sort()).toEqual([
      ['no-delete', 'block'],
      ['patch-weather', 'patch'],
    ]);
  });

  it('a PostToolUse matcher observes only the tool (and the kind) it names', async () => {
    const ping = tool({ name: 'ping', description: 'ping', input: v.object({}), run: () => 'pong' });
    const pong = tool({ name: 'pong', description: 'pong', input: v.object({}), run: () => 'ping' });
    const observed: Record<string, string[]> = { ping: [], dynamic: [], all: [] };
    const record =
      (key: string): PostHook['run'] =>
      (ctx) => {
        observed[key]?.push(`${ctx.tool?.kind}:${ctx.tool?.name ?? ctx.tool?.command}:${ctx.result?.status}`);
        return undefined;
      };
    h.model.enqueue(
      step(
        functionCall('ping', {}, { callId: 'call_ping' }),
        functionCall('pong', {}, { callId: 'call_pong' }),
        shell('echo hi', { callId: 'call_shell', login: false }),
      ),
      message('done'),
    );
    const session = await h.client.startSession({
      cwd: h.workspace.path,
      tools: [ping, pong],
      hooks: [
        { name: 'only-ping', phases: ['PostToolUse'], matches: named('ping'), run: record('ping') },
        new FilteredPostHook(
          { name: 'dynamic-only', phases: ['PostToolUse'], run: record('dynamic') },
          { tools: ['dynamicToolCall'] },
        ),
        { name: 'everything', phases: ['PostToolUse'], run: record('all') },
      ],
    });
    await session.ask('go');
    expect(output('call_ping')).toBe('pong');
    expect(observed.ping).toEqual(['dynamicToolCall:ping:completed']);
    expect(observed.dynamic?.sort()).toEqual([
      'dynamicToolCall:ping:completed',
      'dynamicToolCall:pong:completed',
    ]);
    // The unfiltered hook also saw the command, so the kind matcher above really filtered it out.
    expect(observed.all).toEqual(
      expect.arrayContaining([expect.stringMatching(/^commandExecution:.*echo hi/)]),
    );
    expect(observed.all).toHaveLength(3);
  });

  // PostToolUse's context comes from the item (src/hooks/tool-hooks.ts): it must name the tool the
  // way PreToolUse does.
  it('PostToolUse names a namespaced tool `namespace/name`, like PreToolUse', async () => {
    const names: Record<string, string[]> = { PreToolUse: [], PostToolUse: [] };
    const geo = toolNamespace({
      name: 'geo',
      description: 'geography',
      tools: [tool({ name: 'lookup', description: 'finds', input: City, run: ({ city }) => city })],
    });
    const lookup = geoLookup('call_geo2');
    h.model.enqueue(step(lookup), message('done'));
    const observe = (phase: 'PreToolUse' | 'PostToolUse') => ({
      name: `names-${phase}`,
      phases: [phase],
      run: (ctx: HookContext) => {
        names[phase]?.push(String(ctx.tool?.name));
        return phase === 'PreToolUse' ? { type: 'continue' as const } : undefined;
      },
    });
    const session = await h.client.startSession({
      cwd: h.workspace.path,
      tools: [geo],
      hooks: [observe('PreToolUse') as PreHook, observe('PostToolUse') as PostHook],
    });
    await session.ask('go');
    expect(names.PreToolUse).toEqual(['geo/lookup']);
    expect(names.PostToolUse).toEqual(['geo/lookup']);
  });
});
