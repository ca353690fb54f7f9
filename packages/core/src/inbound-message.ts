import { lossyIdText } from './lossless-id.js';

/** A JSON-RPC id as it appears in a message we accept. */
export type WireId = number | string;

/**
 * One inbound message text, classified by shape (codex leaves out the `jsonrpc` member, so the shape
 * is all there is): `method` + `id` = server request, `method` only = notification, `id` only =
 * response. A response whose envelope breaks JSON-RPC 2.0 is `malformedResponse`, with the reason, so
 * the request it answers can fail with it instead of waiting (or crashing on a missing message).
 */
export type InboundMessage =
  | {
      kind: 'request';
      id: WireId;
      /** The id's exact text when the parsed number is not exact (beyond 2^53); write this back. */
      rawId: string | undefined;
      method: string;
      params: unknown;
    }
  | { kind: 'notification'; method: string; params: unknown; emittedAtMs: number | undefined }
  | { kind: 'result'; id: WireId; result: unknown }
  | { kind: 'error'; id: WireId; error: { code: number; message: string; data?: unknown } }
  | { kind: 'malformedResponse'; id: WireId; problem: string; value: Record<string, unknown> }
  | { kind: 'dropped'; problem: string };

export function classifyInbound(text: string): InboundMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { kind: 'dropped', problem: `not JSON (${String(error)})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { kind: 'dropped', problem: 'not a JSON object' };
  const msg = parsed as Record<string, unknown>;
  const id = msg.id;
  const hasId = typeof id === 'number' || typeof id === 'string';
  if (typeof msg.method === 'string') {
    if (hasId)
      return { kind: 'request', id, rawId: lossyIdText(text, id), method: msg.method, params: msg.params };
    if (id === undefined || id === null) {
      const emittedAtMs = typeof msg.emittedAtMs === 'number' ? msg.emittedAtMs : undefined;
      return { kind: 'notification', method: msg.method, params: msg.params, emittedAtMs };
    }
    return { kind: 'dropped', problem: `a request id must be a number or a string, got ${typeof id}` };
  }
  if (!hasId) return { kind: 'dropped', problem: 'neither a request, a notification nor a response' };
  const problem = envelopeProblem(msg);
  if (problem) return { kind: 'malformedResponse', id, problem, value: msg };
  if ('result' in msg) return { kind: 'result', id, result: msg.result };
  return { kind: 'error', id, error: msg.error as { code: number; message: string; data?: unknown } };
}

/** What is wrong with a response envelope (JSON-RPC 2.0 §5), or `undefined` when nothing is. */
function envelopeProblem(msg: Record<string, unknown>): string | undefined {
  const hasResult = 'result' in msg;
  const hasError = 'error' in msg;
  if (hasResult && hasError) return 'a response has both "result" and "error"';
  if (!hasResult && !hasError) return 'a response has neither "result" nor "error"';
  if (hasResult) return undefined;
  const error = msg.error;
  if (typeof error !== 'object' || error === null || Array.isArray(error))
    return `"error" must be an object, got ${error === null ? 'null' : Array.isArray(error) ? 'an array' : typeof error}`;
  const { code, message } = error as Record<string, unknown>;
  if (!Number.isInteger(code)) return '"error.code" must be an integer';
  if (typeof message !== 'string') return '"error.message" must be a string';
  return undefined;
}
