import { CodexusError, type Logger, type RemoteOptions } from '@codexus/core';
import type { Client } from './client.js';
import type { Session } from './session.js';

export type EndpointState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** Health and load of one endpoint, from `pool.endpoints()`. */
export interface EndpointReport {
  name: string;
  /** Without credentials. */
  url: string;
  state: EndpointState;
  /** `state === 'ready'`: new sessions may be placed here. */
  healthy: boolean;
  /** Open sessions placed here (and placements in progress). */
  sessions: number;
  turnsInFlight: number;
  /** Times the endpoint came back after being down. */
  reconnects: number;
  /** Why it was last down (never holds a credential). */
  lastError?: { code?: string; message: string };
}

/** The load figures placement looks at. */
export interface EndpointLoad {
  healthy: boolean;
  sessions: number;
  turnsInFlight: number;
}

/**
 * Placement policy: the healthy endpoint with the fewest sessions, then the fewest turns in flight,
 * then the first listed; endpoints at `maxSessions` are skipped. `undefined` when none qualifies.
 */
export function pickEndpoint(
  loads: readonly EndpointLoad[],
  maxSessions: number = Number.POSITIVE_INFINITY,
): number | undefined {
  let best: number | undefined;
  loads.forEach((load, index) => {
    if (!load.healthy || load.sessions >= maxSessions) return;
    const current = best === undefined ? undefined : loads[best]!;
    if (
      !current ||
      load.sessions < current.sessions ||
      (load.sessions === current.sessions && load.turnsInFlight < current.turnsInFlight)
    ) {
      best = index;
    }
  });
  return best;
}

/** @internal One endpoint of a pool: its Client (while connected) and the sessions placed on it. */
export class Endpoint {
  client: Client | undefined;
  state: EndpointState = 'connecting';
  reconnects = 0;
  placing = 0;
  lastError: EndpointReport['lastError'];
  readonly sessions = new Set<Session>();

  constructor(
    readonly remote: RemoteOptions,
    readonly name: string,
    readonly url: string,
  ) {}

  get healthy(): boolean {
    return this.state === 'ready' && this.client !== undefined;
  }

  load(): EndpointLoad {
    let sessions = this.placing;
    let turnsInFlight = 0;
    for (const session of this.sessions) {
      if (session.isClosed) {
        this.sessions.delete(session);
        continue;
      }
      sessions++;
      if (session.activeTurn) turnsInFlight++;
    }
    return { healthy: this.healthy, sessions, turnsInFlight };
  }

  /**
   * Takes `client` as this endpoint's and follows its state: down while it restarts, ready when it
   * is back; once it gives up (its restart policy exhausted) its sessions are gone and `gaveUp`
   * runs. Nothing once another Client replaced it or the pool is closed.
   */
  attach(client: Client, opts: { logger: Logger; poolClosed: () => boolean; gaveUp: () => void }): void {
    this.client = client;
    this.state = 'ready';
    this.lastError = undefined;
    const runtime = client.runtime;
    const current = () => this.client === client && !opts.poolClosed();
    runtime.onStateChange((state) => {
      if (!current()) return;
      if (state === 'restarting') {
        const reason = runtime.connection.closeInfo?.reason ?? 'connection lost';
        this.state = 'reconnecting';
        this.lastError = { code: 'CONNECTION_CLOSED', message: reason };
        opts.logger.warn('endpoint is down; reconnecting', { endpoint: this.name, reason });
      } else if (state === 'ready') {
        this.state = 'ready';
        this.reconnects++;
        this.lastError = undefined;
      }
    });
    void runtime.closed.then((info) => {
      if (!current()) return;
      this.client = undefined;
      this.sessions.clear();
      this.lastError = { code: 'CONNECTION_CLOSED', message: info.reason };
      opts.logger.warn('endpoint is down; reconnecting', { endpoint: this.name, reason: info.reason });
      opts.gaveUp();
    });
  }
}

/** An error as `EndpointReport.lastError`. */
export function describeError(error: unknown): EndpointReport['lastError'] {
  const message = error instanceof Error ? error.message : String(error);
  return CodexusError.isInstance(error) ? { code: error.code, message } : { message };
}
