import { type ConfigOverrides, configOverrideArgs } from './config-overrides.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { validationError } from './errors.js';
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
  /**
   * A codex home as one value: its `path` becomes `CODEX_HOME` and its `env` is merged under `env`
   * (a testkit `CodexHome` fits as it is). With `codexHome` as well, both must name the same path.
   */
  home?: CodexHomeRef;
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
   * The process options above (all but `maxLineBytes`) then mean nothing: passing one with `remote`
   * is `VALIDATION_FAILED`, never silently ignored. Credentials are read or minted at every connect
   * (so a restart policy reconnects with a fresh JWT) and never appear in URLs, logs or errors.
   */
  remote?: RemoteOptions;
}

/** A codex home: a directory and the environment a codex child needs for it. */
export interface CodexHomeRef {
  readonly path: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Makes the transport of one connection (called again for every reconnect). The one transport type
 * of every connect call: `connect`, `Runtime.start`, `Client.connect`, ...
 */
export type TransportFactory = () => Transport;

export interface ConnectOptions extends CodexProcessOptions, ConnectionOptions, HandshakeOptions {
  /** Use this transport instead of spawning codex (e.g. a WebSocket or an in-memory transport). */
  transport?: TransportFactory;
}

/** The options that only mean something for a codex that codexus spawns. */
const PROCESS_ONLY_OPTIONS = [
  'codexBin',
  'codexHome',
  'home',
  'env',
  'configOverrides',
  'args',
  'cwd',
  'shutdownGraceMs',
] as const satisfies readonly (keyof CodexProcessOptions)[];

/**
 * One target per connect call: spawn codex (the process options), `remote`, or `transport`.
 * `remote` with `transport`, or `remote` with a process option, is `VALIDATION_FAILED` naming them.
 */
export function assertOneTarget(options: CodexProcessOptions & { transport?: unknown }): void {
  if (options.remote !== undefined && options.transport !== undefined)
    throw validationError('remote', 'pass either remote or transport, not both');
  if (options.remote === undefined) return;
  const ignored = PROCESS_ONLY_OPTIONS.filter((key) => options[key] !== undefined);
  if (ignored.length > 0)
    throw validationError(
      'remote',
      `${ignored.join(', ')} only apply to a codex that codexus spawns, not to a remote app-server`,
      { ignored },
    );
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
  options: Pick<CodexProcessOptions, 'codexBin' | 'codexHome' | 'home' | 'env' | 'configOverrides' | 'args'>,
): CodexCommand {
  const { home, codexHome } = options;
  if (home !== undefined && codexHome !== undefined && home.path !== codexHome)
    throw validationError(
      'home',
      `home.path (${home.path}) and codexHome (${codexHome}) name different homes`,
    );
  const env: Record<string, string | undefined> = { ...process.env, ...home?.env, ...options.env };
  const bin = resolveCodexBin({ codexBin: options.codexBin, env });
  const homePath = codexHome ?? home?.path;
  if (homePath !== undefined) env.CODEX_HOME = homePath;
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
  assertOneTarget(options);
  const transport = options.transport
    ? options.transport()
    : options.remote
      ? createRemoteTransport(options.remote, options)
      : createCodexTransport(options);
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
