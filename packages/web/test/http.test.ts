import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { message, streamedMessage } from '@codexus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebSessionState } from '../src/index.js';
import { escalated, SseReader, startWebHarness, type WebHarness } from './web-harness.js';

describe('the HTTP bridge against the real codex', () => {
  let w: WebHarness;
  const readers: SseReader[] = [];
  beforeAll(async () => {
    w = await startWebHarness();
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await w?.close();
  });
  beforeEach(() => {
    w.h.model.clear();
  });

  const call = (method: string, path: string, token: string | undefined, body?: unknown, headers = {}) =>
    fetch(`${w.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const sse = (path: string, token: string, lastEventId?: number) => {
    const reader = new SseReader(`${w.url}${path}`, token, lastEventId);
    readers.push(reader);
    return reader;
  };
  const newSession = async (token = w.tokens.alpha): Promise<string> => {
    const res = await call('POST', '/v1/sessions', token, {});
    expect(res.status).toBe(201);
    const { sessionId } = (await res.json()) as { sessionId: string };
    return sessionId;
  };

  it('full flow: session, turn, streamed text, approval, answer, completion, side effect', async () => {
    const file = join(w.h.workspace.path, 'web-accepted.txt');
    w.h.model.enqueue(escalated(file), streamedMessage(['all ', 'done']));
    const sessionId = await newSession();
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const events = sse(`/v1/sessions/${sessionId}/events`, w.tokens.alpha);
    const approvals = sse(`/v1/sessions/${sessionId}/approvals`, w.tokens.alpha);
    expect((await events.response).headers.get('content-type')).toContain('text/event-stream');

    const turn = await call('POST', `/v1/sessions/${sessionId}/turns`, w.tokens.alpha, {
      prompt: 'make the file',
    });
    expect(turn.status).toBe(202);
    const { turnId } = (await turn.json()) as { turnId: string };

    const requested = await approvals.waitFor('approvalRequested');
    const approval = requested.approval;
    expect(approval.kind).toBe('commandExecution');
    expect(approval.command).toContain('touch');
    expect(approval.turnId).toBe(turnId);
    expect(approval.allowedDecisions).toEqual(['accept', 'acceptForSession', 'decline', 'cancel']);
    expect(approval.approvalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(existsSync(file)).toBe(false); // nothing ran before the answer

    const pending = (await (
      await call('GET', `/v1/sessions/${sessionId}/state`, w.tokens.alpha)
    ).json()) as WebSessionState;
    expect(pending.approvals.map((a) => a.approvalId)).toEqual([approval.approvalId]);
    expect(pending.activeTurnId).toBe(turnId);

    const path = `/v1/sessions/${sessionId}/approvals/${approval.approvalId}`;
    const answered = await call('POST', path, w.tokens.alpha, { decision: 'accept' });
    expect(answered.status).toBe(200);
    const again = await call('POST', path, w.tokens.alpha, { decision: 'decline' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');

    const completed = await events.waitFor('turnCompleted', (e) => e.turnId === turnId);
    expect(completed.status).toBe('completed');
    expect(completed.text).toBe('all done');
    const deltas = events.events.flatMap((e) => (e.type === 'textDelta' ? [e.delta] : []));
    expect(deltas.join('')).toBe('all done');
    expect(existsSync(file)).toBe(true);
    await approvals.waitFor(
      'approvalResolved',
      (e) => e.approvalId === approval.approvalId && e.decision === 'accept',
    );

    // ids strictly increase; every frame carries id and event lines
    const ids = events.events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      events.raw.filter((f) => f.includes('data: ')).every((f) => /^id: \d+\nevent: \w+\n/.test(f)),
    ).toBe(true);

    const state = (await (
      await call('GET', `/v1/sessions/${sessionId}/state`, w.tokens.alpha)
    ).json()) as WebSessionState;
    expect(state.approvals).toEqual([]);
    expect(state.activeTurnId).toBeNull();
    expect(state.thread?.turns.at(-1)?.status).toBe('completed');
    expect(w.h.model.pending).toBe(0);

    const closed = await call('DELETE', `/v1/sessions/${sessionId}`, w.tokens.alpha);
    expect(closed.status).toBe(204);
    await events.waitFor('sessionClosed');
    expect((await call('GET', `/v1/sessions/${sessionId}/state`, w.tokens.alpha)).status).toBe(404);
  });

  it('decline: the command does not run and the turn goes on', async () => {
    const file = join(w.h.workspace.path, 'web-declined.txt');
    w.h.model.enqueue(escalated(file), message('not done'));
    const sessionId = await newSession();
    const approvals = sse(`/v1/sessions/${sessionId}/approvals`, w.tokens.alpha);
    const events = sse(`/v1/sessions/${sessionId}/events`, w.tokens.alpha);
    await call('POST', `/v1/sessions/${sessionId}/turns`, w.tokens.alpha, { prompt: 'x' });
    const { approval } = await approvals.waitFor('approvalRequested');
    const res = await call(
      'POST',
      `/v1/sessions/${sessionId}/approvals/${approval.approvalId}`,
      w.tokens.alpha,
      {
        decision: 'decline',
      },
    );
    expect(res.status).toBe(200);
    const completed = await events.waitFor('turnCompleted');
    expect(completed.text).toBe('not done');
    expect(existsSync(file)).toBe(false);
  });

  it('tenants are isolated: another tenant sees 404 everywhere', async () => {
    const file = join(w.h.workspace.path, 'web-isolated.txt');
    w.h.model.enqueue(escalated(file), message('ok'));
    const sessionId = await newSession(w.tokens.alpha);
    const approvals = sse(`/v1/sessions/${sessionId}/approvals`, w.tokens.alpha);
    await call('POST', `/v1/sessions/${sessionId}/turns`, w.tokens.alpha, { prompt: 'x' });
    const { approval } = await approvals.waitFor('approvalRequested');

    const beta = w.tokens.beta;
    const base = `/v1/sessions/${sessionId}`;
    const tries = await Promise.all([
      call('GET', `${base}/state`, beta),
      call('POST', `${base}/turns`, beta, { prompt: 'y' }),
      call('GET', `${base}/events`, beta),
      call('GET', `${base}/approvals`, beta),
      call('POST', `${base}/approvals/${approval.approvalId}`, beta, { decision: 'accept' }),
      call('DELETE', base, beta),
    ]);
    expect(tries.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404]);
    const body = (await tries[0]!.json()) as { error: { code: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    const unknown = await call(
      'GET',
      '/v1/sessions/00000000-0000-4000-8000-000000000000/state',
      w.tokens.alpha,
    );
    expect(unknown.status).toBe(404); // the same answer as another tenant's session
    const list = (await (await call('GET', '/v1/sessions', beta)).json()) as { sessions: unknown[] };
    expect(list.sessions).toEqual([]);
    const mine = (await (await call('GET', '/v1/sessions', w.tokens.alpha)).json()) as {
      sessions: { sessionId: string }[];
    };
    expect(mine.sessions.map((s) => s.sessionId)).toContain(sessionId);

    expect(existsSync(file)).toBe(false); // beta's accept did not reach codex
    expect((await call('DELETE', base, w.tokens.alpha)).status).toBe(204); // cancels the pending approval
    await approvals.waitFor('approvalResolved', (e) => e.approvalId === approval.approvalId);
    expect(existsSync(file)).toBe(false);
  });

  it('a missing or wrong token gets 401 on every API route; the page itself is public', async () => {
    const wrong = `${w.tokens.alpha.slice(0, -2)}xx`;
    for (const token of [undefined, wrong, 'short']) {
      for (const [method, path] of [
        ['GET', '/healthz'],
        ['GET', '/v1/sessions'],
        ['POST', '/v1/sessions'],
        ['GET', '/v1/sessions/x/events'],
        ['POST', '/v1/sessions/x/approvals/y'],
        ['DELETE', '/v1/sessions/x'],
      ] as const) {
        const res = await call(method, path, token, method === 'POST' ? {} : undefined);
        expect(res.status, `${method} ${path} with ${token ?? 'no token'}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    const basic = await call('GET', '/v1/sessions', undefined, undefined, {
      authorization: `Basic ${w.tokens.alpha}`,
    });
    expect(basic.status).toBe(401);
    const health = await call('GET', '/healthz', w.tokens.beta);
    expect(await health.json()).toEqual({ ok: true, codex: 'ready' });
    const page = await call('GET', '/', undefined);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('Pending approvals');
  });

  it('checks Origin and Host', async () => {
    const evil = await call('GET', '/v1/sessions', w.tokens.alpha, undefined, {
      origin: 'https://evil.example',
    });
    expect(evil.status).toBe(403);
    const own = await call('GET', '/v1/sessions', w.tokens.alpha, undefined, { origin: w.url });
    expect(own.status).toBe(200);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${w.url}/`, { headers: { host: `evil.example:${w.server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
  });

  it("says which field of a body is wrong, in the library's words", async () => {
    const sessionId = await newSession();
    const turns = `/v1/sessions/${sessionId}/turns`;
    const cases: [string, unknown, string, string][] = [
      ['/v1/sessions', { sandbox: 'danger-full-access' }, 'sandbox', 'unknown field `sandbox`'],
      [turns, { prompt: 42 }, 'prompt', 'prompt must be a string; got 42'],
      [turns, {}, 'prompt', 'missing field `prompt`'],
      [
        `/v1/sessions/${sessionId}/approvals/nope`,
        { decision: 'yes' },
        'decision',
        'decision must be one of',
      ],
    ];
    for (const [path, body, field, words] of cases) {
      const res = await call('POST', path, w.tokens.alpha, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain(words);
      expect(error.message).toContain(field);
      expect(error.message).not.toMatch(/Invalid (key|type)/); // not valibot's own text
    }
  });

  it('refuses bad bodies', async () => {
    const sessionId = await newSession();
    const requestsBefore = w.h.model.requests.length;
    const turns = `/v1/sessions/${sessionId}/turns`;
    const cases: [string, string, unknown, Record<string, string>, number][] = [
      ['POST', turns, '{not json', {}, 400],
      ['POST', turns, { prompt: '' }, {}, 400],
      ['POST', turns, { prompt: 'x', extra: 1 }, {}, 400],
      ['POST', turns, { prompt: 42 }, {}, 400],
      ['POST', turns, { prompt: 'x' }, { 'content-type': 'text/plain' }, 415],
      ['POST', turns, { prompt: 'x'.repeat(70 * 1024) }, {}, 413],
      ['POST', '/v1/sessions', { cwd: '/' }, {}, 400],
      ['POST', '/v1/sessions', { cwd: 'relative/dir' }, {}, 400],
      ['POST', '/v1/sessions', { cwd: join(w.h.workspace.path, '..') }, {}, 400],
      ['POST', '/v1/sessions', { profile: 'admin' }, {}, 400],
      ['POST', '/v1/sessions', { profile: '../x' }, {}, 400],
      ['POST', `/v1/sessions/${sessionId}/approvals/nope`, { decision: 'yes' }, {}, 400],
      ['POST', `/v1/sessions/${sessionId}/approvals/nope`, { decision: 'accept' }, {}, 404],
    ];
    for (const [method, path, body, headers, status] of cases) {
      const res = await call(method, path, w.tokens.alpha, body, headers);
      expect(res.status, `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.message.length).toBeGreaterThan(0);
    }
    expect(w.h.model.requests).toHaveLength(requestsBefore); // nothing reached the model
  });

  it('SSE reconnect with Last-Event-ID replays exactly the missed events', async () => {
    const file = join(w.h.workspace.path, 'web-replay.txt');
    w.h.model.enqueue(escalated(file), streamedMessage(['re', 'play']));
    const sessionId = await newSession();
    const events = `/v1/sessions/${sessionId}/events`;
    const first = sse(events, w.tokens.alpha);
    await call('POST', `/v1/sessions/${sessionId}/turns`, w.tokens.alpha, { prompt: 'x' });
    const requested = await first.waitFor('approvalRequested');
    first.close(); // the browser goes away while the approval waits
    const seen = first.events.map((e) => e.id);
    const lastSeen = requested.id;

    const res = await call(
      'POST',
      `/v1/sessions/${sessionId}/approvals/${requested.approval.approvalId}`,
      w.tokens.alpha,
      {
        decision: 'accept',
      },
    );
    expect(res.status).toBe(200);
    // wait for the turn through the adapter itself, then reconnect
    const live = w.adapter.subscribeSessionEvents('alpha', sessionId, { lastEventId: lastSeen });
    for await (const e of live) if (e.type === 'turnCompleted') break;

    const second = sse(events, w.tokens.alpha, lastSeen);
    const completed = await second.waitFor('turnCompleted');
    expect(completed.text).toBe('replay');
    expect(second.events[0]!.id).toBe(lastSeen + 1);
    const replayed = second.events.map((e) => e.id);
    expect(replayed).toEqual(replayed.map((_, i) => lastSeen + 1 + i)); // no gap, no duplicate
    expect(second.events.some((e) => e.type === 'approvalResolved')).toBe(true);
    expect(replayed.filter((id) => id <= lastSeen)).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect(existsSync(file)).toBe(true);

    // the approvals stream replays only approval events
    const approvals = sse(`/v1/sessions/${sessionId}/approvals`, w.tokens.alpha, 0);
    await approvals.waitFor('approvalResolved');
    expect(new Set(approvals.events.map((e) => e.type))).toEqual(
      new Set(['approvalRequested', 'approvalResolved']),
    );
    // heartbeats keep the idle stream alive
    await new Promise((r) => setTimeout(r, 450));
    expect(second.raw.some((f) => f.startsWith(': heartbeat'))).toBe(true);
  });

  it('an approval nobody answers in time is withdrawn (declined); a late answer is a 409', async () => {
    const file = join(w.h.workspace.path, 'web-late.txt');
    w.h.model.enqueue(escalated(file), message('too late'));
    const res = await call('POST', '/v1/sessions', w.tokens.alpha, { profile: 'impatient' });
    const { sessionId } = (await res.json()) as { sessionId: string };
    const approvals = sse(`/v1/sessions/${sessionId}/approvals`, w.tokens.alpha);
    const events = sse(`/v1/sessions/${sessionId}/events`, w.tokens.alpha);
    await call('POST', `/v1/sessions/${sessionId}/turns`, w.tokens.alpha, { prompt: 'x' });
    const { approval } = await approvals.waitFor('approvalRequested');
    const withdrawn = await approvals.waitFor('approvalResolved');
    expect(withdrawn.outcome).toBe('withdrawn');
    const late = await call(
      'POST',
      `/v1/sessions/${sessionId}/approvals/${approval.approvalId}`,
      w.tokens.alpha,
      {
        decision: 'accept',
      },
    );
    expect(late.status).toBe(409);
    expect((await events.waitFor('turnCompleted')).text).toBe('too late');
    expect(existsSync(file)).toBe(false);
  });

  it('a second turn while one runs is a 409', async () => {
    const file = join(w.h.workspace.path, 'web-busy.txt');
    w.h.model.enqueue(escalated(file), message('ok'));
    const sessionId = await newSession();
    const approvals = sse(`/v1/sessions/${sessionId}/approvals`, w.tokens.alpha);
    expect(
      (await call('POST', `/v1/sessions/${sessionId}/turns`, w.tokens.alpha, { prompt: 'a' })).status,
    ).toBe(202);
    await approvals.waitFor('approvalRequested');
    const busy = await call('POST', `/v1/sessions/${sessionId}/turns`, w.tokens.alpha, { prompt: 'b' });
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('TURN_IN_PROGRESS');
    expect((await call('DELETE', `/v1/sessions/${sessionId}`, w.tokens.alpha)).status).toBe(204);
  });
});
