import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { CodexusError } from './errors.js';
import { signHs256Jwt } from './hs256-jwt.js';

/**
 * A signed-JWT credential for `codex app-server --ws-auth signed-bearer-token`. A fresh HS256 JWT
 * (`iss`, `aud`, `iat`, `exp`) is minted for every connection, also on each reconnect.
 */
export interface RemoteJwtOptions {
  /** The shared secret (what the server's `--ws-shared-secret-file` holds). Trimmed, like codex does. */
  secret?: string;
  /** A file holding the shared secret; read (and trimmed) at every connect, so a rotated file is picked up. */
  secretFile?: string;
  /** Must equal the server's `--ws-issuer`. */
  issuer: string;
  /** Must equal the server's `--ws-audience`. */
  audience: string;
  /**
   * Lifetime of each minted JWT. codex checks it once, at the upgrade, so it only bounds how long a
   * leaked JWT could be replayed; keep it above the clock skew between the machines. Default 300 000 ms.
   */
  ttlMs?: number;
  /** Optional `sub` claim (codex 0.169 does not check it). */
  subject?: string;
}

/**
 * Where a running app-server is and how to prove we may use it. Pass as `remote` to `connect`,
 * `Runtime.start`, `Client.connect`, `AppServer.connect`, ... instead of spawning codex.
 * At most one of `token`, `tokenFile` and `jwt`; none for a server without `--ws-auth` (loopback or
 * unix socket only).
 */
export interface RemoteOptions {
  /**
   * `ws://IP:PORT` (e.g. an SSH-forwarded port), `wss://HOST/PATH` (behind a TLS proxy), or
   * `unix:///abs/path.sock` (a server started with `--listen unix://PATH`; no auth, file permissions).
   * Never put credentials in the URL: it is refused.
   */
  url: string;
  /** A capability token (`--ws-auth capability-token`), sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** A file holding the capability token; read (and trimmed) at every connect. */
  tokenFile?: string;
  /** Signed JWT credentials (`--ws-auth signed-bearer-token`). */
  jwt?: RemoteJwtOptions;
  /** Extra headers of the upgrade request (e.g. for a proxy). Never logged. */
  headers?: Readonly<Record<string, string>>;
  /** Bound on reaching the server and finishing the upgrade. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * A ping every `heartbeatMs`; a socket that answers no ping before the next one is declared dead
   * (a vanished network path otherwise goes unnoticed). Default 15 000 ms; 0 disables.
   */
  heartbeatMs?: number;
}

export type RemoteAuthMode = 'capability-token' | 'signed-bearer-token' | 'none';

/** A checked {@link RemoteOptions}: what the WebSocket client needs, and what may be shown to people. */
export interface ParsedRemote {
  /** The address given to the `ws` client (`ws+unix://...` for unix sockets). */
  wsUrl: string;
  /** The URL without query, fragment or user info: safe for logs and errors. */
  displayUrl: string;
  auth: RemoteAuthMode;
  /** True when a bearer credential would travel unencrypted to a host that is not loopback. */
  cleartextBearer: boolean;
}

export const DEFAULT_JWT_TTL_MS = 300_000;
/** codex 0.169 refuses to start with a shorter shared secret ("must be at least 32 bytes"). */
export const MIN_JWT_SECRET_BYTES = 32;

/** Checks a {@link RemoteOptions} without touching the network or files. Throws `VALIDATION_FAILED`. */
export function parseRemote(remote: RemoteOptions): ParsedRemote {
  const invalid = (message: string): CodexusError =>
    new CodexusError('VALIDATION_FAILED', `remote: ${message}`, { data: { field: 'remote' } });
  let url: URL;
  try {
    url = new URL(remote.url);
  } catch {
    // Do not echo the text: a mistyped URL may hold a credential.
    throw invalid('url is not a valid URL');
  }
  if (url.username || url.password) {
    throw invalid('url must not hold credentials; use token, tokenFile or jwt (sent as a header)');
  }
  const credentials = [remote.token, remote.tokenFile, remote.jwt].filter((c) => c !== undefined).length;
  if (credentials > 1) throw invalid('pass at most one of token, tokenFile and jwt');
  if (remote.token !== undefined && remote.token.trim() === '') throw invalid('token is empty');
  if (remote.jwt) {
    const { secret, secretFile, issuer, audience, ttlMs } = remote.jwt;
    if ((secret === undefined) === (secretFile === undefined)) {
      throw invalid('jwt needs exactly one of secret and secretFile');
    }
    if (secret !== undefined) checkSecretLength(secret.trim());
    if (!issuer || !audience) throw invalid('jwt needs issuer and audience');
    if (ttlMs !== undefined && !(ttlMs > 0)) throw invalid('jwt.ttlMs must be > 0');
  }
  const auth: RemoteAuthMode = remote.jwt
    ? 'signed-bearer-token'
    : credentials === 1
      ? 'capability-token'
      : 'none';
  if (auth !== 'none' && Object.keys(remote.headers ?? {}).some((h) => h.toLowerCase() === 'authorization')) {
    throw invalid('headers.Authorization conflicts with token/tokenFile/jwt');
  }
  for (const ms of [remote.connectTimeoutMs, remote.heartbeatMs]) {
    if (ms !== undefined && !(ms >= 0)) throw invalid('connectTimeoutMs and heartbeatMs must be >= 0');
  }
  switch (url.protocol) {
    case 'ws:':
    case 'wss:': {
      if (!url.hostname) throw invalid('url needs a host');
      const displayUrl = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
      const cleartextBearer = url.protocol === 'ws:' && auth !== 'none' && !isLoopback(url.hostname);
      return { wsUrl: url.href, displayUrl, auth, cleartextBearer };
    }
    case 'unix:':
    case 'ws+unix:': {
      const path = decodeURIComponent(url.pathname);
      if (url.host || !path.startsWith('/')) throw invalid('a unix socket URL is unix:///absolute/path');
      // The ws client splits `ws+unix://SOCKET:REQUEST_PATH` on ':'.
      if (path.includes(':')) throw invalid('a unix socket path must not contain ":"');
      return { wsUrl: `ws+unix://${path}`, displayUrl: `unix://${path}`, auth, cleartextBearer: false };
    }
    default:
      throw invalid(`unsupported url scheme ${url.protocol} (use ws://, wss:// or unix://)`);
  }
}

