import {
  CodexusError,
  type Connected,
  type Logger,
  type ServerInfo,
  type Subscription,
  type TransportCloseInfo,
} from '@codexus/core';
import { delay } from '@codexus/core/internal';
import { type RestartPolicy, restartDelay } from '../restart-policy.js';
import type { RuntimeState } from '../runtime-state.js';

/** A connection up this long before it fails starts a new outage (the restart budget is full again). */
const STABLE_CONNECTION_MS = 30_000;

/** What the supervisor needs from the runtime it keeps alive. */
export interface SupervisedRuntime {
  readonly logger: Logger;
  isClosed(): boolean;
  setState(state: RuntimeState): void;
  /** Opens a new connection (spawn + handshake, or reconnect). */
  open(): Promise<Connected>;
  /** Makes `next` the live connection. */
  adopt(next: Connected): void;
  /** No more restarts: the runtime is closed for good with this error. */
  giveUp(info: TransportCloseInfo, error: CodexusError): void;
}

/**
 * Restart supervision of one runtime: when its connection is lost, waits by the policy's backoff and
 * opens a new one, up to `maxRestarts` per outage, then tells the restart listeners.
 */
export class RestartSupervisor {
  /** Restarts over the runtime's life. */
  restarts = 0;
  /** Restarts since the connection was last stable (see STABLE_CONNECTION_MS). */
  private outageRestarts = 0;
  private readySinceMs = Date.now();
  private readonly listeners = new Set<(server: ServerInfo) => void | Promise<void>>();

  constructor(
    private readonly runtime: SupervisedRuntime,
    private readonly policy: RestartPolicy,
    /** Whether codex is reached over a transport or `remote` (reconnect) rather than spawned. */
    private readonly remote: boolean,
  ) {}

  onRestart(listener: (server: ServerInfo) => void | Promise<void>): Subscription {
    this.listeners.add(listener);
    const dispose = (): void => {
      this.listeners.delete(listener);
    };
    return { dispose, [Symbol.dispose]: dispose };
  }

  /** The live connection closed while the runtime was open. */
  async connectionLost(info: TransportCloseInfo): Promise<void> {
    const { runtime } = this;
    // A connection that stayed up for a while starts a new outage with a full restart budget; one
    // that dies right after each restart (a crash loop) keeps counting towards maxRestarts.
    if (Date.now() - this.readySinceMs >= STABLE_CONNECTION_MS) this.outageRestarts = 0;
    const what = this.remote ? 'the connection to codex was lost' : 'codex exited';
    for (let attempt = 0; ; attempt++) {
      const wait = restartDelay(this.policy, this.outageRestarts);
      if (wait === undefined) {
        runtime.logger.error(`${what}; not restarting`, { ...info });
        runtime.giveUp(
          info,
          new CodexusError('CONNECTION_CLOSED', `${what} (${info.reason})`, { data: { ...info } }),
        );
        return;
      }
      runtime.setState('restarting');
      runtime.logger.warn(`${what}; ${this.remote ? 'reconnecting' : 'restarting'}`, {
        ...info,
        attempt: attempt + 1,
        delayMs: wait,
      });
      await delay(wait);
      if (runtime.isClosed()) return;
      this.restarts++;
      this.outageRestarts++;
      try {
        const next = await runtime.open();
        if (runtime.isClosed()) {
          await next.connection.close();
          return;
        }
        runtime.adopt(next);
        this.readySinceMs = Date.now();
        runtime.setState('ready');
        await this.notifyRestarted(next.server);
        return;
      } catch (error) {
        runtime.logger.error('restart failed', { error: String(error) });
      }
    }
  }

  private async notifyRestarted(server: ServerInfo): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        await listener(server);
      } catch (error) {
        this.runtime.logger.error('a restart listener failed', { error: String(error) });
      }
    }
  }
}
