import { afterEach, describe, expect, it } from 'vitest';
import { message, shell, streamedMessage } from './items.js';
import { type ScriptedModel, startScriptedModel } from './scripted-model.js';
import { delayed, failure, hang, httpError, step } from './steps.js';

interface ParsedEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): ParsedEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length) ?? '';
      const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

const models: ScriptedModel[] = [];
const logs: string[] = [];
async function start(...args: Parameters<typeof startScriptedModel>): Promise<ScriptedModel> {
  const model = await startScriptedModel(args[0], { log: (line) => logs.push(line), ...args[1] });
  models.push(model);
  return model;
}
afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
  logs.length = 0;
});

function post(model: ScriptedModel, body: unknown = { input: [] }, headers: Record<string, string> = {}) {
  return fetch(`${model.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('startScriptedModel', () => {
  it('listens on 127.0.0.1 and gives a /v1 base url', async () => {
    const model = await start([]);
    expect(model.url).toBe(`http://127.0.0.1:${model.port}/v1`);
  });

  it('answers each POST /responses with the next step as SSE, in order', async () => {
    const model = await start([message('one'), [shell('ls', { callId: 'c1' }), message('two')]]);
    const first = await post(model);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/event-stream');
    const events1 = parseSse(await first.text());
    expect(events1.map((e) => e.event)).toEqual([
      'response.created',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events1[1]?.data).toMatchObject({
      type: 'response.output_item.done',
      item: { content: [{ text: 'one' }] },
    });

    const events2 = parseSse(await (await post(model)).text());
    expect(
      events2.filter((e) => e.event === 'response.output_item.done').map((e) => e.data.item),
    ).toMatchObject([{ type: 'function_call', call_id: 'c1' }, { type: 'message' }]);
    const ids = [events1, events2].map((events) => (events[0]!.data.response as { id: string }).id);
    expect(new Set(ids).size).toBe(2);
    expect(model.pending).toBe(0);
    expect(model.exhausted).toBe(0);
  });

  it('records every request: parsed body, raw body, headers, path, index', async () => {
    const model = await start([message('a'), message('b')]);
    await (
      await post(
        model,
        { model: 'm', input: [{ type: 'message', role: 'user', content: [] }] },
        { 'x-test': '1' },
      )
    ).text();
    await (await post(model, { model: 'n' })).text();
    expect(model.requests).toHaveLength(2);
    const [first, second] = model.requests;
    expect(first).toMatchObject({ index: 0, method: 'POST', path: '/v1/responses', body: { model: 'm' } });
    expect(first?.headers['x-test']).toBe('1');
    expect(first?.rawBody).toContain('"model":"m"');
    expect(second?.body?.model).toBe('n');
  });

  it('keeps a non-JSON body as raw text', async () => {
    const model = await start([message('a')]);
    await (await fetch(`${model.url}/responses`, { method: 'POST', body: 'not json' })).text();
    expect(model.requests[0]).toMatchObject({ rawBody: 'not json', body: undefined });
  });

  it('answers HTTP 500 "script is exhausted" when the script runs out, and counts it', async () => {
    const model = await start([message('only')]);
    await (await post(model)).text();
    const res = await post(model);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('script_exhausted');
    expect(body.error.message).toMatch(/script is exhausted: request #2 arrived but only 1 step/);
    expect(model.exhausted).toBe(1);
    expect(model.requests).toHaveLength(2);
    expect(logs.join('\n')).toMatch(/exhausted/);
  });

  it('runs function steps with the recorded request', async () => {
    const model = await start([
      (request) => message(`echo: ${String(request.body?.model)}`),
      async () => [message('async')],
    ]);
    const text1 = await (await post(model, { model: 'abc' })).text();
    expect(text1).toContain('echo: abc');
    const text2 = await (await post(model)).text();
    expect(text2).toContain('async');
  });

  it('answers HTTP 500 and records the error when a function step throws', async () => {
    const model = await start([
      () => {
        throw new Error('bad step');
      },
    ]);
    const res = await post(model);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('bad step');
    expect(model.errors.map((e) => e.message)).toEqual(['bad step']);
  });

  it('answers an HTTP error step with its status and body', async () => {
    const model = await start([
      httpError(429, { error: { message: 'slow down' } }),
      httpError(503),
      httpError(502, 'plain'),
    ]);
    const a = await post(model);
    expect(a.status).toBe(429);
    expect(await a.json()).toEqual({ error: { message: 'slow down' } });
    const b = await post(model);
    expect(b.status).toBe(503);
    expect(((await b.json()) as { error: { message: string } }).error.message).toBe('scripted HTTP 503');
    const c = await post(model);
    expect(c.headers.get('content-type')).toBe('text/plain');
    expect(await c.text()).toBe('plain');
  });

  it('answers a failure step with response.failed', async () => {
    const model = await start([failure('model broke', 'server_error')]);
    const events = parseSse(await (await post(model)).text());
    expect(events.at(-1)).toMatchObject({
      event: 'response.failed',
      data: {
        type: 'response.failed',
        response: { error: { code: 'server_error', message: 'model broke' } },
      },
    });
  });

  it('streams deltas of a streamed message', async () => {
    const model = await start([streamedMessage(['a', 'b'])]);
    const events = parseSse(await (await post(model)).text());
    expect(events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta)).toEqual([
      'a',
      'b',
    ]);
  });

  it('waits delayMs before answering', async () => {
    const model = await start([delayed(150, message('late')), { items: [message('later')], delayMs: 50 }]);
    const started = performance.now();
    await (await post(model)).text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const again = performance.now();
    expect(await (await post(model)).text()).toContain('later');
    expect(performance.now() - again).toBeGreaterThanOrEqual(40);
  });

  it('answers many delayed steps at once without a listener-leak warning', async () => {
    const count = 16;
    const model = await start(Array.from({ length: count }, (_, i) => delayed(30, message(`m${i}`))));
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const bodies = await Promise.all(Array.from({ length: count }, async () => (await post(model)).text()));
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(bodies.filter((body) => body.includes('response.completed'))).toHaveLength(count);
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('keeps a hang step open until the model closes', async () => {
    const model = await start([hang(message('partial'))]);
    const res = await post(model);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('response.created');
    await model.close();
    await expect(
      (async () => {
        for (;;) {
          const { done } = await reader.read();
          if (done) return 'ended';
        }
      })(),
    ).rejects.toThrow();
  });

  it('close() cuts a pending delay and is idempotent; asyncDispose closes too', async () => {
    const model = await start([delayed(10_000, message('never'))]);
    const pending = post(model).then(
      () => 'answered',
      () => 'cut',
    );
    await model.waitForRequests(1);
    await Promise.all([model.close(), model.close()]);
    expect(await pending).toBe('cut');

    const disposable = await startScriptedModel([]);
    await disposable[Symbol.asyncDispose]();
    await expect(fetch(`${disposable.url}/responses`, { method: 'POST' })).rejects.toThrow();
  });

  it('enqueue appends steps to a running model', async () => {
    const model = await start([]);
    model.enqueue(message('added'));
    expect(model.pending).toBe(1);
    expect(await (await post(model)).text()).toContain('added');
  });

  it('waitForRequests resolves at the count and times out with the count seen', async () => {
    const model = await start([message('a')]);
    const waiting = model.waitForRequests(1, { timeoutMs: 2_000 });
    await (await post(model)).text();
    expect(await waiting).toHaveLength(1);
    await expect(model.waitForRequests(2, { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/2 request\(s\) to \/responses, 1 arrived/),
    });
  });

  it('answers GET /v1/models with an empty list and 404s (and logs) unknown paths', async () => {
    const model = await start([]);
    const models = await fetch(`${model.url}/models?client_version=1`);
    expect(models.status).toBe(200);
    expect(await models.json()).toEqual({ object: 'list', data: [], models: [] });
    const unknown = await fetch(`${model.url}/other`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(model.otherRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/models?client_version=1',
      'POST /v1/other',
    ]);
    expect(model.requests).toHaveLength(0);
    expect(logs).toEqual([expect.stringContaining('no route for POST /v1/other')]);
  });

  it('step() builds a respond step usable directly', async () => {
    const model = await start([step(message('x'), message('y'))]);
    const events = parseSse(await (await post(model)).text());
    expect(events.filter((e) => e.event === 'response.output_item.done')).toHaveLength(2);
  });
});

describe('ScriptedModel.clear', () => {
  it('drops only the steps not yet used', async () => {
    const model = await startScriptedModel([message('a'), message('b'), message('c')], { log: () => {} });
    try {
      const res = await fetch(`${model.url}/responses`, { method: 'POST', body: '{}' });
      await res.text();
      expect(model.pending).toBe(2);
      expect(model.clear()).toBe(2);
      expect(model.pending).toBe(0);
      model.enqueue(message('d'));
      expect(model.pending).toBe(1);
    } finally {
      await model.close();
    }
  });
});
