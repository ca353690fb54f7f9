import { delayed, failure, hang, httpError, message, outputSchema, step, userTexts } from '@codexus/testkit';
import { describe, expect, it } from 'vitest';
import { CodexusError, PromptRunError } from '../src/index.js';
import { useHarness } from './harness.js';

describe('turn lifecycle against the real codex', () => {
  const h = useHarness();

  it('interrupt() ends a running turn with status interrupted, and the session stays usable', async () => {
    h.model.enqueue(hang(), message('after interrupt'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const before = h.model.requests.length;
    const stream = session.askStream('hang please');
    // Interrupt only once the model is answering (hanging), so the next turn gets the next step.
    await h.model.waitForRequests(before + 1);
    await stream.interrupt();
    const result = await stream.result;
    expect(result.status).toBe('interrupted');
    await expect(session.ask('again')).resolves.toMatchObject({ text: 'after interrupt' });
  });

  it('leaving the event loop early stops watching, not the turn; every reader sees the turn from its start', async () => {
    h.model.enqueue(delayed(300, message('still answered')));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const stream = session.askStream('go on');
    const first: string[] = [];
    for await (const event of stream) {
      first.push(event.type);
      if (event.type === 'turnStarted') break;
    }
    expect(first.at(-1)).toBe('turnStarted');
    // The turn was not interrupted: it completes with the model's answer.
    await expect(stream.result).resolves.toMatchObject({ status: 'completed', text: 'still answered' });
    // A second reader, after the end, reads every event from the first, the final one included.
    const second: string[] = [];
    for await (const event of stream) second.push(event.type);
    expect(second.slice(0, first.length)).toEqual(first);
    expect(second.at(-1)).toBe('turnCompleted');
    expect(second).toContain('itemCompleted');
    expect(session.activeTurn).toBeUndefined();
  });

  it('steer adds input that reaches the model', async () => {
    const before = h.model.requests.length;
    h.model.enqueue(delayed(600, message('first part')), message('steered answer'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const stream = session.askStream('start');
    await stream.turnIdReady;
    const steered = await session.steer('also do this');
    expect(steered.turnId).toBe(stream.turnId);
    const result = await stream.result;
    expect(result.status).toBe('completed');
    const texts = h.model.requests.slice(before).flatMap((r) => userTexts(r));
    expect(texts).toContain('also do this');
  });

  it('a failed turn rejects with PromptRunError carrying the server error and the partial result', async () => {
    h.model.enqueue(failure('the model broke', 'server_error'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const error = await session.ask('fail').catch((e: unknown) => e);
    expect(PromptRunError.isInstance(error)).toBe(true);
    const e = error as PromptRunError;
    expect(e.code).toBe('TURN_FAILED');
    expect(e.serverMessage).toContain('the model broke');
    expect(e.partial.status).toBe('failed');
    expect(e.partial.threadId).toBe(session.threadId);
    expect(e.isQuotaExceeded()).toBe(false);
  });

  it('an HTTP 429 turn failure is classified as a rate limit', async () => {
    h.model.enqueue(
      httpError(429, { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }),
    );
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const error = (await session.ask('x').catch((e: unknown) => e)) as PromptRunError;
    expect(error.code).toBe('TURN_FAILED');
    expect(error.failureClass).toBe('rateLimit');
    expect(error.isRetryable()).toBe(true);
  });

  it('aborting the signal interrupts the turn and rejects with ABORTED', async () => {
    h.model.enqueue(hang(), message('still fine'));
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const controller = new AbortController();
    const before = h.model.requests.length;
    const pending = session.ask('hang', { signal: controller.signal });
    await h.model.waitForRequests(before + 1);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(CodexusError.is(error, 'ABORTED')).toBe(true);
    await expect(session.ask('next')).resolves.toMatchObject({ text: 'still fine' });
  });

  it('the timeout and the inactivity watchdog interrupt and fail the turn', async () => {
    h.model.enqueue(hang(), hang());
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const timeout = (await session.ask('x', { timeoutMs: 400 }).catch((e: unknown) => e)) as PromptRunError;
    expect(timeout.code).toBe('REQUEST_TIMEOUT');
    expect(timeout.reason).toBe('timeout');
    const idle = (await session
      .ask('y', { inactivityTimeoutMs: 400 })
      .catch((e: unknown) => e)) as PromptRunError;
    expect(idle.reason).toBe('inactivity');
    expect(idle.message).toMatch(/no event from codex for 400 ms/);
  });

  it('outputSchema reaches the model', async () => {
    h.model.enqueue(message('{"answer":42}'));
    const schema = {
      type: 'object',
      properties: { answer: { type: 'number' } },
      required: ['answer'],
      additionalProperties: false,
    };
    const session = await h.client.startSession({ cwd: h.workspace.path });
    const result = await session.ask('structured', { outputSchema: schema });
    expect(JSON.parse(result.text)).toEqual({ answer: 42 });
    expect(outputSchema(h.model.requests.at(-1)!)).toEqual(schema);
  });

  it('the privileged guard rejects before any RPC is sent', async () => {
    const before = h.client.metrics().requests;
    await expect(
      h.client.startSession({ cwd: h.workspace.path, sandbox: 'danger-full-access' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('privileged: true'),
    });
    await expect(h.client.startSession({ cwd: 'relative/dir' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(h.client.metrics().requests).toBe(before);
    const privileged = await h.client.startSession({
      cwd: h.workspace.path,
      sandbox: 'danger-full-access',
      privileged: true,
    });
    expect(privileged.info.sandbox).toMatchObject({ type: 'dangerFullAccess' });
  });

  it('runs 8 sessions concurrently on one client without mixing their events', async () => {
    const n = 8;
    // Each answer names the prompt it answers, so a mix-up would show.
    for (let i = 0; i < n; i++) {
      h.model.enqueue((request) => step(message(`answer to ${userTexts(request).at(-1)}`)));
    }
    const sessions = await Promise.all(
      Array.from({ length: n }, () => h.client.startSession({ cwd: h.workspace.path })),
    );
    const results = await Promise.all(sessions.map((s, i) => s.ask(`prompt ${i}`)));
    results.forEach((r, i) => {
      expect(r.text).toBe(`answer to prompt ${i}`);
      expect(r.threadId).toBe(sessions[i]!.threadId);
    });
    expect(new Set(results.map((r) => r.turnId)).size).toBe(n);
  });
});
