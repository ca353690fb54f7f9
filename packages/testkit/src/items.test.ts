import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  type FunctionCallItem,
  functionCall,
  message,
  nextId,
  rawItem,
  reasoning,
  renderPatchOperations,
  type ScriptItem,
  shell,
  streamedMessage,
} from './items.js';

function args(scriptItem: ScriptItem): Record<string, unknown> {
  return JSON.parse((scriptItem.item as FunctionCallItem).arguments) as Record<string, unknown>;
}

describe('item builders', () => {
  it('give every item a fresh id', () => {
    const ids = [message('a'), message('b'), reasoning('c'), shell('d')].map((i) => i.item.id);
    expect(new Set(ids).size).toBe(4);
    expect(nextId('x')).toMatch(/^x_\d+$/);
  });

  it('message: an assistant output_text message, no deltas', () => {
    const item = message('hi');
    expect(item.deltas).toBeUndefined();
    expect(item.item).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'hi' }],
    });
  });

  it('streamedMessage: the joined text plus the chunks as deltas', () => {
    const item = streamedMessage(['a', 'b', 'c']);
    expect(item.deltas).toEqual(['a', 'b', 'c']);
    expect(item.item).toMatchObject({ content: [{ text: 'abc' }] });
  });

  it('reasoning: a summary_text summary', () => {
    expect(reasoning('plan').item).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'plan' }],
    });
  });

  it('shell: an exec_command function call with snake_case arguments', () => {
    const item = shell('echo hi', {
      callId: 'c1',
      workdir: '/w',
      sandboxPermissions: 'require_escalated',
      justification: 'why',
      login: false,
      prefixRule: ['echo'],
      yieldTimeMs: 500,
    });
    expect(item.item).toMatchObject({ type: 'function_call', name: 'exec_command', call_id: 'c1' });
    expect(args(item)).toEqual({
      cmd: 'echo hi',
      workdir: '/w',
      sandbox_permissions: 'require_escalated',
      justification: 'why',
      login: false,
      prefix_rule: ['echo'],
      yield_time_ms: 500,
    });
    expect(args(shell('ls'))).toEqual({ cmd: 'ls' });
    expect(shell('ls').item).toMatchObject({ call_id: expect.stringMatching(/^call_\d+$/) });
  });

  it('functionCall: any tool, arguments as JSON text', () => {
    expect(functionCall('t', '{"raw":1}').item).toMatchObject({ name: 't', arguments: '{"raw":1}' });
    expect(args(functionCall('t', { a: [1] }))).toEqual({ a: [1] });
  });

  it('applyPatch: an exec_command running apply_patch with a heredoc envelope', () => {
    const item = applyPatch({ addFile: { path: 'a.txt', content: 'hi\nthere\n' } }, { callId: 'p1' });
    expect(args(item).cmd).toBe(
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a.txt\n+hi\n+there\n*** End Patch\nEOF\n",
    );
    expect(item.item).toMatchObject({ call_id: 'p1', name: 'exec_command' });
  });

  it('applyPatch: accepts raw patch text with or without the Begin/End lines', () => {
    const body = '*** Delete File: old.txt';
    const expected = `apply_patch <<'EOF'\n*** Begin Patch\n${body}\n*** End Patch\nEOF\n`;
    expect(args(applyPatch(body)).cmd).toBe(expected);
    expect(args(applyPatch(`*** Begin Patch\n${body}\n*** End Patch\n`)).cmd).toBe(expected);
  });

  it('renderPatchOperations: add, delete, update with move', () => {
    expect(
      renderPatchOperations([
        { addFile: { path: 'n.txt', content: 'x' } },
        { deleteFile: { path: 'd.txt' } },
        { updateFile: { path: 'u.txt', moveTo: 'v.txt', diff: '@@\n-old\n+new\n' } },
      ]),
    ).toBe(
      '*** Add File: n.txt\n+x\n*** Delete File: d.txt\n*** Update File: u.txt\n*** Move to: v.txt\n@@\n-old\n+new',
    );
  });

  it('rawItem: sends any item unchanged', () => {
    const item = rawItem({ type: 'web_search_call', id: 'ws_1', status: 'completed' }, ['a']);
    expect(item).toEqual({
      kind: 'item',
      item: { type: 'web_search_call', id: 'ws_1', status: 'completed' },
      deltas: ['a'],
    });
  });
});
