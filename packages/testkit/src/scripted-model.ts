import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createWakeups, waitUntil } from './internal/wait-until.js';
import type { RecordedRequest, ResponsesRequestBody } from './recorded-request.js';
import { encodeSseEvent, responseEvents } from './sse.js';
import { type ScriptEntry, type ScriptStep, toStep } from './steps.js';

export interface ScriptedModelOptions {
  /**
   * Where to report requests the model does not serve (unknown paths, an exhausted script, a
   * throwing step function). Default: `console.warn`. Pass `() => {}` to silence.
   */
  log?: (line: string) => void;
}

export interface WaitOptions {
  /** Default 5 000 ms. */
  timeoutMs?: number;
}

/** A loopback stand-in for the OpenAI Responses API that answers from a script. */
export interface ScriptedModel extends AsyncDisposable {
  /** The base URL to put into `config.toml` (`http://127.0.0.1:PORT/v1`). codex POSTs `<url>/responses`. */
  readonly url: string;
  readonly port: number;
  /** Every `POST /responses`, in arrival order (`requests[i]` was answered by step `i`). */
  readonly requests: readonly RecordedRequest[];
  /** Every other request (e.g. `GET /v1/models`, unknown paths). */
  readonly otherRequests: readonly RecordedRequest[];
  /** Steps not yet used. */
  readonly pending: number;
  /** How many `/responses` requests arrived after the script ran out (each got an HTTP 500). */
  readonly exhausted: number;
  /** Errors thrown by step functions (each request got an HTTP 500). */
  readonly errors: readonly Error[];
  /** Appends steps to the script (for a model shared by several tests). */
  enqueue(...entries: ScriptEntry[]): void;
  /** Drops the steps not yet used (so a test sharing the model starts from an empty script); returns how many. */
  clear(): number;
  /** Resolves once at least `count` `/responses` requests arrived; rejects with `TIMEOUT` otherwise. */
  waitForRequests(count: number, options?: WaitOptions): Promise<readonly RecordedRequest[]>;
  /** Stops the server and cuts open streams (a hanging step ends here). Idempotent. */
  close(): Promise<void>;
}

/** The JSON error body of an exhausted script, a throwing step, or a default `httpError`. */
function errorBody(message: string, type: string): string {
  return JSON.stringify({ error: { message, type, code: null, param: null } });
}

/**
 * Starts a loopback HTTP server (127.0.0.1, ephemeral port) that answers each `POST <url>/responses`
 * with the next entry of `steps`, as server-sent events. When the script runs out it answers
 * HTTP 500 `script exhausted` and counts it in `exhausted`.
 *
 * ```ts
 * await using model = await startScriptedModel([message('hello'), [shell('echo hi'), message('ran it')]]);
 * ```
 */
export async function startScriptedModel(
  steps: readonly ScriptEntry[] = [],
  options: ScriptedModelOptions = {},
): Promise<ScriptedModel> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const script: ScriptEntry[] = [...steps];
  const requests: RecordedRequest[] = [];
  const otherRequests: RecordedRequest[] = [];
  const errors: Error[] = [];
  const arrivals = createWakeups();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  // Each delayed answer in flight listens for the close: many concurrent ones are normal, not a leak.
  setMaxListeners(0, closing.signal);
  let used = 0;
  let exhausted = 0;
  let responseCounter = 0;

  const server = createServer((req, res) => {
    readBody(req)
      .then((rawBody) => handle(req, res, rawBody))
      .catch((error: unknown) => {
        log(`[codexus/testkit] scripted model: failed to answer ${req.method} ${req.url}: ${String(error)}`);
        res.destroy();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const handle = async (req: IncomingMessage, res: ServerResponse, rawBody: string): Promise<void> => {
    const path = req.url ?? '/';
    const pathname = path.split('?')[0] ?? path;
    const isResponses = req.method === 'POST' && pathname.endsWith('/responses');
    const list = isResponses ? requests : otherRequests;
    const recorded: RecordedRequest = {
      index: list.length,
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      rawBody,
      body: parseJson(rawBody),
      receivedAtMs: Date.now(),
    };
    list.push(recorded);
    arrivals.wake();

    if (!isResponses) {
      if (req.method === 'GET' && pathname.endsWith('/models')) {
        sendJson(res, 200, JSON.stringify({ object: 'list', data: [], models: [] }));
        return;
      }
      log(`[codexus/testkit] scripted model: no route for ${recorded.method} ${path} (answered 404)`);
      sendJson(res, 404, errorBody(`no route for ${recorded.method} ${path}`, 'not_found'));
      return;
    }

    const entry = script[used];
    if (entry === undefined) {
      exhausted += 1;
      const message = `codexus testkit: the scripted model's script is exhausted: request #${recorded.index + 1} arrived but only ${script.length} step(s) were scripted`;
      log(`[codexus/testkit] ${message}`);
      sendJson(res, 500, errorBody(message, 'script_exhausted'));
      return;
    }
    used += 1;

    let stepToSend: ScriptStep;
    try {
      stepToSend = toStep(typeof entry === 'function' ? await entry(recorded) : entry);
    } catch (cause) {
      const error = cause instanceof Error ? cause : new Error(String(cause));
      errors.push(error);
      const message = `codexus testkit: step ${used} (a function) threw: ${error.message}`;
      log(`[codexus/testkit] ${message}`);
      sendJson(res, 500, errorBody(message, 'step_function_failed'));
      return;
    }
    await answer(res, stepToSend);
  };

  const answer = async (res: ServerResponse, current: ScriptStep): Promise<void> => {
    if (current.delayMs !== undefined && current.delayMs > 0) {
      const finished = await sleep(current.delayMs, res, closing.signal);
      if (!finished) return;
    }
    if (current.kind === 'http') {
      const body =
        current.body === undefined
          ? errorBody(`scripted HTTP ${current.status}`, 'server_error')
          : typeof current.body === 'string'
            ? current.body
            : JSON.stringify(current.body);
      const contentType = typeof current.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(current.status, { 'content-type': contentType, ...current.headers });
      res.end(body);
      return;
    }
    responseCounter += 1;
    const events = responseEvents(`resp_${responseCounter}`, current);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(events.map(encodeSseEvent).join(''));
    if (current.kind !== 'hang') res.end();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing.abort();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  };

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    otherRequests,
    errors,
    get pending() {
      return Math.max(0, script.length - used);
    },
    get exhausted() {
      return exhausted;
    },
    clear() {
      return script.splice(used).length;
    },
    enqueue(...entries) {
      script.push(...entries);
    },
    waitForRequests(count, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 5_000;
      return waitUntil(() => (requests.length >= count ? requests : undefined), arrivals.subscribe, {
        timeoutMs,
        describe: () =>
          `scripted model: waited ${timeoutMs} ms for ${count} request(s) to /responses, ${requests.length} arrived`,
      });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): ResponsesRequestBody | undefined {
  if (text.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as ResponsesRequestBody) : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** Waits `ms`; resolves `false` early if the client went away or the model is closing. */
function sleep(ms: number, res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (finished: boolean): void => {
      clearTimeout(timer);
      res.off('close', onGone);
      signal.removeEventListener('abort', onGone);
      resolve(finished);
    };
    const onGone = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    timer.unref();
    res.on('close', onGone);
    signal.addEventListener('abort', onGone);
  });
}
