import type { RequestOptions } from '@codexus/core';
import type { Session } from './session.js';
import type { SessionConfig } from './session-config.js';
import type { ThreadView } from './state/state-view.js';

/**
 * Where sessions come from: a `Client` (one codex) or a `ClientPool` (many app-servers). Layers
 * above (the web adapter, the artifact manager) take this, so either works in their place.
 */
export interface SessionSource extends AsyncDisposable {
  startSession(config: SessionConfig, options?: RequestOptions): Promise<Session>;
  resumeSession(
    threadId: string,
    config?: Partial<SessionConfig>,
    options?: RequestOptions,
  ): Promise<Session>;
  forkSession(threadId: string, config?: Partial<SessionConfig>, options?: RequestOptions): Promise<Session>;
  /**
   * Starts the state projection (idempotent; on every connection of a pool, also ones made later),
   * so `threadState` sees each thread from its start. Call it before starting sessions.
   */
  observeState(): void;
  /** The state projection's view of a thread of this source (undefined when unknown or not observed). */
  threadState(threadId: string): ThreadView | undefined;
  /**
   * Can a session start now? A `Client`: `ready` while its codex is up, `state` its lifecycle; a
   * `ClientPool`: `ready` while an endpoint is healthy, `state` `ready`, `reconnecting` or `closed`.
   */
  readiness(): { ready: boolean; state: string };
  close(): Promise<void>;
}
