/** `RunProfile.tools` / `mcpServers` through quickRun and Workflow, against the real codex. */
import { functionCall, functionCallOutput, message, step } from '@codexus/testkit';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { QuickRunError, quickRunWithProfile, tool, Workflow } from '../src/index.js';
import { useQuickHarness } from './harness.js';

const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  input: v.object({ a: v.number(), b: v.number() }),
  run: ({ a, b }) => String(a + b),
});

describe('tools in a RunProfile', () => {
  const h = useQuickHarness();

  it('quickRunWithProfile offers the tool, runs it and passes the answer to the model', async () => {
    h.model.enqueue(step(functionCall('add', { a: 2, b: 3 }, { callId: 'call_add' })), message('five'));
    const result = await quickRunWithProfile(
      'add 2 and 3',
      { tools: [add] },
      {
        cwd: h.workspace.path,
        codexHome: h.home.path,
      },
    );
    expect(result.text).toBe('five');
    expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_add')).toBe('5');
  });

  it.each([
    { freshThreadPerRun: false, threads: 1 },
    { freshThreadPerRun: true, threads: 2 },
  ])(
    'a Workflow offers its tools on every run (freshThreadPerRun: $freshThreadPerRun)',
    async ({ freshThreadPerRun, threads }) => {
      h.model.enqueue(
        step(functionCall('add', { a: 1, b: 1 }, { callId: 'call_w1' })),
        message('two'),
        step(functionCall('add', { a: 2, b: 2 }, { callId: 'call_w2' })),
        message('four'),
      );
      await using workflow = await Workflow.connect({
        cwd: h.workspace.path,
        codexHome: h.home.path,
        freshThreadPerRun,
        tools: [add],
      });
      const seen = new Set<string>();
      expect((await workflow.run('1+1')).text).toBe('two');
      seen.add(workflow.threadId);
      expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_w1')).toBe('2');
      expect((await workflow.run('2+2')).text).toBe('four');
      seen.add(workflow.threadId);
      expect(functionCallOutput(h.model.requests.at(-1) as never, 'call_w2')).toBe('4');
      expect(seen.size).toBe(threads);
    },
  );

  it('refuses bad tools and MCP servers before spawning codex', async () => {
    const spawnedBefore = h.model.requests.length;
    const refused = await quickRunWithProfile(
      'x',
      { tools: [add, add] },
      {
        cwd: h.workspace.path,
        codexHome: h.home.path,
      },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuickRunError);
    expect((refused as QuickRunError).kind).toBe('connect');
    expect(String((refused as QuickRunError).cause ?? refused)).toMatch(/used twice/);
    const badMcp = await Workflow.connect({
      cwd: h.workspace.path,
      codexHome: h.home.path,
      mcpServers: { w: { url: 'ftp://nowhere' } },
    }).catch((e: unknown) => e);
    expect(String((badMcp as QuickRunError).cause ?? badMcp)).toMatch(/mcpServers\.w\.url/);
    expect(h.model.requests.length).toBe(spawnedBefore);
  });
});
