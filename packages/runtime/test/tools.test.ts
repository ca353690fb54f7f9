/** In-process tools (`tool()`, `toolNamespace()`) through a Session, against the real codex. */

import { compareVersions } from '@codexus/core';
import type { PreHook } from '@codexus/plugin';
import {
  codexBinVersion,
  functionCall,
  functionCallOutput,
  functionCallOutputs,
  message,
  rawItem,
  step,
  toolNames,
} from '@codexus/testkit';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  type AnyTool,
  type ApprovalRequest,
  type PromptRunEvent,
  type ToolContext,
  tool,
  toolNamespace,
} from '../src/index.js';
import { useHarness, within } from './harness.js';

const City = v.object({ city: v.string() });

/**
 * codex 0.150.0 sends the calls of one response one at a time (the next after the previous answer);
 * 0.171.0 sends them all at once, and codexus runs them concurrently.
 */
const parallelToolCalls = compareVersions(codexBinVersion(), '0.171.0') >= 0;

/** The text codex passed back to the model for `callId` (in the last request). */
function outputOf(h: { model: { requests: readonly unknown[] } }, callId: string): string | undefined {
  for (const request of [...h.model.requests].reverse()) {
    const out = functionCallOutput(request as Parameters<typeof functionCallOutput>[0], callId);
    if (out !== undefined) return out;
  }
  return undefined;
}

