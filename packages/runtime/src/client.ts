import { CodexusError, type RequestOptions, type ServerInfo } from '@codexus/core';
import { percentile } from '@codexus/core/internal';
import type { Hook } from '@codexus/plugin';
import type {
  ThreadListParams,
  ThreadListResponse,
  ThreadReadParams,
  ThreadReadResponse,
} from '@codexus/protocol';
import type { ApprovalHandler, TimeoutAction, UnknownServerRequestPolicy } from './approval-request.js';
import { ApprovalRouter } from './approval-router.js';
import {
  HookEngine,
  type HookEngineOptions,
  type HookMetrics,
  reviewApproval,
  runPostSessionStart,
  runPreSessionStart,
} from './hooks/index.js';
import { isRecord, str, threadIdOf } from './internal/wire.js';
import type { PromptRunResult } from './prompt-run-event.js';
import { releaseThread } from './release-thread.js';
import { Runtime, type RuntimeConfig, type RuntimeMetrics } from './runtime.js';
import { Session, type SessionHost, type SessionInfo } from './session.js';
import {
  assertCwdDirectory,
  reopenParams,
  resolveSessionConfig,
  type SessionConfig,
  threadParams,
} from './session-config.js';
import type { SessionSource } from './session-source.js';
import type { AttachStateOptions, StateAttachment } from './state/index.js';
import type { ThreadView } from './state/state-view.js';
import type { ToolEntry } from './tools/tool-namespace.js';
import { toolSpecs } from './tools/tool-registry.js';

export interface ClientConfig extends RuntimeConfig {
  /** Answers approvals of sessions that have no handler of their own. */
  approvalHandler?: ApprovalHandler;
  approvalTimeoutMs?: number;
  timeoutAction?: TimeoutAction;
  unknownServerRequestPolicy?: UnknownServerRequestPolicy;
  /** Hooks for every session of this client (they run before the session's own). */
  hooks?: readonly Hook[];
  /** Hook time limit (ms), failure policy (PreRun/PreSessionStart/PreTurn) and context metadata. */
  hookOptions?: Pick<HookEngineOptions, 'timeoutMs' | 'onFailure' | 'metadata'>;
  /**
   * In-process tools offered to every session (before the session's own `tools`). Setting this, even
   * to `[]`, enables codex's experimental capability on the connection for `dynamicTools`; the
   * local experimental gate of `AppServer` stays closed unless `experimentalApi: true`.
   */
  tools?: readonly ToolEntry[];
}

export interface ClientMetrics extends RuntimeMetrics {
  sessions: number;
  turns: { completed: number; failed: number; interrupted: number; p50Ms: number; p95Ms: number };
  hooks: HookMetrics;
}

/** A page of `thread/list`: the generated `ThreadListResponse`. */
export type ThreadPage = ThreadListResponse;

const TURN_WINDOW = 1_000;

/**
 * Layer 3: one codex process serving any number of Sessions. Events are routed by thread id, so
 * concurrent turns on different sessions never mix.
 */
export class Client implements SessionHost, SessionSource {
  private readonly sessions = new Set<Session>();
  private readonly router: ApprovalRouter;
  private readonly turnDurations: number[] = [];
  private readonly turnCounts = { completed: 0, failed: 0, interrupted: 0 };
  private closing: Promise<void> | undefined;

  private constructor(
    readonly runtime: Runtime,
    private readonly config: ClientConfig,
    readonly hooks: HookEngine,
  ) {
    this.router = new ApprovalRouter({
      findTarget: (threadId) => this.findSession(threadId),
      enqueue: (request) => runtime.enqueue(request),
      clientHandler: config.approvalHandler,
      unknownPolicy: config.unknownServerRequestPolicy,
      approvalTimeoutMs: config.approvalTimeoutMs,
      timeoutAction: config.timeoutAction,
      logger: runtime.logger,
      review: (request, answer, signal) => {
        const session = this.findSession(request.threadId);
        const turn = session?.activeTurn;
        return reviewApproval(session?.hooks ?? this.hooks, request, answer, {
          signal,
          cwd: session?.config.cwd,
          item: turn?.item(request.itemId),
          onReports: (reports) => turn?.addHookReports(reports),
        });
      },
    });
    runtime.setServerRequestRouter((request) => {
      // A registered tool's call goes to the session's tools, never to approval handlers.
      const session =
        request.method === 'item/tool/call' ? this.findSession(threadIdOf(request.params)) : undefined;
      if (session?.tools) session.tools.handle(request, session.activeTurn);
      else this.router.route(request);
    });
    runtime.on('serverRequest/resolved', (n) => {
      if (!isRecord(n.params)) return;
      this.router.withdraw(n.params.requestId);
      this.findSession(threadIdOf(n.params))?.tools?.withdraw(n.params.requestId);
    });
    runtime.onRestart(() => this.rebindSessions());
  }

