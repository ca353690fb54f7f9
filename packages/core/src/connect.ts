import { type ConfigOverrides, configOverrideArgs } from './config-overrides.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { type HandshakeOptions, handshake, type ServerInfo } from './handshake.js';
import type { RemoteOptions } from './remote-config.js';
import { resolveCodexBin } from './resolve-codex-bin.js';
import { StdioTransport } from './stdio-transport.js';
import type { Transport } from './transport.js';
import { WebSocketTransport } from './websocket-transport.js';

/** How to start (or reach) a codex app-server. */
export interface CodexProcessOptions {
  /** Path of the codex binary; see `resolveCodexBin` for the fallback order. */
  codexBin?: string;
  /** Sets `CODEX_HOME` for the child. */
  codexHome?: string;
  /** Extra environment variables for the child (added to `process.env`; `undefined` removes one). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Config values passed as repeated `-c key=value` (values written as TOML). */
  configOverrides?: ConfigOverrides;
  /** Extra arguments after `app-server`. */
  args?: readonly string[];
  /** Working directory of the child. */
  cwd?: string;
  maxLineBytes?: number;
  shutdownGraceMs?: number;
  /**
   * Connect to a running app-server over WebSocket (or a unix socket) instead of spawning codex.
   * The process options above are then ignored. Credentials are read or minted at every connect
   * (so a restart policy reconnects with a fresh JWT) and never appear in URLs, logs or errors.
   */
  remote?: RemoteOptions;
}

export interface ConnectOptions extends CodexProcessOptions, ConnectionOptions, HandshakeOptions {
  /** Use this transport instead of spawning codex (e.g. a WebSocket or an in-memory transport). */
  transport?: Transport;
}

/** A started, initialized connection and what the server said about itself. */
export interface Connected {
  connection: Connection;
  server: ServerInfo;
}

/** The command line and environment of `codex app-server` for the process options. */
export interface CodexCommand {
  command: string;
  /** `app-server`, the `-c` overrides, then `options.args`. */
  args: string[];
  /** The complete environment of the child. */
  env: Record<string, string>;
}

/** Resolves the binary and builds the `codex app-server` command line and environment. */
export function codexCommand(
  options: Pick<CodexProcessOptions, 'codexBin' | 'codexHome' | 'env' | 'configOverrides' | 'args'>,
): CodexCommand {
  const bin = resolveCodexBin({ codexBin: options.codexBin, env: { ...process.env, ...options.env } });
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.codexHome !== undefined) env.CODEX_HOME = options.codexHome;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return {
    command: bin.path,
    args: ['app-server', ...configOverrideArgs(options.configOverrides), ...(options.args ?? [])],
    env: env as Record<string, string>,
  };
}

/** Builds the stdio transport for `codex app-server` from the process options. */
export function createCodexTransport(
  options: CodexProcessOptions & Pick<ConnectionOptions, 'logger'>,
): StdioTransport {
  const { command, args, env } = codexCommand(options);
  return new StdioTransport({
    command,
    args,
    env,
    cwd: options.cwd,
    logger: options.logger,
    maxLineBytes: options.maxLineBytes,
    shutdownGraceMs: options.shutdownGraceMs,
  });
}

/** Builds the WebSocket transport for `options.remote` (checked here: `VALIDATION_FAILED`). */
export function createRemoteTransport(
  remote: RemoteOptions,
  options: Pick<CodexProcessOptions, 'maxLineBytes'> & Pick<ConnectionOptions, 'logger'> = {},
): WebSocketTransport {
  return new WebSocketTransport({ remote, logger: options.logger, maxMessageBytes: options.maxLineBytes });
}

/**
 * Spawns `codex app-server` (or connects to `options.remote`, or uses `options.transport`), then
 * runs the handshake. On any failure the transport is closed before the error is thrown, so no
 * process or socket is left behind.
 */
export async function connect(options: ConnectOptions = {}): Promise<Connected> {
  const transport =
    options.transport ??
    (options.remote ? createRemoteTransport(options.remote, options) : createCodexTransport(options));
  const connection = new Connection(transport, options);
  try {
    await connection.start();
    const server = await handshake(connection, options);
    return { connection, server };
  } catch (error) {
    await connection.close().catch(() => {});
    throw error;
  }
}
