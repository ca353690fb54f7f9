import { randomUUID } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { type Logger, silentLogger } from '@codexus/core';
import {
  type ApprovalDecision,
  Client,
  type ClientConfig,
  type SessionConfig,
  type SessionSource,
  type ThreadView,
} from '@codexus/runtime';
import type { ApprovalView } from './approval-view.js';
import { parseBody } from './internal/body-validation.js';
import { webClientConfig } from './internal/web-client-config.js';
import { type SubscribeOptions, WebSession, type WebSubscription } from './internal/web-session.js';
import type { ReplayLimits } from './replay-buffer.js';
import { webRefusal } from './web-error.js';
import { ApprovalAnswerBodySchema } from './web-schemas.js';

/** A named session preset. Browsers pick a profile by name; they never send a session config. */
export type WebProfile = Omit<SessionConfig, 'cwd' | 'approvalHandler'>;

/**
 * The built-in `default` profile: codex asks before anything outside a read-only sandbox
 * (`on-request`), and a person has ten minutes to answer in the browser.
 */
export const DEFAULT_WEB_PROFILE: Readonly<WebProfile> = Object.freeze({
  approval: 'on-request',
  sandbox: 'read-only',
  turnTimeoutMs: 15 * 60_000,
  approvalTimeoutMs: 10 * 60_000,
  timeoutAction: 'decline',
});

export interface WebAdapterConfig {
  /** Session presets by name (default: `{ default: DEFAULT_WEB_PROFILE }`). */
  profiles?: Readonly<Record<string, WebProfile>>;
  /** The profile used when a request names none (default `default`). */
  defaultProfile?: string;
  /** Directories sessions may run in (a cwd must be one of them or inside one). Default: `[process.cwd()]`. */
  roots?: readonly string[];
  /** The cwd used when a request names none (default: the first root). */
  defaultCwd?: string;
  /** Open sessions per tenant (default 16). */
  maxSessionsPerTenant?: number;
  /** Limits of each session's replay buffer. */
  replay?: ReplayLimits;
  /** A subscriber this many events behind is cut off (it reconnects and replays). Default 10 000. */
  maxSubscriberLag?: number;
  /**
   * A subscriber holding more than this many bytes of serialized events it has not taken yet is cut
   * off (its queue is dropped; it reconnects with `Last-Event-ID` and replays). This bounds the
   * memory a slow or stalled reader costs. The first queued event is always accepted, however
   * large; the replay a subscriber gets when it subscribes does not count. Default 1 MiB.
   */
  maxSubscriberBytes?: number;
  logger?: Logger;
}

/** Default of `WebAdapterConfig.maxSubscriberBytes` (1 MiB). */
export const DEFAULT_MAX_SUBSCRIBER_BYTES = 1024 * 1024;

/** What the adapter's subscribers hold right now, for monitoring. */
export interface WebAdapterMetrics {
  /** Open sessions (every tenant). */
  sessions: number;
  /** Live event and approval subscriptions. */
  subscribers: number;
  /** Serialized bytes of the events queued for them and not yet taken. */
  subscriberQueuedBytes: number;
  /** The most one subscriber holds. */
  maxSubscriberQueuedBytes: number;
  /** Subscribers cut off for falling behind (`maxSubscriberLag`, `maxSubscriberBytes`), over the open sessions' lifetime. */
  subscribersCut: number;
}

/** A session as its tenant's listing shows it. */
export interface WebSessionSummary {
  sessionId: string;
  profile: string;
  cwd: string;
  createdAtMs: number;
  activeTurnId: string | null;
  pendingApprovals: number;
  lastEventId: number;
}

/** `GET /v1/sessions/:id/state`: the session, its pending approvals and the runtime's state projection of its thread. */
export interface WebSessionState extends WebSessionSummary {
  threadId: string | null;
  approvals: ApprovalView[];
  /** The state projection's view of the thread (see docs/state.md), null before codex reported on it. */
  thread: ThreadView | null;
}

/**
 * Framework-agnostic core of the web bridge: a registry of sessions scoped by tenant. Every call
 * names the tenant; a session of another tenant is reported exactly like one that does not exist.
 * Approval answers come back through `postApproval`, which checks them against the pending
 * request's allowed decisions; nothing else reaches the runtime.
 */