  /** Spawns codex and runs the handshake (`signal` aborts a handshake in progress). */
  static async connect(config: ClientConfig = {}): Promise<Client> {
    const hooks = new HookEngine({ ...config.hookOptions, hooks: config.hooks, logger: config.logger });
    if (config.tools !== undefined) toolSpecs(config.tools); // refuses bad tools before spawning codex
    const runtimeConfig = { ...config, dynamicTools: config.tools !== undefined || config.dynamicTools };
    return new Client(await Runtime.start(runtimeConfig), config, hooks);
  }

  get server(): ServerInfo {
    return this.runtime.server;
  }

  /** Starts a new thread. The config is validated (and defaults applied) before any RPC. */
  async startSession(config: SessionConfig, options: RequestOptions = {}): Promise<Session> {
    let resolved = resolveSessionConfig(this.withClientTools(config));
    const hooks = this.hooks.extend(config.hooks ?? []); // refuses bad hooks before any RPC
    this.assertOpen('startSession');
    if (this.spawnsCodex) await assertCwdDirectory(resolved.cwd);
    ({ config: resolved } = await runPreSessionStart(hooks, resolved, { signal: options.signal }));
    const info = await this.runtime.request('thread/start', threadParams(resolved), options);
    const session = this.adopt(threadIdFrom(info), resolved, info, hooks);
    await runPostSessionStart(hooks, { threadId: session.threadId, config: resolved, info });
    return session;
  }

  /** Resumes a stored thread (`thread/resume`), e.g. after a restart of your program. */
  async resumeSession(
    threadId: string,
    config: Partial<SessionConfig> = {},
    options: RequestOptions = {},
  ): Promise<Session> {
    return this.reopen('thread/resume', threadId, config, options);
  }

  /** Forks a stored thread into a new one (`thread/fork`). */
  async forkSession(
    threadId: string,
    config: Partial<SessionConfig> = {},
    options: RequestOptions = {},
  ): Promise<Session> {
    return this.reopen('thread/fork', threadId, config, options);
  }

  listThreads(params: ThreadListParams = {}, options: RequestOptions = {}): Promise<ThreadPage> {
    return this.runtime.request('thread/list', params, options);
  }

  readThread(
    threadId: string,
    params: Omit<ThreadReadParams, 'threadId'> = {},
    options: RequestOptions = {},
  ): Promise<ThreadReadResponse> {
    return this.runtime.request('thread/read', { threadId, ...params }, options);
  }

  async archiveThread(threadId: string, options: RequestOptions = {}): Promise<void> {
    await this.runtime.request('thread/archive', { threadId }, options);
  }

  /** The runtime's state projection (see `Runtime.state`). */
  state(options?: Omit<AttachStateOptions, 'protocolRevision'>): StateAttachment {
    return this.runtime.state(options);
  }

  /** `ready` while codex is up; `state` is the runtime's lifecycle (see `SessionSource`). */
  readiness(): { ready: boolean; state: string } {
    const state = this.runtime.lifecycle;
    return { ready: state === 'ready', state };
  }

  /** Starts the state projection (see `SessionSource`). */
  observeState(): void {
    this.runtime.state();
  }

  /** The projection's view of one thread; undefined until `observeState()` (or `state()`) ran. */
  threadState(threadId: string): ThreadView | undefined {
    return this.runtime.stateStarted ? this.runtime.state().projection.thread(threadId) : undefined;
  }

  metrics(): ClientMetrics {
    return {
      ...this.runtime.metrics(),
      sessions: this.sessions.size,
      turns: {
        ...this.turnCounts,
        p50Ms: percentile(this.turnDurations, 0.5),
        p95Ms: percentile(this.turnDurations, 0.95),
      },
      hooks: this.hooks.metrics(),
    };
  }

  /** Closes every session, then codex. Idempotent. */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.resolve(); // `closing` is set before any session closes (see releaseThread)
      await Promise.allSettled([...this.sessions].map((s) => s.close()));
      await this.runtime.close();
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** For the client's sessions (`SessionHost`); not for callers. */
  turnFinished({ result, error }: { result: PromptRunResult; error?: CodexusError }): void {
    if (error) this.turnCounts.failed++;
    else if (result.status === 'interrupted') this.turnCounts.interrupted++;
    else this.turnCounts.completed++;
    this.turnDurations.push(result.durationMs);
    if (this.turnDurations.length > TURN_WINDOW) this.turnDurations.shift();
  }

  /** For the client's sessions (`SessionHost`); not for callers. */
  sessionClosed(session: Session): void {
    this.sessions.delete(session);
  }

  /**
   * For the client's sessions (`SessionHost`): unsubscribes from a closed session's thread so codex unloads it. Not while
   * the client closes: ending the connection unsubscribes from every thread at once.
   */
  async releaseThread(session: Session): Promise<void> {
    if (this.closing) return;
    await releaseThread(this.runtime, session.threadId);
  }

