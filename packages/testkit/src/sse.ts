import type { OutputItem, ScriptItem } from './items.js';
import type { FailStep, HangStep, RespondStep, ResponseUsage } from './steps.js';

/**
 * The Responses API server-sent events, as pure functions (step in, events out).
 * Every `data` payload carries `type` equal to the event name and a `sequence_number`.
 */
export interface SseEvent {
  type: string;
  data: Record<string, unknown> & { type: string };
}

/** One SSE block: `event: <type>\ndata: <json>\n\n`. */
export function encodeSseEvent(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export const DEFAULT_USAGE: ResponseUsage = {
  input_tokens: 10,
  input_tokens_details: null,
  output_tokens: 5,
  output_tokens_details: null,
  total_tokens: 15,
};

/**
 * The events of one streamed response:
 * `response.created`, then per item (`output_item.added` + deltas when streamed) `output_item.done`,
 * then `response.completed` (respond), `response.failed` (fail) or nothing more (hang).
 */
export function responseEvents(responseId: string, step: RespondStep | FailStep | HangStep): SseEvent[] {
  const events: SseEvent[] = [];
  const push = (type: string, fields: Record<string, unknown>): void => {
    events.push({ type, data: { type, sequence_number: events.length, ...fields } });
  };
  push('response.created', { response: { id: responseId, object: 'response', status: 'in_progress' } });
  (step.items ?? []).forEach((scriptItem, outputIndex) => {
    itemEvents(scriptItem, outputIndex, push);
  });
  if (step.kind === 'fail') {
    push('response.failed', {
      response: {
        id: responseId,
        object: 'response',
        status: 'failed',
        error: { code: step.code, message: step.message },
      },
    });
  } else if (step.kind !== 'hang') {
    push('response.completed', {
      response: {
        id: responseId,
        object: 'response',
        status: 'completed',
        usage: { ...DEFAULT_USAGE, ...step.usage },
      },
    });
  }
  return events;
}

function itemEvents(
  scriptItem: ScriptItem,
  outputIndex: number,
  push: (type: string, fields: Record<string, unknown>) => void,
): void {
  const { item, deltas } = scriptItem;
  const itemId = typeof item.id === 'string' ? item.id : undefined;
  if (deltas !== undefined) {
    push('response.output_item.added', { output_index: outputIndex, item: inProgress(item) });
    if (item.type === 'reasoning') {
      push('response.reasoning_summary_part.added', {
        item_id: itemId,
        output_index: outputIndex,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
      for (const delta of deltas) {
        push('response.reasoning_summary_text.delta', {
          item_id: itemId,
          output_index: outputIndex,
          summary_index: 0,
          delta,
        });
      }
    } else {
      for (const delta of deltas) {
        push('response.output_text.delta', {
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          delta,
          logprobs: [],
        });
      }
    }
  }
  push('response.output_item.done', { output_index: outputIndex, item });
}

/** The item as `output_item.added` shows it: no content yet, status `in_progress`. */
function inProgress(item: OutputItem): OutputItem {
  if (item.type === 'message') return { ...item, status: 'in_progress', content: [] };
  if (item.type === 'reasoning') return { ...item, summary: [] };
  return { ...item, status: 'in_progress' };
}
