import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { catchesSignal } from './catches-signal.js';
import { type CodexProcessOptions, codexCommand } from './connect.js';
import { CodexusError } from './errors.js';
import { onProcessExit } from './exit-cleanup.js';
import { type Logger, silentLogger } from './logger.js';
import { ProcessWatchdog } from './process-watchdog.js';
import type { RemoteJwtOptions, RemoteOptions } from './remote-config.js';
import { TailBuffer } from './tail-buffer.js';
import { delay } from './timing.js';

/** How a launched app-server checks WebSocket clients (`--ws-auth`). `none` is loopback only. */
export type AppServerAuth = 'capability-token' | 'signed-bearer-token' | 'none';

export interface LaunchAppServerOptions
  extends Pick<
    CodexProcessOptions,
    'codexBin' | 'codexHome' | 'env' | 'configOverrides' | 'args' | 'cwd' | 'shutdownGraceMs'
  > {
  /**
   * `ws://IP:PORT`; port 0 picks a free port. Default `ws://127.0.0.1:0`. A non-loopback IP (e.g.
   * `0.0.0.0`) needs an auth mode other than `none` (codex refuses to start otherwise).
   *
   * `unix://` (a socket in the server's private `0700` temp directory, deleted by `close()`) or
   * `unix:///abs/path.sock`: the same protocol over a unix socket, where file permissions are the
   * access control (codex ignores `--ws-auth` there, so `auth` must be `none`, its default then).
   * On one host it is also faster: codex's TCP listener does not set `TCP_NODELAY`.
   */
  listen?: string;
  /** Default `capability-token` (`none` for a unix socket): a fresh random token, required on every connection. */
  auth?: AppServerAuth;
  /** `iss` the server expects (signed-bearer-token). Default `codexus`. */
  issuer?: string;
  /** `aud` the server expects (signed-bearer-token). Default `codex-app-server`. */
  audience?: string;
  /** Bound on the server printing its address and answering `/readyz`. Default 20 000 ms. */
  readyTimeoutMs?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

const READY_POLL_MS = 25;
const HANDLER_POLL_MS = 2;
const HANDLER_WAIT_MS = 2_000;
const LISTENING_LINE = /listening on: (ws:\/\/\S+)/;

/**
 * A `codex app-server --listen ws://...` (or `unix://...`) started by {@link launchAppServer}. Its secret lives in a
 * 0600 file in a private temp directory; `remote` names that file (not the secret), so logging this
 * object leaks nothing. `close()` stops the server and deletes the directory (also `await using`).
 */
export class LaunchedAppServer implements AsyncDisposable {
  /** The address actually bound (the real port when 0 was asked for). */
  readonly url: string;
  readonly auth: AppServerAuth;
  /** Ready to pass as the `remote` option (credentials by file). */
  readonly remote: RemoteOptions;
  /** Resolves when the server process has exited. */
  readonly exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ProcessWatchdog;
  readonly #stderr: TailBuffer;
  readonly #dir: string;
  readonly #token: string | undefined;
  readonly #jwt: RemoteJwtOptions | undefined;
  readonly #graceMs: number;
  #closing: Promise<void> | undefined;
  #unregister: (() => void) | undefined;

  /** @internal use {@link launchAppServer} */
  constructor(init: {
    url: string;
    auth: AppServerAuth;
    child: ProcessWatchdog;
    stderr: TailBuffer;
    dir: string;
    secret?: { token?: string; tokenFile?: string; jwt?: RemoteJwtOptions };
    graceMs: number;
  }) {
    this.url = init.url;
    this.auth = init.auth;
    this.exited = init.child.exited;
    this.#child = init.child;
    this.#stderr = init.stderr;
    this.#dir = init.dir;
    this.#token = init.secret?.token;
    this.#jwt = init.secret?.jwt;
    this.#graceMs = init.graceMs;
    this.remote = { url: init.url, tokenFile: init.secret?.tokenFile, jwt: init.secret?.jwt };
    if (this.remote.tokenFile === undefined) delete this.remote.tokenFile;
    if (this.remote.jwt === undefined) delete this.remote.jwt;
  }

  /** The capability token (auth `capability-token`). Keep it out of logs. */
  get token(): string | undefined {
    return this.#token;
  }

  /** The JWT settings, secret by file (auth `signed-bearer-token`). */
  get jwt(): RemoteJwtOptions | undefined {
    return this.#jwt;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last bytes the server wrote on stderr. */
  stderrTail(): string {
    return this.#stderr.text();
  }

  /** Sends a signal without cleaning up (e.g. to test a crash); `close()` still cleans up. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.#child.signal(signal);
  }

  /** Stops the server (SIGTERM, then SIGKILL after the grace time) and deletes its secrets. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#child.stop(this.#graceMs);
      this.#unregister?.();
      await rm(this.#dir, { recursive: true, force: true });
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * @internal No server or secret outlives the program, even without close(): on exit, and on a
   * SIGINT/SIGTERM/SIGHUP the program does not handle itself (see exit-cleanup.ts), the server is
   * killed and its directory removed at once; if the program dies without running any code
   * (SIGKILL), the watchdog does it.
   */
  registerExitCleanup(): void {
    this.#unregister = onProcessExit(() => {
      this.#child.killSync();
      rmSync(this.#dir, { recursive: true, force: true });
    });
  }
}

/**
 * Starts a local `codex app-server --listen ws://...` with a freshly generated secret written to a
 * 0600 file in a private temp directory, waits until `/readyz` answers (bounded), and returns its
 * address and credentials. Several Clients (or a `ClientPool`) can then share it through `remote`.
 *
 * ```ts
 * await using server = await launchAppServer({ codexHome });
 * const client = await Client.connect({ remote: server.remote });
 * ```
 */
export async function launchAppServer(options: LaunchAppServerOptions = {}): Promise<LaunchedAppServer> {
  const target = checkListen(options.listen ?? 'ws://127.0.0.1:0');
  const auth = options.auth ?? (target.kind === 'unix' ? 'none' : 'capability-token');
  if (target.kind === 'unix' && auth !== 'none') {
    throw new CodexusError(
      'VALIDATION_FAILED',
      `launchAppServer: a unix socket has no ${auth} (codex ignores --ws-auth there; file permissions are the access control): use auth 'none'`,
      { data: { field: 'auth' } },
    );
  }
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  if (options.signal?.aborted) throw abortError(options.signal);
  const dir = await mkdtemp(join(tmpdir(), 'codexus-app-server-'));
  const socketPath = target.kind === 'unix' ? (target.path ?? join(dir, 'app-server.sock')) : undefined;
  const listen = target.kind === 'ws' ? target.listen : `unix://${socketPath}`;
  let child: ProcessWatchdog | undefined;
  try {
    const secret = await writeSecret(dir, auth, options);
    const { command, args, env } = codexCommand({
      ...options,
      args: [...(options.args ?? []), '--listen', listen, ...secret.args],
    });
    const stderr = new TailBuffer(8 * 1024);
    const graceMs = options.shutdownGraceMs ?? 2_000;
    // Through a watchdog that stops codex and removes `dir` when this process dies, however it dies.
    const started = new ProcessWatchdog({ command, args, env, cwd: options.cwd, dir, graceMs });
    child = started;
    const url = await waitUntilReady({
      socketPath,
      child: started,
      stderr,
      logger,
      timeoutMs,
      signal: options.signal,
    });
    const server = new LaunchedAppServer({
      url,
      auth,
      child: started,
      stderr,
      dir,
      secret: secret.remote,
      graceMs,
    });
    server.registerExitCleanup();
    logger.debug('app-server launched', { url, auth, pid: started.pid });
    return server;
  } catch (error) {
    if (child) await child.stop(0);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

type ListenTarget = { kind: 'ws'; listen: string } | { kind: 'unix'; path: string | undefined };

function checkListen(listen: string): ListenTarget {
  const invalid = (): CodexusError =>
    new CodexusError(
      'VALIDATION_FAILED',
      `launchAppServer: listen must be ws://IP:PORT, unix:// or unix:///absolute/path.sock (got ${listen})`,
      { data: { field: 'listen' } },
    );
  if (listen.startsWith('unix://')) {
    const path = listen.slice('unix://'.length);
    if (path === '') return { kind: 'unix', path: undefined };
    if (!isAbsolute(path)) throw invalid();
    return { kind: 'unix', path };
  }
  let url: URL | undefined;
  try {
    url = new URL(listen);
  } catch {}
  // codex wants `ws://IP:PORT` (an IP literal, not a host name).
  if (url?.protocol !== 'ws:' || !url.port || !/^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\])$/i.test(url.hostname)) {
    throw invalid();
  }
  return { kind: 'ws', listen: `ws://${url.host}` };
}

async function writeSecret(
  dir: string,
  auth: AppServerAuth,
  options: LaunchAppServerOptions,
): Promise<{ args: string[]; remote?: { token?: string; tokenFile?: string; jwt?: RemoteJwtOptions } }> {
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
    return path;
  };
  switch (auth) {
    case 'none':
      return { args: [] };
    case 'capability-token': {
      const token = randomBytes(32).toString('base64url');
      const tokenFile = await write('capability-token', token);
      return { args: ['--ws-auth', auth, '--ws-token-file', tokenFile], remote: { token, tokenFile } };
    }
    case 'signed-bearer-token': {
      const secretFile = await write('jwt-secret', randomBytes(48).toString('base64url'));
      const issuer = options.issuer ?? 'codexus';
      const audience = options.audience ?? 'codex-app-server';
      return {
        args: [
          '--ws-auth',
          auth,
          '--ws-shared-secret-file',
          secretFile,
          '--ws-issuer',
          issuer,
          '--ws-audience',
          audience,
        ],
        remote: { jwt: { secretFile, issuer, audience } },
      };
    }
    default:
      throw new CodexusError('VALIDATION_FAILED', `launchAppServer: unknown auth ${String(auth)}`, {
        data: { field: 'auth' },
      });
  }
}

