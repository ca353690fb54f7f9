import { message } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { turnSpans, useTelemetryHarness } from './telemetry-harness.js';

/** The requests codexus wrote to codex's stdin (after the telemetry layer), by method. */
const sentRequests = (sent: readonly string[], method: string): Record<string, unknown>[] =>
  sent.map((text) => JSON.parse(text) as Record<string, unknown>).filter((m) => m.method === method);

describe('propagate: false (real codex, scripted model)', () => {
  const h = useTelemetryHarness({ telemetry: { propagate: false } });

  it('records the spans but sends no trace context on thread/start or turn/start', async () => {
    h.model.enqueue(message('untraced'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    expect((await session.ask('do not propagate')).text).toBe('untraced');
    const spans = h.spans.getFinishedSpans();
    expect(turnSpans(spans, session.threadId)).toHaveLength(1);
    expect(spans.some((s) => s.name === 'thread/start')).toBe(true);

    const threadStarts = sentRequests(h.sent, 'thread/start');
    const turnStarts = sentRequests(h.sent, 'turn/start');
    expect(threadStarts.length).toBeGreaterThan(0);
    expect(turnStarts.length).toBeGreaterThan(0);
    for (const request of [...threadStarts, ...turnStarts]) {
      expect(request).not.toHaveProperty('trace');
      expect(request.params).not.toHaveProperty('trace');
    }
    // the lines are what the client wrote: no `trace` text anywhere in them
    for (const text of h.sent) expect(text).not.toMatch(/traceparent/);
  });
});
