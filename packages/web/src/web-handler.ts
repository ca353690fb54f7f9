import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { parseBody } from './internal/body-validation.js';
import { PAGE_HTML, PAGE_SCRIPT } from './internal/page.js';
import { SseConnections, sseResponse } from './internal/sse-stream.js';
import { parseLastEventId } from './sse-envelope.js';
import { generateToken, type TenantToken, TenantTokens } from './tenant-tokens.js';
import type { WebAdapter } from './web-adapter.js';
import { httpStatusOf } from './web-error.js';
import { CreateSessionBodySchema, CreateTurnBodySchema } from './web-schemas.js';

export interface WebHandlerOptions {
  /** Bearer tokens and their tenants. None: one token is generated for tenant `default` (see `generatedToken`). */
  tokens?: readonly TenantToken[];
  /**
   * Origins allowed to call the API from a browser, besides the page's own origin
   * (e.g. `https://app.example.com`). A request with any other `Origin` gets 403.
   */
  allowedOrigins?: readonly string[];
  /**
   * Host names (without port) the server answers to; other `Host` headers get 403 (a guard against
   * DNS rebinding). Default: `127.0.0.1`, `localhost`, `[::1]`. `'*'` turns the check off.
   */
  allowedHosts?: readonly string[] | '*';
  /** Largest JSON body accepted (bytes, default 64 KiB). */
  maxBodyBytes?: number;
  /** SSE heartbeat interval (ms, default 15 000). */
  heartbeatMs?: number;
}

/** The HTTP surface: a Web-standard `fetch` handler (any runtime), its Hono app, and the tokens. */
export interface WebHandler {
  readonly fetch: (request: Request) => Promise<Response>;
  readonly app: Hono<WebEnv>;
  /** The token generated for tenant `default` when none was configured. */
  readonly generatedToken?: string;
  /** What the open SSE responses hold right now (see {@link WebHandlerMetrics}). */
  metrics(): WebHandlerMetrics;
}

/** The SSE side of the bridge, for monitoring: how much memory slow readers hold. */
export interface WebHandlerMetrics {
  /** Open SSE responses. */
  sseConnections: number;
  /**
   * Bytes held for them: events queued for their subscriptions plus SSE frames the HTTP server has
   * not taken yet (each stream pulls at most 16 KiB ahead). Bounded per connection by the adapter's
   * `maxSubscriberBytes` (plus one event and those 16 KiB): a reader that falls further behind is cut.
   */
  sseHeldBytes: number;
  /** The most one SSE response holds. */
  maxSseConnectionHeldBytes: number;
}

/** The Hono environment of the bridge's app: the tenant resolved from the bearer token. */
export type WebEnv = { Variables: { tenant: string } };

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_HEARTBEAT_MS = 15_000;

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/**
 * Builds the bridge's HTTP routes over an adapter:
 * `POST /v1/sessions`, `GET /v1/sessions`, `POST /v1/sessions/:id/turns`, `DELETE /v1/sessions/:id`,
 * `GET /v1/sessions/:id/events` (SSE), `GET /v1/sessions/:id/approvals` (SSE),
 * `POST /v1/sessions/:id/approvals/:approvalId`, `GET /v1/sessions/:id/state`, `GET /healthz`,
 * and the approval page at `/` (+ `/app.js`). Everything but the page needs a bearer token.
 */