/**
 * The headers of one upgrade request: the caller's `headers` plus `Authorization: Bearer ...` from
 * the token, the token file, or a freshly minted JWT. Throws `VALIDATION_FAILED` when a file cannot
 * be read or a secret is unusable; the error never holds the secret.
 */
export async function remoteHeaders(
  remote: RemoteOptions,
  now: () => number = Date.now,
): Promise<Record<string, string>> {
  return (await remoteCredentials(remote, now)).headers;
}

/**
 * @internal {@link remoteHeaders}, and every secret they hold or were made from (the bearer, the
 * JWT's shared secret, each extra header value), to scrub from texts the server sends back.
 */
export async function remoteCredentials(
  remote: RemoteOptions,
  now: () => number = Date.now,
): Promise<{ headers: Record<string, string>; secrets: string[] }> {
  const headers: Record<string, string> = { ...remote.headers };
  const secrets = Object.values(headers);
  const bearer = await bearerCredential(remote, now);
  if (bearer !== undefined) {
    headers.Authorization = `Bearer ${bearer.bearer}`;
    secrets.push(bearer.bearer, ...bearer.from);
  }
  return { headers, secrets };
}

async function bearerCredential(
  remote: RemoteOptions,
  now: () => number,
): Promise<{ bearer: string; from: string[] } | undefined> {
  if (remote.token !== undefined) return { bearer: remote.token.trim(), from: [] };
  if (remote.tokenFile !== undefined) {
    const token = await readSecretFile(remote.tokenFile, 'tokenFile');
    if (token === '')
      throw new CodexusError('VALIDATION_FAILED', `remote: tokenFile ${remote.tokenFile} is empty`);
    return { bearer: token, from: [] };
  }
  if (remote.jwt) {
    const secret = await jwtSecret(remote.jwt);
    return { bearer: signJwt(remote.jwt, secret, now()), from: [secret] };
  }
  return undefined;
}

/**
 * Mints one HS256 JWT for codex's `signed-bearer-token` mode: `iss`, `aud`, `iat`, `exp`, and a
 * random `jti` so that no two connections ever send the same bearer.
 */
export async function mintJwt(options: RemoteJwtOptions, nowMs: number = Date.now()): Promise<string> {
  return signJwt(options, await jwtSecret(options), nowMs);
}

async function jwtSecret(options: RemoteJwtOptions): Promise<string> {
  const secret =
    options.secretFile !== undefined
      ? await readSecretFile(options.secretFile, 'jwt.secretFile')
      : (options.secret ?? '').trim();
  checkSecretLength(secret);
  return secret;
}

function signJwt(options: RemoteJwtOptions, secret: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const ttlSeconds = Math.max(1, Math.ceil((options.ttlMs ?? DEFAULT_JWT_TTL_MS) / 1000));
  return signHs256Jwt(
    {
      iss: options.issuer,
      aud: options.audience,
      iat,
      exp: iat + ttlSeconds,
      jti: randomUUID(),
      ...(options.subject === undefined ? {} : { sub: options.subject }),
    },
    secret,
  );
}

function checkSecretLength(secret: string): void {
  const bytes = Buffer.byteLength(secret);
  if (bytes < MIN_JWT_SECRET_BYTES) {
    throw new CodexusError(
      'VALIDATION_FAILED',
      `remote: the jwt secret has ${bytes} bytes; codex needs at least ${MIN_JWT_SECRET_BYTES}`,
    );
  }
}

async function readSecretFile(path: string, field: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new CodexusError('VALIDATION_FAILED', `remote: cannot read ${field} ${path} (${code})`, {
      data: { field, path, code },
    });
  }
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
