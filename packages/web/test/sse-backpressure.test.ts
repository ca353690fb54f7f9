import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { streamedMessage } from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createWebHandler,
  DEFAULT_MAX_SUBSCRIBER_BYTES,
  serveWeb,
  WebAdapter,
  type WebEvent,
  type WebServer,
} from '../src/index.js';
import { SSE_STREAM_HIGH_WATER_BYTES } from '../src/internal/sse-stream.js';
import { SseReader, startWebHarness, type WebHarness } from './web-harness.js';

/** Readers that connect and then never read. */
const STALLED = 24;
/** One turn: many agent messages, each streamed as many large deltas. */
const MESSAGES = 16;
const DELTAS = 24;
const DELTA_BYTES = 16 * 1024;

/** A response of MESSAGES messages streamed in DELTAS deltas of DELTA_BYTES each (~6 MiB of text). */
function bigTurn(tag: string): ReturnType<typeof streamedMessage>[] {
  return Array.from({ length: MESSAGES }, (_, m) =>
    streamedMessage(Array.from({ length: DELTAS }, (_, d) => `${tag}${m}.${d}:`.padEnd(DELTA_BYTES, 'x'))),
  );
}

/** An SSE request over its own socket whose body is never read (the socket is paused). */
class StalledReader {
  readonly request: ClientRequest;
  readonly response: Promise<IncomingMessage>;

  constructor(url: string, token: string) {
    this.request = httpRequest(url, {
      agent: false,
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    this.response = new Promise((resolve, reject) => {
      this.request.once('response', (res) => {
        res.pause();
        resolve(res);
      });
      this.request.once('error', reject);
    });
    this.request.end();
  }

  /** Reads what the socket still delivers until the server ends the response (bounded). */
  async drain(timeoutMs = 20_000): Promise<{ events: WebEvent[]; ended: boolean }> {
    const res = await this.response;
    const events: WebEvent[] = [];
    let buffer = '';
    const ended = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as WebEvent);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve(true);
      });
      res.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      res.resume();
    });
    return { events, ended };
  }

  close(): void {
    this.request.destroy();
  }
}

/** Waits (bounded) until `check` holds, polling. */
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every delta of an agent message put together, by item id. */
function textsOf(events: readonly WebEvent[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const e of events)
    if (e.type === 'textDelta') texts.set(e.itemId, (texts.get(e.itemId) ?? '') + e.delta);
  return texts;
}

