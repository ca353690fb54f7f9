import type { ScriptItem } from './items.js';
import type { RecordedRequest } from './recorded-request.js';

/** Token usage reported in `response.completed` (snake_case, as on the wire). */
export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface StepTiming {
  /** Wait this long before answering at all (no headers are sent meanwhile). */
  delayMs?: number;
}

/** A normal answer: the items, then `response.completed`. `kind` may be left out. */
export interface RespondStep extends StepTiming {
  kind?: 'respond';
  items: readonly ScriptItem[];
  /** Overrides parts of the reported usage (default `{input_tokens:10, output_tokens:5, total_tokens:15}`). */
  usage?: Partial<ResponseUsage>;
}

/** A stream that ends in `response.failed {response:{error:{code, message}}}` after any `items`. */
export interface FailStep extends StepTiming {
  kind: 'fail';
  message: string;
  code: string;
  items?: readonly ScriptItem[];
}

/** An HTTP error status instead of a stream. */
export interface HttpErrorStep extends StepTiming {
  kind: 'http';
  status: number;
  /** An object is sent as JSON, a string as text. Default: an OpenAI-style `{error:{message,type,code}}`. */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

/**
 * A stream that sends `response.created` and any `items`, then stays open without completing,
 * until codex disconnects (e.g. after `turn/interrupt`) or the model is closed.
 */
export interface HangStep extends StepTiming {
  kind: 'hang';
  items?: readonly ScriptItem[];
}

export type ScriptStep = RespondStep | FailStep | HttpErrorStep | HangStep;

/** What a scripted step may be written as: a step, one item, or a list of items (= a respond step). */
export type StaticScriptEntry = ScriptStep | ScriptItem | readonly ScriptItem[];

/** A step decided when its request arrives, from the recorded request (e.g. echo the prompt back). */
export type StepFunction = (request: RecordedRequest) => StaticScriptEntry | Promise<StaticScriptEntry>;

/** One entry of a script: answered to exactly one `POST /responses`, in order. */
export type ScriptEntry = StaticScriptEntry | StepFunction;

/** A respond step with these items: `step(reasoning('..'), message('done'))`. */
export function step(...items: ScriptItem[]): RespondStep {
  return { kind: 'respond', items };
}

/** A `response.failed` step. codex reports it as an `error` notification and a failed turn. */
export function failure(message: string, code = 'server_error'): FailStep {
  return { kind: 'fail', message, code };
}

/** An HTTP error answer (e.g. 500, 429). With `request_max_retries = 0`, codex does not retry. */
export function httpError(status: number, body?: unknown): HttpErrorStep {
  return body === undefined ? { kind: 'http', status } : { kind: 'http', status, body };
}

/** A response that never completes (for interrupt and timeout tests). */
export function hang(...items: ScriptItem[]): HangStep {
  return { kind: 'hang', items };
}

/** The same entry, answered only after `delayMs`. */
export function delayed(delayMs: number, entry: StaticScriptEntry): ScriptStep {
  return { ...toStep(entry), delayMs };
}

/** Normalises the shorthand forms (one item, a list of items) to a {@link ScriptStep}. */
export function toStep(entry: StaticScriptEntry): ScriptStep {
  if (Array.isArray(entry)) return { kind: 'respond', items: entry as readonly ScriptItem[] };
  const value = entry as ScriptStep | ScriptItem;
  if (value.kind === 'item') return { kind: 'respond', items: [value] };
  return value;
}
