import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { WebHandler } from './web-handler.js';

export interface ServeWebOptions {
  /** Default 127.0.0.1 (loopback only). Another address exposes the bridge: set `allowedHosts` too. */
  hostname?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
}

/** A running Node HTTP listener for a web handler. */
export interface WebServer extends AsyncDisposable {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends open connections (SSE streams included). Idempotent. */
  close(): Promise<void>;
}

/** Serves a `WebHandler` on Node's HTTP server (via `@hono/node-server`). */
export function serveWeb(handler: WebHandler, options: ServeWebOptions = {}): Promise<WebServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: handler.fetch, hostname, port: options.port ?? 0 }, (info: AddressInfo) => {
      server.off('error', reject);
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      let closing: Promise<void> | undefined;
      const close = (): Promise<void> => {
        closing ??= new Promise<void>((done) => {
          server.close(() => done());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        return closing;
      };
      resolve({ url: `http://${host}:${info.port}`, port: info.port, close, [Symbol.asyncDispose]: close });
    });
    server.once('error', reject);
  });
}