describe('slow SSE readers against the real codex', () => {
  let w: WebHarness;
  const stalled: StalledReader[] = [];
  const readers: SseReader[] = [];
  beforeAll(async () => {
    // A replay buffer that holds the whole turn, so a cut reader can get every missed event back.
    w = await startWebHarness({ adapter: { replay: { maxEvents: 100_000, maxBytes: 256 * 1024 * 1024 } } });
  });
  afterAll(async () => {
    for (const r of stalled) r.close();
    for (const r of readers) r.close();
    await w?.close();
  });
  beforeEach(() => {
    w.h.model.clear();
  });

  const newSession = async (): Promise<string> => {
    const res = await fetch(`${w.url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.tokens.alpha}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { sessionId: string }).sessionId;
  };
  const startTurn = async (sessionId: string): Promise<void> => {
    const res = await fetch(`${w.url}/v1/sessions/${sessionId}/turns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.tokens.alpha}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'talk a lot' }),
    });
    expect(res.status).toBe(202);
  };
  /** Resolves with the session's `turnCompleted`, read through the adapter itself (bounded). */
  const completion = (sessionId: string): Promise<Extract<WebEvent, { type: 'turnCompleted' }>> => {
    const live = w.adapter.subscribeSessionEvents('alpha', sessionId, {
      lastEventId: w.adapter.state('alpha', sessionId).lastEventId,
      signal: AbortSignal.timeout(60_000),
    });
    return (async () => {
      for await (const e of live) if (e.type === 'turnCompleted') return e;
      throw new Error('the subscription ended before turnCompleted');
    })();
  };

  it('readers that stop reading are cut at a bounded size; /healthz still answers', async () => {
    w.h.model.enqueue(bigTurn('a'));
    const sessionId = await newSession();
    const url = `${w.url}/v1/sessions/${sessionId}/events`;
    const mine: StalledReader[] = [];
    for (let i = 0; i < STALLED; i++) mine.push(new StalledReader(url, w.tokens.alpha));
    stalled.push(...mine);
    await Promise.all(mine.map((r) => r.response));
    await until(() => w.adapter.metrics().subscribers >= STALLED, 'every reader subscribed');
    const cutBefore = w.adapter.metrics().subscribersCut;

    let maxHeld = 0;
    let maxQueued = 0;
    const sampler = setInterval(() => {
      maxHeld = Math.max(maxHeld, w.handler.metrics().maxSseConnectionHeldBytes);
      maxQueued = Math.max(maxQueued, w.adapter.metrics().maxSubscriberQueuedBytes);
    }, 5);
    const done = completion(sessionId);
    try {
      await startTurn(sessionId);
      // While the turn streams into the stalled readers, the bridge still serves requests.
      const health = await fetch(`${w.url}/healthz`, {
        headers: { authorization: `Bearer ${w.tokens.alpha}` },
        signal: AbortSignal.timeout(15_000),
      });
      expect(health.status).toBe(200);
      expect(((await health.json()) as { ok: boolean }).ok).toBe(true);
      const completed = await done;
      expect(completed.status).toBe('completed');
    } finally {
      clearInterval(sampler);
    }

    // What one of them held never went past the limit, plus one event and the stream's own window.
    const events = w.adapter.subscribeSessionEvents('alpha', sessionId, { lastEventId: 0 });
    let largestEvent = 0;
    const turnEvents: WebEvent[] = [];
    for (let e = await events.next(); !e.done; e = await events.next()) {
      largestEvent = Math.max(largestEvent, JSON.stringify(e.value).length);
      turnEvents.push(e.value);
      if (e.value.type === 'turnCompleted') break;
    }
    await events.return?.();
    const total = turnEvents.reduce((sum, e) => sum + JSON.stringify(e).length, 0);
    const bound = DEFAULT_MAX_SUBSCRIBER_BYTES + largestEvent + 2 * SSE_STREAM_HIGH_WATER_BYTES;
    expect(total).toBeGreaterThan(3 * bound); // the turn is far larger than what a reader may hold
    expect(maxQueued).toBeLessThanOrEqual(DEFAULT_MAX_SUBSCRIBER_BYTES + largestEvent);
    expect(maxHeld).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThanOrEqual(bound);
    // Every stalled reader was cut off; none is still subscribed.
    expect(w.adapter.metrics().subscribersCut - cutBefore).toBe(STALLED);
    expect(w.adapter.metrics().subscribers).toBe(0);
    expect(w.h.model.pending).toBe(0);
  });

  it('a cut reader that reconnects with Last-Event-ID gets exactly the events it missed', async () => {
    w.h.model.enqueue(bigTurn('b'));
    const sessionId = await newSession();
    const reader = new StalledReader(`${w.url}/v1/sessions/${sessionId}/events`, w.tokens.alpha);
    stalled.push(reader);
    await reader.response;
    await until(() => w.adapter.metrics().subscribers >= 1, 'the reader subscribed');
    const cutBefore = w.adapter.metrics().subscribersCut;
    const done = completion(sessionId);
    await startTurn(sessionId);
    const completed = await done;
    expect(w.adapter.metrics().subscribersCut - cutBefore).toBe(1);

    // The reader reads again: it gets what was on its way, then the server ends its response.
    const first = await reader.drain();
    expect(first.ended).toBe(true);
    expect(first.events.some((e) => e.type === 'turnCompleted')).toBe(false);
    const lastSeen = first.events.at(-1)?.id ?? 0;

    const second = new SseReader(`${w.url}/v1/sessions/${sessionId}/events`, w.tokens.alpha, lastSeen);
    readers.push(second);
    const again = await second.waitFor('turnCompleted', () => true, 30_000);
    second.close();
    expect(again.id).toBe(completed.id);
    const ids = [...first.events, ...second.events].map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i)); // no gap, no duplicate
    expect(second.events.some((e) => e.type === 'replayGap')).toBe(false);

    // Put together, both connections carry every message of the turn, as codex completed them.
    const texts = textsOf([...first.events, ...second.events]);
    const messages = [...first.events, ...second.events].flatMap((e) =>
      e.type === 'itemCompleted' && e.item.type === 'agentMessage' ? [e.item] : [],
    );
    expect(messages).toHaveLength(MESSAGES);
    for (const item of messages) expect(texts.get(item.id)).toBe(item.text);
    expect(again.text).toBe(messages.at(-1)?.text);
  });

  it('a cut reader whose missed events left the replay buffer gets a replayGap first', async () => {
    // A second bridge over the same codex, with a replay buffer far smaller than one turn.
    const adapter = WebAdapter.create(w.h.client, {
      roots: [w.h.workspace.path],
      replay: { maxBytes: 256 * 1024 },
    });
    const handler = createWebHandler(adapter, { tokens: [{ tenant: 'alpha', token: w.tokens.alpha }] });
    const server: WebServer = await serveWeb(handler);
    try {
      w.h.model.enqueue(bigTurn('c'));
      const created = await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.tokens.alpha}` },
      });
      const { sessionId } = (await created.json()) as { sessionId: string };
      const reader = new StalledReader(`${server.url}/v1/sessions/${sessionId}/events`, w.tokens.alpha);
      stalled.push(reader);
      await reader.response;
      await until(() => adapter.metrics().subscribers >= 1, 'the reader subscribed');
      const live = adapter.subscribeSessionEvents('alpha', sessionId, {
        signal: AbortSignal.timeout(60_000),
      });
      const done = (async () => {
        for await (const e of live) if (e.type === 'turnCompleted') return e;
        throw new Error('the subscription ended before turnCompleted');
      })();
      await fetch(`${server.url}/v1/sessions/${sessionId}/turns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.tokens.alpha}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'talk a lot' }),
      });
      await done;
      expect(adapter.metrics().subscribersCut).toBe(1);

      const first = await reader.drain();
      expect(first.ended).toBe(true);
      const lastSeen = first.events.at(-1)?.id ?? 0;
      const second = new SseReader(`${server.url}/v1/sessions/${sessionId}/events`, w.tokens.alpha, lastSeen);
      readers.push(second);
      const gap = await second.waitFor('replayGap', () => true, 30_000);
      expect(second.events[0]).toBe(gap); // the reset comes before anything else
      expect(gap.fromId).toBe(lastSeen + 1);
      const next = await second.waitFor('turnCompleted', () => true, 30_000);
      expect(second.events[1]?.id).toBe(gap.toId + 1); // then what the buffer still holds, in order
      expect(next.status).toBe('completed');
      second.close();
    } finally {
      await server.close();
      await adapter.close();
    }
  });
});
