import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { CodexusError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES } from './line-decoder.js';
import { type Logger, silentLogger } from './logger.js';
import { type ParsedRemote, parseRemote, type RemoteOptions, remoteCredentials } from './remote-config.js';
import type { Transport, TransportCloseInfo, TransportSink } from './transport.js';
import { readRefusal, refusedUpgrade } from './upgrade-refusal.js';

export interface WebSocketTransportOptions {
  remote: RemoteOptions;
  logger?: Logger;
  /**
   * Largest message accepted from the server (default the stdio line limit, 64 MiB). A bigger one
   * closes the socket (code 1009) instead of being buffered.
   */
  maxMessageBytes?: number;
  /** How long `close()` waits for the server's close frame before cutting the socket. Default 1 000 ms. */
  closeTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * JSON-RPC over one WebSocket to a running `codex app-server --listen ws://...` (or `unix://...`):
 * one message per text frame. Credentials go in the upgrade request's `Authorization` header only,
 * minted or read afresh at every `start`; they never appear in the URL, in logs or in errors.
 * A refused upgrade (HTTP 401/403) rejects `start` with `AUTH_FAILED`.
 */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket';
  private readonly remote: ParsedRemote;
  private readonly logger: Logger;
  private socket: WebSocket | undefined;
  private closing: Promise<void> | undefined;
  private closeInfo: TransportCloseInfo | undefined;
  private socketClosed: Promise<void> = Promise.resolve();
  private lastError: Error | undefined;
  private endReason: string | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** The upgrade succeeded (a close before that rejects `start` instead of reporting to the sink). */
  private opened = false;
  /** Something arrived since the last ping. */
  private alive = true;

  constructor(private readonly options: WebSocketTransportOptions) {
    this.remote = parseRemote(options.remote);
    this.logger = options.logger ?? silentLogger;
  }

  /** The server address without credentials, query or user info (safe to show). */
  get url(): string {
    return this.remote.displayUrl;
  }

  async start(sink: TransportSink): Promise<void> {
    if (this.socket) throw new Error('WebSocketTransport already started');
    const { remote } = this;
    const { headers, secrets } = await remoteCredentials(this.options.remote);
    if (this.closing) {
      throw new CodexusError('CONNECTION_CLOSED', `closed before connecting to ${remote.displayUrl}`);
    }
    if (remote.cleartextBearer) {
      this.logger.warn(
        'a bearer credential is about to cross the network unencrypted (ws:// to a non-loopback host)',
        {
          url: remote.displayUrl,
          hint: 'use an SSH-forwarded port (ws://127.0.0.1:PORT) or wss://',
        },
      );
    }
    this.logger.debug('connecting to a remote app-server', { url: remote.displayUrl, auth: remote.auth });
    const socket = new WebSocket(remote.wsUrl, {
      headers,
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload: this.options.maxMessageBytes ?? DEFAULT_MAX_LINE_BYTES,
    });
    this.socket = socket;
    this.socketClosed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        this.stopHeartbeat();
        if (this.closeInfo === undefined && this.opened) {
          this.closeInfo = this.describeClose(code, reason.toString('utf8'));
          this.logger.debug('remote app-server connection closed', {
            url: remote.displayUrl,
            ...this.closeInfo,
          });
          sink.closed(this.closeInfo);
        }
        resolve();
      });
    });
    socket.on('error', (error) => {
      this.lastError = error;
      this.logger.debug('websocket error', { url: remote.displayUrl, error: error.message });
    });
    socket.on('message', (data: WebSocket.RawData) => {
      this.alive = true;
      const buffer = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      sink.bytesIn?.(buffer.length);
      sink.message(buffer.toString('utf8'));
    });
    socket.on('pong', () => {
      this.alive = true;
    });
    await this.upgrade(socket, secrets);
    this.opened = true;
    this.startHeartbeat(socket);
    this.logger.debug('connected to a remote app-server', { url: remote.displayUrl });
  }

  send(text: string): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(
        new CodexusError('CONNECTION_CLOSED', `remote app-server ${this.url} is not connected`, {
          data: { ...this.closeInfo },
        }),
      );
    }
    return new Promise((resolve, reject) => {
      socket.send(text, (error) => {
        if (!error) return resolve();
        reject(
          new CodexusError('CONNECTION_CLOSED', `write to ${this.url} failed: ${error.message}`, {
            cause: error,
            data: { ...this.closeInfo },
          }),
        );
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.endReason ??= 'closed by client';
    if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'client closing');
    else socket.terminate();
    // A server that never answers the close frame is cut off.
    const timer = setTimeout(() => socket.terminate(), this.options.closeTimeoutMs ?? 1_000);
    timer.unref();
    await this.socketClosed;
    clearTimeout(timer);
  }

  /** Resolves once the upgrade succeeded; rejects with `AUTH_FAILED` (401/403) or `CONNECTION_CLOSED`. */
  private upgrade(socket: WebSocket, secrets: readonly string[]): Promise<void> {
    const { displayUrl, auth } = this.remote;
    const timeoutMs = this.options.remote.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      let failure: CodexusError | undefined;
      const timer = setTimeout(() => {
        failure = new CodexusError(
          'CONNECTION_CLOSED',
          `could not connect to ${displayUrl} within ${timeoutMs} ms`,
          {
            data: { url: displayUrl, timeoutMs },
          },
        );
        socket.terminate();
      }, timeoutMs);
      timer.unref();
      socket.once('unexpected-response', (_request, response: IncomingMessage) => {
        void readRefusal(response, secrets).then((reason) => {
          failure = refusedUpgrade(displayUrl, auth, response.statusCode ?? 0, reason);
          socket.terminate();
        });
      });
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('close', () => {
        clearTimeout(timer);
        const cause = this.lastError;
        reject(
          failure ??
            new CodexusError(
              'CONNECTION_CLOSED',
              `could not connect to ${displayUrl}: ${cause?.message ?? 'closed during the upgrade'}`,
              { cause, data: { url: displayUrl } },
            ),
        );
      });
    });
  }

  private startHeartbeat(socket: WebSocket): void {
    const everyMs = this.options.remote.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (everyMs <= 0) return;
    this.heartbeat = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (!this.alive) {
        this.endReason = `no pong from the server within ${everyMs} ms`;
        socket.terminate();
        return;
      }
      this.alive = false;
      socket.ping();
    }, everyMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private describeClose(code: number, reason: string): TransportCloseInfo {
    if (this.endReason) return { reason: this.endReason, error: this.lastError };
    const detail = reason || this.lastError?.message;
    return {
      reason: `websocket to ${this.url} closed (code ${code}${detail ? `: ${detail}` : ''})`,
      error: this.lastError,
    };
  }
}
