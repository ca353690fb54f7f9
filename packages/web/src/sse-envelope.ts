import type { WebEvent } from './web-event.js';

/**
 * One Server-Sent Events frame for an event: `id` (for `Last-Event-ID` resumption), `event` (the
 * event type) and `data` (the event as one line of JSON; JSON never holds a raw newline).
 */
export function serializeSseEnvelope(event: WebEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A comment frame: keeps proxies and the browser from closing an idle stream. */
export function sseHeartbeat(): string {
  return ': heartbeat\n\n';
}

/** The reconnection delay a browser's EventSource should use (ms). */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.trunc(ms))}\n\n`;
}

/**
 * Parses a `Last-Event-ID` header: a non-negative integer, else undefined (a missing or malformed
 * header means "from now on").
 */
export function parseLastEventId(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed)) return undefined;
  return Number(trimmed);
}