  private async reopen(
    method: 'thread/resume' | 'thread/fork',
    threadId: string,
    config: Partial<SessionConfig>,
    options: RequestOptions,
  ): Promise<Session> {
    // cwd is optional here: the stored thread has one. Validate the rest before any RPC.
    let resolved = resolveSessionConfig(
      this.withClientTools({ cwd: config.cwd ?? '/', ...config } as SessionConfig),
    );
    const hooks = this.hooks.extend(config.hooks ?? []); // refuses bad hooks before any RPC
    this.assertOpen(method);
    if (config.cwd !== undefined && this.spawnsCodex) await assertCwdDirectory(resolved.cwd);
    // The SessionStart hooks run for resumed and forked threads too (a block stops the RPC).
    const metadata = { method, threadId };
    ({ config: resolved } = await runPreSessionStart(hooks, resolved, { signal: options.signal, metadata }));
    const params = reopenParams(method, resolved, threadId);
    if (config.cwd === undefined) delete params.cwd;
    const info: SessionInfo = await this.runtime.request(method, params, options);
    const cwd = str(info.cwd) ?? resolved.cwd;
    const session = this.adopt(threadIdFrom(info), { ...resolved, cwd }, info, hooks);
    await runPostSessionStart(hooks, { threadId: session.threadId, config: session.config, info });
    return session;
  }

  private adopt(
    threadId: string,
    config: ReturnType<typeof resolveSessionConfig>,
    info: SessionInfo,
    hooks?: HookEngine,
  ): Session {
    const session = new Session(this, threadId, config, info, hooks);
    this.sessions.add(session);
    return session;
  }

  private findSession(threadId: string | undefined): Session | undefined {
    if (threadId === undefined) return undefined;
    for (const session of this.sessions) if (session.threadId === threadId) return session;
    return undefined;
  }

  /** After a restart: resume every open session's thread; a thread with no turn yet is started anew. */
  private async rebindSessions(): Promise<void> {
    for (const session of this.sessions) {
      try {
        if (session.turnCount === 0) {
          const info = await this.runtime.request('thread/start', threadParams(session.config));
          session.rebind(threadIdFrom(info), info);
        } else {
          const params = reopenParams('thread/resume', session.config, session.threadId);
          const info = await this.runtime.request('thread/resume', params);
          session.rebind(threadIdFrom(info), info);
        }
      } catch (error) {
        this.runtime.logger.error('could not resume a session after restart', {
          threadId: session.threadId,
          error: String(error),
        });
      }
    }
  }

  /**
   * The client's tools before the session's. Tools need the experimental capability on the
   * connection: without it, `EXPERIMENTAL_API_REQUIRED` before any RPC.
   */
  private withClientTools(config: SessionConfig): SessionConfig {
    const tools = [...(this.config.tools ?? []), ...(config.tools ?? [])];
    if (config.tools !== undefined && !Array.isArray(config.tools)) return config; // refused by resolveSessionConfig
    if (tools.length > 0 && !this.toolsEnabled)
      throw new CodexusError(
        'EXPERIMENTAL_API_REQUIRED',
        "tools need codex's experimental dynamicTools: connect with `tools` (e.g. `tools: []`), `dynamicTools: true` or `experimentalApi: true`",
        { data: { field: 'tools' } },
      );
    return tools.length > 0 || config.tools !== undefined ? { ...config, tools } : config;
  }

  /** Was the connection opened with the capability that `dynamicTools` need? */
  private get toolsEnabled(): boolean {
    return (
      this.config.tools !== undefined ||
      this.config.dynamicTools === true ||
      this.config.experimentalApi === true
    );
  }

  /** codex runs on this machine (not a remote server or a custom transport): its paths are ours. */
  private get spawnsCodex(): boolean {
    return this.config.remote === undefined && this.config.transport === undefined;
  }

  /** Fails at once, naming why, when the client was closed or codex is gone (no RPC is sent). */
  private assertOpen(what: string): void {
    if (this.closing) throw new CodexusError('CONNECTION_CLOSED', `${what}: the client is closed`);
    if (this.runtime.lifecycle === 'closed') {
      const info = this.runtime.connection.closeInfo ?? { reason: 'closed' };
      throw new CodexusError(
        'CONNECTION_CLOSED',
        `${what}: the connection to codex is closed (${info.reason})`,
        {
          data: { ...info },
        },
      );
    }
  }
}

function threadIdFrom(info: SessionInfo): string {
  // Typed by the pin, but read defensively: an older or odd server may leave it out.
  const thread: unknown = info?.thread;
  const id = isRecord(thread) ? str(thread.id) : undefined;
  if (!id)
    throw new CodexusError('PROTOCOL_VIOLATION', 'the server returned no thread id', {
      data: { result: info },
    });
  return id;
}
