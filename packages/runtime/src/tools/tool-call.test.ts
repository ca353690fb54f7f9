import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { tool } from './tool.js';
import { runToolCall, type ToolCallOutcome } from './tool-call.js';
import { toolNamespace } from './tool-namespace.js';
import { ToolRegistry } from './tool-registry.js';

const params = (tool: string, args: unknown, namespace: string | null = null) => ({
  threadId: 't',
  turnId: 'u',
  callId: 'c',
  tool,
  namespace,
  arguments: args,
});

const echo = tool({
  name: 'echo',
  description: 'echo',
  input: v.object({ text: v.string() }),
  run: ({ text }) => text,
});

describe('runToolCall', () => {
  const registry = new ToolRegistry([echo, toolNamespace({ name: 'ns', description: 'ns', tools: [echo] })]);
  const signal = new AbortController().signal;

  it('answers a registered tool, in or out of its namespace, and reports the outcome', async () => {
    const outcomes: ToolCallOutcome[] = [];
    const options = {
      registry,
      signal,
      timeoutMs: 1_000,
      onCompleted: (o: ToolCallOutcome) => outcomes.push(o),
    };
    expect(await runToolCall(params('echo', { text: 'hi' }), options)).toEqual({
      contentItems: [{ type: 'inputText', text: 'hi' }],
      success: true,
    });
    expect(await runToolCall(params('echo', { text: 'ns' }, 'ns'), options)).toMatchObject({ success: true });
    expect(outcomes.map((o) => [o.name, o.namespace, o.success])).toEqual([
      ['echo', undefined, true],
      ['echo', 'ns', true],
    ]);
  });

  it('answers success:false for an unknown tool or namespace', async () => {
    const options = { registry, signal, timeoutMs: 1_000 };
    expect(await runToolCall(params('nope', {}), options)).toEqual({
      contentItems: [{ type: 'inputText', text: 'unknown tool "nope"' }],
      success: false,
    });
    expect((await runToolCall(params('echo', { text: 'x' }, 'other'), options)).contentItems[0]).toEqual({
      type: 'inputText',
      text: 'unknown tool "other/echo"',
    });
  });

  it('aborts a run past its timeout and answers with the reason', async () => {
    let aborted = false;
    const slow = tool({
      name: 'slow',
      description: 'slow',
      input: v.object({}),
      timeoutMs: 20,
      run: (_args, { signal }) =>
        new Promise<string>(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    });
    const answer = await runToolCall(params('slow', {}), {
      registry: new ToolRegistry([slow]),
      signal,
      timeoutMs: 60_000,
    });
    expect(answer).toEqual({
      contentItems: [{ type: 'inputText', text: 'tool "slow" timed out after 20 ms' }],
      success: false,
    });
    expect(aborted).toBe(true);
  });

  it('answers when the caller aborts, even if run ignores its signal', async () => {
    const stuck = tool({
      name: 'stuck',
      description: 's',
      input: v.object({}),
      run: () => new Promise<string>(() => {}),
    });
    const controller = new AbortController();
    const pending = runToolCall(params('stuck', {}), {
      registry: new ToolRegistry([stuck]),
      signal: controller.signal,
      timeoutMs: 60_000,
    });
    controller.abort(new Error('the turn was interrupted'));
    expect(await pending).toMatchObject({
      success: false,
      contentItems: [{ text: 'the turn was interrupted' }],
    });
  });

  it('refuses a malformed content item from run', async () => {
    const bad = tool({
      name: 'bad',
      description: 'b',
      input: v.object({}),
      run: () => [{ type: 'audio' }] as never,
    });
    const answer = await runToolCall(params('bad', {}), {
      registry: new ToolRegistry([bad]),
      signal,
      timeoutMs: 1_000,
    });
    expect(answer.success).toBe(false);
    expect(answer.contentItems[0]).toMatchObject({
      text: expect.stringMatching(/invalid content item at \[0\]/),
    });
  });
});