/**
 * Waits until the server accepts clients and returns its URL: on TCP, for the `listening on:` line on
 * stderr, then `GET /readyz` → 200; on a unix socket (no such line, no `/readyz`), until the socket
 * accepts a connection.
 */
async function waitUntilReady(args: {
  socketPath: string | undefined;
  child: ProcessWatchdog;
  stderr: TailBuffer;
  logger: Logger;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}): Promise<string> {
  const { child, stderr, logger, timeoutMs, signal } = args;
  const deadline = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const failure = (): CodexusError =>
    signal?.aborted
      ? abortError(signal)
      : new CodexusError(
          'SPAWN_FAILED',
          `codex app-server was not ready within ${timeoutMs} ms${tailOf(stderr)}`,
          {
            data: { timeoutMs, stderrTail: stderr.text() },
          },
        );
  const stopped = new Promise<never>((_, reject) => {
    if (stop.aborted) reject(failure());
    stop.addEventListener('abort', () => reject(failure()), { once: true });
  });
  const died = child.exited.then(({ exitCode, signal: killedBy }) => {
    throw new CodexusError(
      'SPAWN_FAILED',
      `codex app-server exited before it was ready (${killedBy ?? `code ${exitCode}`})${tailOf(stderr)}`,
      { data: { exitCode, signal: killedBy, stderrTail: stderr.text() } },
    );
  });
  const listening = new Promise<string>((resolve) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) if (line.trim()) logger.debug('codex stderr', { line });
      seen = (seen + text).slice(-4_096);
      const match = LISTENING_LINE.exec(seen);
      if (match) resolve(match[1]!);
    });
  });
  // Rejects when codex could not start; otherwise never settles.
  const startFailed = child.started.then(() => new Promise<never>(() => {}));
  const guards = [stopped, died, startFailed];
  for (const guard of guards) guard.catch(() => {});
  // A unix socket prints no address and serves no `/readyz`: it is ready when it accepts a connection.
  let url: string;
  let probe: () => Promise<boolean>;
  if (args.socketPath !== undefined) {
    const socketPath = args.socketPath;
    url = `unix://${socketPath}`;
    probe = () => accepts(socketPath);
  } else {
    // A wildcard bind (`0.0.0.0`, `[::]`, which codex allows with --ws-auth) is reached over loopback here.
    url = (await Promise.race([listening, ...guards]))
      .replace('//0.0.0.0:', '//127.0.0.1:')
      .replace('//[::]:', '//[::1]:');
    const readyz = `${url.replace(/^ws:/, 'http:')}/readyz`;
    probe = () =>
      fetch(readyz, { signal: stop }).then(
        (response) => response.ok,
        () => false,
      );
  }
  const pid = await Promise.race([child.started, ...guards]);
  let readyAt: number | undefined;
  for (;;) {
    if (readyAt === undefined && (await Promise.race([probe(), ...guards]))) readyAt = performance.now();
    // codex 0.169 answers `/readyz` (and accepts on a socket) a few ms before it installs its SIGTERM
    // handler: a close() in that window killed it by the signal (no clean exit 0, a unix socket left
    // behind). Where /proc tells (Linux), wait for the handler too, bounded in case a later codex
    // never installs one.
    if (
      readyAt !== undefined &&
      (catchesSignal(pid, 'SIGTERM') !== false || performance.now() - readyAt > HANDLER_WAIT_MS)
    ) {
      return url;
    }
    await Promise.race([delay(readyAt === undefined ? READY_POLL_MS : HANDLER_POLL_MS), ...guards]);
  }
}

/** Whether a unix socket accepts a connection (closed again at once). */
function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectSocket(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function tailOf(stderr: TailBuffer): string {
  const tail = stderr.text().trim();
  return tail ? `\n--- codex stderr (tail) ---\n${tail.slice(-2_000)}` : '';
}

function abortError(signal: AbortSignal): CodexusError {
  return new CodexusError('ABORTED', 'launchAppServer: aborted', { cause: signal.reason });
}