export function createWebHandler(adapter: WebAdapter, options: WebHandlerOptions = {}): WebHandler {
  const generatedToken = options.tokens?.length ? undefined : generateToken();
  const tokens = new TenantTokens(
    options.tokens?.length ? options.tokens : [{ tenant: 'default', token: generatedToken! }],
  );
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const allowedHosts = options.allowedHosts ?? LOOPBACK_HOSTS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const connections = new SseConnections();

  const app = new Hono<WebEnv>();

  app.onError((error, c) => {
    const { status, code, message } = httpStatusOf(error);
    return fail(c, status, code, message);
  });
  app.notFound((c) => fail(c, 404, 'NOT_FOUND', 'no such route'));

  // Host (DNS rebinding) and Origin checks come first, for every route, the page included.
  app.use('*', async (c, next) => {
    if (allowedHosts !== '*' && !allowedHosts.includes(hostName(c.req.header('host')))) {
      return fail(c, 403, 'AUTH_FAILED', 'this Host is not served');
    }
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const own = `${new URL(c.req.url).protocol}//${c.req.header('host') ?? ''}`;
      const cross = allowedOrigins.has(origin);
      if (origin !== own && !cross) return fail(c, 403, 'AUTH_FAILED', 'this Origin is not allowed');
      if (cross) {
        c.header('access-control-allow-origin', origin);
        c.header('vary', 'Origin');
        if (c.req.method === 'OPTIONS') {
          c.header('access-control-allow-methods', 'GET, POST, DELETE');
          c.header('access-control-allow-headers', 'authorization, content-type, last-event-id');
          c.header('access-control-max-age', '600');
          return c.body(null, 204);
        }
      }
    }
    await next();
  });

  app.get('/', (c) => c.html(PAGE_HTML, 200, PAGE_HEADERS));
  app.get('/app.js', (c) =>
    c.body(PAGE_SCRIPT, 200, { ...PAGE_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }),
  );

  // Everything else needs a bearer token; the tenant comes from it.
  app.use('*', async (c, next) => {
    const tenant = tokens.tenantOfHeader(c.req.header('authorization'));
    if (tenant === undefined) {
      c.header('www-authenticate', 'Bearer');
      return fail(c, 401, 'AUTH_FAILED', 'a valid bearer token is needed');
    }
    c.set('tenant', tenant);
    c.header('cache-control', 'no-store');
    await next();
  });

  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => fail(c, 413, 'VALIDATION_FAILED', `the body is larger than ${maxBodyBytes} bytes`),
  });

  app.get('/healthz', (c) => {
    const { ready, state } = adapter.client.readiness();
    return c.json({ ok: ready, codex: state });
  });

  app.get('/v1/sessions', (c) => c.json({ sessions: adapter.listSessions(c.var.tenant) }));

  app.post('/v1/sessions', limit, async (c) => {
    const body = await readBody(c, CreateSessionBodySchema, true);
    if (body instanceof Response) return body;
    const created = await adapter.createSession(c.var.tenant, body);
    return c.json(created, 201);
  });

  app.post('/v1/sessions/:id/turns', limit, async (c) => {
    const body = await readBody(c, CreateTurnBodySchema, false);
    if (body instanceof Response) return body;
    const created = await adapter.createTurn(c.var.tenant, c.req.param('id'), body);
    return c.json(created, 202);
  });

  app.delete('/v1/sessions/:id', async (c) => {
    await adapter.closeSession(c.var.tenant, c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/v1/sessions/:id/state', (c) => c.json(adapter.state(c.var.tenant, c.req.param('id'))));

  app.get('/v1/sessions/:id/events', (c) => {
    const events = adapter.subscribeSessionEvents(c.var.tenant, c.req.param('id'), subscribeOptions(c));
    return sseResponse(events, { heartbeatMs, connections });
  });

  app.get('/v1/sessions/:id/approvals', (c) => {
    const events = adapter.subscribeSessionApprovals(c.var.tenant, c.req.param('id'), subscribeOptions(c));
    return sseResponse(events, { heartbeatMs, connections });
  });

  app.post('/v1/sessions/:id/approvals/:approvalId', limit, async (c) => {
    const body = await readBody(c, v.unknown(), false);
    if (body instanceof Response) return body;
    adapter.postApproval(c.var.tenant, c.req.param('id'), c.req.param('approvalId'), body);
    return c.json({ ok: true });
  });

  return {
    app,
    fetch: async (request) => app.fetch(request),
    metrics: () => {
      const { connections: sseConnections, heldBytes, maxConnectionHeldBytes } = connections.stats();
      return { sseConnections, sseHeldBytes: heldBytes, maxSseConnectionHeldBytes: maxConnectionHeldBytes };
    },
    ...(generatedToken === undefined ? {} : { generatedToken }),
  };
}

function fail(c: Context, status: number, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status as 400);
}

function hostName(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  return (host.split(':')[0] ?? '').toLowerCase();
}

function subscribeOptions(c: Context<WebEnv>): { lastEventId?: number; signal: AbortSignal } {
  const lastEventId = parseLastEventId(c.req.header('last-event-id'));
  return lastEventId === undefined ? { signal: c.req.raw.signal } : { lastEventId, signal: c.req.raw.signal };
}

/**
 * Reads a JSON body and validates it: a Response (415, or 400 for text that is not JSON) when it is
 * not acceptable; a schema mismatch throws `VALIDATION_FAILED` naming the field (400).
 */
async function readBody<S extends v.GenericSchema>(
  c: Context<WebEnv>,
  schema: S,
  emptyIsObject: boolean,
): Promise<v.InferOutput<S> | Response> {
  const text = await c.req.text();
  if (text.trim() === '' && emptyIsObject) return parseBody(schema, {});
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return fail(c, 415, 'VALIDATION_FAILED', 'the body must be application/json');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(c, 400, 'VALIDATION_FAILED', 'the body is not valid JSON');
  }
  return parseBody(schema, json);
}