describe('in-process tools against the real codex', () => {
  const approvals: ApprovalRequest[] = [];
  const h = useHarness([], {
    client: {
      tools: [],
      approvalHandler: (request) => {
        approvals.push(request);
        return 'decline';
      },
    },
  });

  it('offers the tool, runs it with typed args and context, and the answer reaches the model', async () => {
    const calls: { args: { city: string }; context: ToolContext }[] = [];
    const weather = tool({
      name: 'get_weather',
      description: 'The weather in a city',
      input: City,
      run: (args, context) => {
        calls.push({ args, context });
        return `sunny in ${args.city}`;
      },
    });
    h.model.enqueue(
      step(functionCall('get_weather', { city: 'Paris' }, { callId: 'call_w1' })),
      message('done'),
    );
    const state = h.client.state();
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [weather] });
    const stream = session.askStream('weather?');
    const events: PromptRunEvent[] = [];
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    expect(result.text).toBe('done');
    expect(outputOf(h, 'call_w1')).toBe('sunny in Paris');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args).toEqual({ city: 'Paris' });
    expect(calls[0]?.context).toMatchObject({
      threadId: session.threadId,
      turnId: result.turnId,
      callId: 'call_w1',
    });
    const offered = h.model.requests.at(-2) as Parameters<typeof toolNames>[0];
    expect(toolNames(offered)).toContain('get_weather');
    const completed = events.find((e) => e.type === 'toolCallCompleted');
    expect(events.some((e) => e.type === 'toolCallStarted' && e.call.name === 'get_weather')).toBe(true);
    expect(completed).toMatchObject({ call: { callId: 'call_w1', name: 'get_weather', success: true } });
    expect(completed?.type === 'toolCallCompleted' && completed.call.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.items.some((i) => i.type === 'dynamicToolCall' && i.tool === 'get_weather')).toBe(true);
    expect(approvals).toEqual([]); // a registered tool's call never reaches the approval handler
    // The state projection records the call with its tool and duration.
    const thread = state.projection.get().threads.find((t) => t.id === session.threadId);
    const recorded = thread?.turns.flatMap((t) => t.items).find((i) => i.type === 'dynamicToolCall');
    expect(recorded).toMatchObject({ id: 'call_w1', tool: 'get_weather', status: 'completed' });
    expect(typeof recorded?.durationMs).toBe('number');
  });

  it('answers success:false for invalid arguments and a throwing run; codex refuses unknown names', async () => {
    let ran = 0;
    const weather = tool({
      name: 'get_weather',
      description: 'weather',
      input: City,
      run: (args) => {
        ran++;
        if (args.city === 'Atlantis') throw new Error('no such city: Atlantis');
        return 'ok';
      },
    });
    h.model.enqueue(
      step(
        functionCall('get_weather', { town: 'Paris' }, { callId: 'call_bad' }),
        functionCall('get_weather', { city: 'Atlantis' }, { callId: 'call_throw' }),
        functionCall('get_wether', { city: 'Paris' }, { callId: 'call_unknown' }),
      ),
      message('done'),
    );
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [weather] });
    const stream = session.askStream('go');
    const completed: Extract<PromptRunEvent, { type: 'toolCallCompleted' }>[] = [];
    for await (const e of stream) if (e.type === 'toolCallCompleted') completed.push(e);
    await stream.result;
    expect(ran).toBe(1); // only the call whose arguments passed the schema ran
    expect(outputOf(h, 'call_bad')).toMatch(/invalid arguments for tool "get_weather": \$\.city/);
    expect(outputOf(h, 'call_throw')).toBe('no such city: Atlantis');
    // codex answers a name it never offered itself (no item/tool/call reaches the client).
    expect(outputOf(h, 'call_unknown')).toMatch(/unsupported call: get_wether/);
    expect(completed.map((e) => [e.call.callId, e.call.success])).toEqual([
      ['call_bad', false],
      ['call_throw', false],
    ]);
    expect(approvals).toEqual([]);
  });

  it('routes a namespaced call to the tool of that namespace, with image content', async () => {
    const seen: ToolContext[] = [];
    const geo = toolNamespace({
      name: 'geo',
      description: 'Geography tools',
      tools: [
        tool({
          name: 'lookup',
          description: 'Finds a city',
          input: City,
          run: (args, context) => {
            seen.push(context);
            return [
              { type: 'text', text: `${args.city}: 48.85N 2.35E` },
              {
                type: 'image',
                url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
              },
            ];
          },
        }),
      ],
    });
    const call = rawItem({
      type: 'function_call',
      id: 'fc_ns',
      call_id: 'call_ns',
      name: 'lookup',
      namespace: 'geo',
      arguments: JSON.stringify({ city: 'Paris' }),
      status: 'completed',
    } as never);
    h.model.enqueue(step(call), message('done'));
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [geo] });
    await session.ask('where?');
    expect(seen.map((c) => [c.namespace, c.name])).toEqual([['geo', 'lookup']]);
    const output = functionCallOutputs(h.model.requests.at(-1) as never).find((o) => o.call_id === 'call_ns');
    expect(JSON.stringify(output?.output)).toContain('48.85N');
    expect(JSON.stringify(output?.output)).toContain('data:image/png');
  });

  it.runIf(parallelToolCalls)('runs several calls of one response concurrently', async () => {
    let started = 0;
    let release!: () => void;
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = tool({
      name: 'slow',
      description: 'waits for the other call',
      input: v.object({ n: v.number() }),
      run: async (args) => {
        if (++started === 2) release();
        await within(bothStarted, 'both calls running at once', 5_000);
        return `done ${args.n}`;
      },
    });
    h.model.enqueue(
      step(
        functionCall('slow', { n: 1 }, { callId: 'call_c1' }),
        functionCall('slow', { n: 2 }, { callId: 'call_c2' }),
      ),
      message('done'),
    );
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [slow] });
    await session.ask('go');
    expect(outputOf(h, 'call_c1')).toBe('done 1');
    expect(outputOf(h, 'call_c2')).toBe('done 2');
  });

  it('aborts a pending run when the turn is interrupted, and the turn ends interrupted', async () => {
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => {
      running = resolve;
    });
    let abortReason: unknown;
    const hang = tool({
      name: 'hang',
      description: 'never finishes by itself',
      input: v.object({}),
      run: (_args, { signal }) =>
        new Promise<string>((_, reject) => {
          running();
          signal.addEventListener('abort', () => {
            abortReason = signal.reason;
            reject(signal.reason);
          });
        }),
    });
    h.model.enqueue(step(functionCall('hang', {}, { callId: 'call_hang' })), message('never reached'));
    const session = await h.client.startSession({ cwd: h.workspace.path, tools: [hang] });
    const stream = session.askStream('go');
    await within(isRunning, 'the tool to run');
    await session.interrupt();
    const result = await within(stream.result, 'the interrupted result');
    expect(result.status).toBe('interrupted');
    expect(String(abortReason)).toMatch(/interrupted|withdrew/);
    expect(session.tools?.pending).toBe(0);
    h.model.clear();
  });

  it('runs PreToolUse (a block answers success:false, run never runs) and PostToolUse for tools', async () => {
    let ran = 0;
    const post: string[] = [];
    const guarded = tool({
      name: 'delete_all',
      description: 'dangerous',
      input: v.object({}),
      run: () => {
        ran++;
        return 'deleted';
      },
    });
    const block: PreHook = {
      name: 'no-delete',
      phases: ['PreToolUse'],
      run: (ctx) =>
        ctx.tool?.kind === 'dynamicToolCall' && ctx.tool.name === 'delete_all'
          ? { type: 'block', reason: { message: 'not allowed' } }
          : { type: 'continue' },
    };
    h.model.enqueue(step(functionCall('delete_all', {}, { callId: 'call_del' })), message('done'));
    const session = await h.client.startSession({
      cwd: h.workspace.path,
      tools: [guarded],
      hooks: [
        block,
        {
          name: 'post',
          phases: ['PostToolUse'],
          run: (ctx) => {
            post.push(`${ctx.tool?.kind}:${ctx.tool?.name}:${ctx.result?.status}`);
            return undefined;
          },
        },
      ],
    });
    const result = await session.ask('go');
    expect(ran).toBe(0);
    expect(outputOf(h, 'call_del')).toBe('declined by hook "no-delete": not allowed');
    expect(post).toEqual(['dynamicToolCall:delete_all:failed']); // codex marks a success:false call failed
    expect(result.hookReports?.map((r) => [r.phase, r.hook, r.outcome])).toEqual(
      expect.arrayContaining([['PreToolUse', 'no-delete', 'block']]),
    );
  });

  it('a PreToolUse patch replaces the arguments, and the patched ones pass the schema again', async () => {
    const seen: { city: string }[] = [];
    const weather = tool({
      name: 'get_weather',
      description: 'weather',
      input: City,
      run: (args) => {
        seen.push(args);
        return `sunny in ${args.city}`;
      },
    });
    const rewrite = (city: unknown): PreHook => ({
      name: `rewrite-${String(city)}`,
      phases: ['PreToolUse'],
      run: () => ({ type: 'patch', patch: { arguments: { city } } }),
    });
    /** One turn calling get_weather(Paris), on a session whose PreToolUse hook rewrites the city. */
    const askWith = async (city: unknown, callId: string): Promise<void> => {
      h.model.enqueue(step(functionCall('get_weather', { city: 'Paris' }, { callId })), message('ok'));
      const session = await h.client.startSession({
        cwd: h.workspace.path,
        tools: [weather],
        hooks: [rewrite(city)],
      });
      await session.ask('go');
    };
    await askWith('Lyon', 'call_p1');
    expect(seen).toEqual([{ city: 'Lyon' }]);
    expect(outputOf(h, 'call_p1')).toBe('sunny in Lyon');
    await askWith(42, 'call_p2');
    expect(seen).toHaveLength(1); // a patch that does not fit the schema never reaches run
    expect(outputOf(h, 'call_p2')).toMatch(/invalid arguments for tool "get_weather": \$\.city/);
  });

  /** codex answers "thread is closing; retry" while it unloads a closed thread: retry, bounded. */
  async function resumeWhenUnloaded(threadId: string, tools: AnyTool[]) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        return await h.client.resumeSession(threadId, { tools });
      } catch (error) {
        if (!/is closing/.test(String(error)) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it('a resumed thread keeps its stored tools; a call of one the session lacks answers unknown tool', async () => {
    const a = tool({ name: 'a_tool', description: 'a', input: v.object({}), run: () => 'from a' });
    const b = tool({ name: 'b_tool', description: 'b', input: v.object({}), run: () => 'from b' });
    h.model.enqueue(message('first'));
    const started = await h.client.startSession({ cwd: h.workspace.path, tools: [a] });
    await started.ask('one');
    await started.close();
    h.model.enqueue(step(functionCall('a_tool', {}, { callId: 'call_resumed' })), message('done'));
    const resumed = await resumeWhenUnloaded(started.threadId, [b]);
    await resumed.ask('two');
    expect(toolNames(h.model.requests.at(-2) as never)).toContain('a_tool'); // codex offers the stored tools
    expect(outputOf(h, 'call_resumed')).toBe('unknown tool "a_tool"');
    expect(approvals).toEqual([]);
  });

  it('refuses bad tools before any RPC', async () => {
    const before = h.client.metrics().requests;
    const ok = tool({ name: 'ok', description: 'ok', input: City, run: () => 'ok' });
    const cwd = h.workspace.path;
    await expect(h.client.startSession({ cwd, tools: [ok, ok] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/used twice/),
    });
    await expect(h.client.startSession({ cwd, tools: [{ ...ok, name: 'has space' }] })).rejects.toMatchObject(
      {
        code: 'VALIDATION_FAILED',
      },
    );
    await expect(
      h.client.startSession({ cwd, tools: [toolNamespace({ name: 'empty', description: 'x', tools: [] })] }),
    ).rejects.toThrow(/has no tools/);
    expect(() =>
      tool({ name: 'x', description: 'x', input: v.object({ when: v.date() }), run: () => 'x' }),
    ).toThrow(/tool "x": input schema at \$\.when/);
    expect(h.client.metrics().requests).toBe(before);
  });
});
