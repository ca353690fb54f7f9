import { Client } from '@codexus/runtime';
import { type ScriptedHarness, shell, startScriptedHarness } from '@codexus/testkit';
import {
  createWebHandler,
  generateToken,
  serveWeb,
  WebAdapter,
  type WebAdapterConfig,
  type WebEvent,
  type WebHandler,
  type WebHandlerOptions,
  type WebServer,
} from '../src/index.js';

/** A scripted codex, a WebAdapter over it, and the HTTP bridge listening on 127.0.0.1. */
export interface WebHarness {
  h: ScriptedHarness<Client>;
  adapter: WebAdapter;
  handler: WebHandler;
  server: WebServer;
  url: string;
  tokens: { alpha: string; beta: string };
  close(): Promise<void>;
}

export async function startWebHarness(
  options: { adapter?: Partial<WebAdapterConfig>; handler?: Partial<WebHandlerOptions> } = {},
): Promise<WebHarness> {
  const h = await startScriptedHarness({
    home: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
    connect: (home) => Client.connect({ codexHome: home.path }),
  });
  const adapter = WebAdapter.create(h.client, {
    roots: [h.workspace.path],
    profiles: {
      default: {
        approval: 'on-request',
        sandbox: 'workspace-write',
        turnTimeoutMs: 25_000,
        approvalTimeoutMs: 20_000,
        timeoutAction: 'decline',
      },
      impatient: {
        approval: 'on-request',
        sandbox: 'workspace-write',
        turnTimeoutMs: 25_000,
        approvalTimeoutMs: 300,
      },
    },
    ...options.adapter,
  });
  const tokens = { alpha: generateToken(), beta: generateToken() };
  const handler = createWebHandler(adapter, {
    tokens: [
      { tenant: 'alpha', token: tokens.alpha },
      { tenant: 'beta', token: tokens.beta },
    ],
    heartbeatMs: 200,
    ...options.handler,
  });
  const server = await serveWeb(handler);
  return {
    h,
    adapter,
    handler,
    server,
    url: server.url,
    tokens,
    close: async () => {
      await server.close();
      await adapter.close();
      await h.close();
    },
  };
}

/** A command that needs escalation, so codex asks for approval under `on-request`. */
export const escalated = (file: string) =>
  shell(`touch ${file}`, {
    sandboxPermissions: 'require_escalated',
    justification: 'write a marker file',
    login: false,
  });

/** A fetch-based SSE reader for tests: collects events, waits for one (bounded). */
export class SseReader {
  readonly events: WebEvent[] = [];
  readonly raw: string[] = [];
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  private ended = false;
  readonly response: Promise<Response>;

  constructor(url: string, token: string, lastEventId?: number) {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
    this.response = fetch(url, { headers, signal: this.controller.signal });
    void this.read();
  }

  private async read(): Promise<void> {
    try {
      const res = await this.response;
      if (!res.ok || !res.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.raw.push(frame);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('');
          if (data) this.events.push(JSON.parse(data) as WebEvent);
          end = buffer.indexOf('\n\n');
        }
        this.wake();
      }
    } catch {
      // aborted
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  get done(): boolean {
    return this.ended;
  }

  /** Waits for an event matching `predicate` (bounded). */
  async waitFor<T extends WebEvent['type']>(
    type: T,
    predicate: (e: Extract<WebEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<Extract<WebEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(
        (e): e is Extract<WebEvent, { type: T }> =>
          e.type === type && predicate(e as Extract<WebEvent, { type: T }>),
      );
      if (found) return found;
      if (this.ended) throw new Error(`the stream ended before a ${type} event`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${type} event within ${timeoutMs} ms (got ${this.events.map((e) => e.type).join(', ')})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}

/**
 * Creates a session (`profile` optional), runs one turn of `prompt` and returns its events up to
 * `turnCompleted`. Bounded: after `timeoutMs` the subscription ends and the events so far return.
 */
export async function oneTurn(
  adapter: WebAdapter,
  prompt: string,
  options: { profile?: string; tenant?: string; timeoutMs?: number } = {},
): Promise<{ sessionId: string; events: WebEvent[] }> {
  const tenant = options.tenant ?? 'alpha';
  const { sessionId } = await adapter.createSession(
    tenant,
    options.profile === undefined ? {} : { profile: options.profile },
  );
  const subscription = adapter.subscribeSessionEvents(tenant, sessionId);
  await adapter.createTurn(tenant, sessionId, { prompt });
  const events: WebEvent[] = [];
  const deadline = setTimeout(() => void subscription.return?.(), options.timeoutMs ?? 15_000);
  for await (const event of subscription) {
    events.push(event);
    if (event.type === 'turnCompleted') break;
  }
  clearTimeout(deadline);
  return { sessionId, events };
}