export class WebAdapter implements AsyncDisposable {
  private readonly sessions = new Map<string, WebSession>();
  private readonly profiles: Readonly<Record<string, WebProfile>>;
  private readonly defaultProfile: string;
  private readonly roots: string[];
  private readonly defaultCwd: string;
  private readonly logger: Logger;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly client: SessionSource,
    private readonly config: WebAdapterConfig,
    /** Connected by {@link WebAdapter.connect}: `close()` closes it too. */
    private readonly ownsClient = false,
  ) {
    this.profiles = config.profiles ?? { default: DEFAULT_WEB_PROFILE };
    this.defaultProfile = config.defaultProfile ?? 'default';
    if (!Object.hasOwn(this.profiles, this.defaultProfile)) {
      throw webRefusal('unknownProfile', `the default profile "${this.defaultProfile}" is not configured`);
    }
    this.roots = (config.roots ?? [process.cwd()]).map((root) => resolve(root));
    if (this.roots.length === 0) throw webRefusal('cwdNotAllowed', 'at least one root directory is needed');
    this.defaultCwd = resolve(config.defaultCwd ?? this.roots[0]!);
    this.logger = config.logger ?? silentLogger;
    client.observeState(); // the projection must see the sessions' threads from their start
  }

  /**
   * Bridges a connected `Client` or `ClientPool` (any `SessionSource`; the adapter never closes it). Profiles with `tools` need a client
   * connected with `tools` or `dynamicTools: true`; {@link WebAdapter.connect} does that on its own.
   */
  static create(client: SessionSource, config: WebAdapterConfig = {}): WebAdapter {
    webClientConfig(config.profiles, {}); // refuses bad profile tools now, not at the first session
    return new WebAdapter(client, config);
  }

  /**
   * Connects its own `Client` (`client`: which codex and how) and bridges it; `close()` closes it.
   * When a profile has `tools`, the connection opens codex's experimental capability they need (the
   * local experimental gate stays closed, see docs/tools.md). Bad profile tools are refused before
   * codex is spawned.
   */
  static async connect(config: WebAdapterConfig = {}, client: ClientConfig = {}): Promise<WebAdapter> {
    const connected = await Client.connect(webClientConfig(config.profiles, client));
    try {
      return new WebAdapter(connected, config, true);
    } catch (error) {
      await connected.close();
      throw error;
    }
  }

  get profileNames(): string[] {
    return Object.keys(this.profiles);
  }

  /** Starts a codex session for the tenant in `cwd` (inside a root) with a configured profile. */
  async createSession(
    tenant: string,
    options: { cwd?: string; profile?: string } = {},
  ): Promise<{ sessionId: string }> {
    this.assertOpen();
    const profileName = options.profile ?? this.defaultProfile;
    const profile = Object.hasOwn(this.profiles, profileName) ? this.profiles[profileName] : undefined;
    if (!profile) throw webRefusal('unknownProfile', `no profile "${profileName}"`, { profile: profileName });
    const cwd = await this.allowedCwd(options.cwd);
    const max = this.config.maxSessionsPerTenant ?? 16;
    if (this.listSessions(tenant).length >= max) {
      throw webRefusal('tooManySessions', `tenant has ${max} open sessions; close one first`);
    }
    const sessionId = randomUUID();
    const web = new WebSession(
      sessionId,
      tenant,
      profileName,
      cwd,
      {
        replay: this.config.replay ?? {},
        subscriber: {
          maxLag: this.config.maxSubscriberLag ?? 10_000,
          maxBytes: this.config.maxSubscriberBytes ?? DEFAULT_MAX_SUBSCRIBER_BYTES,
        },
      },
      this.logger,
    );
    this.sessions.set(sessionId, web);
    try {
      const session = await this.client.startSession({
        ...profile,
        cwd,
        approvalHandler: (request, { signal }) => web.requestApproval(request, signal),
      });
      web.attach(session);
    } catch (error) {
      this.sessions.delete(sessionId);
      throw error;
    }
    return { sessionId };
  }

  /** Starts a turn; resolves once codex accepted it. One turn at a time per session (`TURN_IN_PROGRESS`). */
  createTurn(tenant: string, sessionId: string, input: { prompt: string }): Promise<{ turnId: string }> {
    return this.find(tenant, sessionId).startTurn(input.prompt);
  }

  /** Closes the session (a running turn is interrupted, pending approvals cancelled) and forgets it. */
  async closeSession(tenant: string, sessionId: string): Promise<void> {
    const web = this.find(tenant, sessionId);
    this.sessions.delete(sessionId);
    await web.close();
  }

  /** Every event of the session: replays the kept ones after `lastEventId` (default: all kept), then live. */
  subscribeSessionEvents(tenant: string, sessionId: string, options: SubscribeOptions = {}): WebSubscription {
    return this.find(tenant, sessionId).subscribe(false, options);
  }

  /** The approval events of the session (`approvalRequested`, `approvalResolved`), replayed the same way. */
  subscribeSessionApprovals(
    tenant: string,
    sessionId: string,
    options: SubscribeOptions = {},
  ): WebSubscription {
    return this.find(tenant, sessionId).subscribe(true, options);
  }

  /**
   * Answers a pending approval: `payload` must be `{ decision }` with a decision the request
   * allows. A second answer (or one after the server withdrew the request) is a `CONFLICT`.
   */
  postApproval(tenant: string, sessionId: string, approvalId: string, payload: unknown): void {
    const web = this.find(tenant, sessionId);
    const { decision } = parseBody(ApprovalAnswerBodySchema, payload, 'the approval answer');
    web.answer(approvalId, decision as ApprovalDecision);
  }

  listSessions(tenant: string): WebSessionSummary[] {
    const out: WebSessionSummary[] = [];
    for (const web of this.sessions.values()) if (web.tenant === tenant) out.push(summary(web));
    return out.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  /** What the subscribers of every open session hold, and how many were cut off. */
  metrics(): WebAdapterMetrics {
    const metrics: WebAdapterMetrics = {
      sessions: this.sessions.size,
      subscribers: 0,
      subscriberQueuedBytes: 0,
      maxSubscriberQueuedBytes: 0,
      subscribersCut: 0,
    };
    for (const web of this.sessions.values()) {
      const stats = web.subscriberStats();
      metrics.subscribers += stats.subscribers;
      metrics.subscriberQueuedBytes += stats.queuedBytes;
      metrics.maxSubscriberQueuedBytes = Math.max(metrics.maxSubscriberQueuedBytes, stats.maxQueuedBytes);
      metrics.subscribersCut += stats.cut;
    }
    return metrics;
  }

  state(tenant: string, sessionId: string): WebSessionState {
    const web = this.find(tenant, sessionId);
    const threadId = web.threadId ?? null;
    const thread = threadId === null ? undefined : this.client.threadState(threadId);
    return { ...summary(web), threadId, approvals: web.pendingApprovals(), thread: thread ?? null };
  }

  /** Closes every session (and the client, when {@link WebAdapter.connect} connected it). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const all = [...this.sessions.values()];
      this.sessions.clear();
      await Promise.allSettled(all.map((web) => web.close()));
      if (this.ownsClient) await this.client.close();
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private find(tenant: string, sessionId: string): WebSession {
    const web = this.sessions.get(sessionId);
    if (!web || web.tenant !== tenant) throw webRefusal('notFound', `no session ${sessionId}`);
    return web;
  }

  private async allowedCwd(requested: string | undefined): Promise<string> {
    const wanted = requested ?? this.defaultCwd;
    if (!isAbsolute(wanted)) throw webRefusal('cwdNotAllowed', 'cwd must be an absolute path');
    let real: string;
    try {
      real = await realpath(wanted);
    } catch {
      throw webRefusal('cwdNotAllowed', `cwd ${wanted} does not exist`);
    }
    for (const root of this.roots) {
      const realRoot = await realpath(root).catch(() => root);
      const rel = relative(realRoot, real);
      if (rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))) return real;
    }
    throw webRefusal('cwdNotAllowed', `cwd ${wanted} is outside the allowed roots`);
  }

  private assertOpen(): void {
    if (this.closing) throw webRefusal('notFound', 'the web adapter is closed');
  }
}

function summary(web: WebSession): WebSessionSummary {
  return {
    sessionId: web.id,
    profile: web.profile,
    cwd: web.cwd,
    createdAtMs: web.createdAtMs,
    activeTurnId: web.activeTurnId ?? null,
    pendingApprovals: web.pendingApprovals().length,
    lastEventId: web.lastEventId,
  };
}
