import { describe, expect, it } from 'vitest';
import { functionCall, message, reasoning, streamedMessage, streamedReasoning } from './items.js';
import { encodeSseEvent, responseEvents } from './sse.js';
import { failure, hang, step } from './steps.js';

describe('encodeSseEvent', () => {
  it('writes one `event:`/`data:` block ending in a blank line', () => {
    const text = encodeSseEvent({
      type: 'response.created',
      data: { type: 'response.created', response: { id: 'r' } },
    });
    expect(text).toBe('event: response.created\ndata: {"type":"response.created","response":{"id":"r"}}\n\n');
  });
});

describe('responseEvents', () => {
  it('answers a message with created, output_item.done, completed (with usage)', () => {
    const item = message('hello');
    const events = responseEvents('resp_x', step(item));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.done',
      'response.completed',
    ]);
    for (const [i, event] of events.entries()) {
      expect(event.data.type).toBe(event.type);
      expect(event.data.sequence_number).toBe(i);
    }
    expect(events[0]?.data.response).toMatchObject({ id: 'resp_x' });
    expect(events[1]?.data).toMatchObject({
      output_index: 0,
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] },
    });
    expect(events[2]?.data.response).toEqual({
      id: 'resp_x',
      object: 'response',
      status: 'completed',
      usage: {
        input_tokens: 10,
        input_tokens_details: null,
        output_tokens: 5,
        output_tokens_details: null,
        total_tokens: 15,
      },
    });
  });

  it('lets a step override the usage', () => {
    const events = responseEvents('r', {
      items: [message('x')],
      usage: { input_tokens: 7, total_tokens: 12 },
    });
    expect(events.at(-1)?.data.response).toMatchObject({
      usage: { input_tokens: 7, output_tokens: 5, total_tokens: 12 },
    });
  });

  it('streams a message: added (empty, in progress), one delta per chunk with ids and indexes, done', () => {
    const item = streamedMessage(['Hel', 'lo']);
    const id = item.item.id;
    const events = responseEvents('r', step(reasoning('think'), item));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]?.data).toMatchObject({
      output_index: 1,
      item: { id, type: 'message', status: 'in_progress', content: [] },
    });
    expect(events[3]?.data).toMatchObject({ item_id: id, output_index: 1, content_index: 0, delta: 'Hel' });
    expect(events[4]?.data).toMatchObject({ delta: 'lo' });
    expect(events[5]?.data).toMatchObject({ item: { id, content: [{ text: 'Hello' }] } });
  });

  it('streams a reasoning summary with summary_part.added and summary text deltas', () => {
    const item = streamedReasoning(['a', 'b']);
    const events = responseEvents('r', step(item));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[3]?.data).toMatchObject({ item_id: item.item.id, summary_index: 0, delta: 'a' });
    expect(events[5]?.data).toMatchObject({
      item: { type: 'reasoning', summary: [{ type: 'summary_text', text: 'ab' }] },
    });
  });

  it('sends a function call item as is', () => {
    const call = functionCall('exec_command', { cmd: 'ls' }, { callId: 'c9' });
    const events = responseEvents('r', step(call));
    expect(events[1]?.data.item).toEqual({
      type: 'function_call',
      id: call.item.id,
      call_id: 'c9',
      name: 'exec_command',
      arguments: '{"cmd":"ls"}',
      status: 'completed',
    });
  });

  it('ends a failure step with response.failed carrying code and message', () => {
    const events = responseEvents('r', failure('boom', 'rate_limit_exceeded'));
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.failed']);
    expect(events[1]?.data.response).toEqual({
      id: 'r',
      object: 'response',
      status: 'failed',
      error: { code: 'rate_limit_exceeded', message: 'boom' },
    });
  });

  it('ends a hang step after its items, without a terminal event', () => {
    const events = responseEvents('r', hang(message('partial')));
    expect(events.map((e) => e.type)).toEqual(['response.created', 'response.output_item.done']);
  });
});
