import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodexusError } from './errors.js';
import {
  DEFAULT_JWT_TTL_MS,
  mintJwt,
  parseRemote,
  type RemoteOptions,
  remoteHeaders,
} from './remote-config.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

function validationError(fn: () => unknown): CodexusError {
  try {
    fn();
  } catch (error) {
    expect(CodexusError.is(error, 'VALIDATION_FAILED')).toBe(true);
    return error as CodexusError;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('parseRemote', () => {
  it('keeps ws/wss URLs and shows them without query, fragment or user info', () => {
    expect(parseRemote({ url: 'ws://127.0.0.1:4500' })).toEqual({
      wsUrl: 'ws://127.0.0.1:4500/',
      displayUrl: 'ws://127.0.0.1:4500',
      auth: 'none',
      cleartextBearer: false,
    });
    const parsed = parseRemote({ url: 'wss://codex.example.com/app?tenant=x', token: 't' });
    expect(parsed).toMatchObject({ displayUrl: 'wss://codex.example.com/app', auth: 'capability-token' });
    expect(parsed.wsUrl).toBe('wss://codex.example.com/app?tenant=x');
  });

  it('maps unix:// to the ws client form and refuses relative paths and colons', () => {
    expect(parseRemote({ url: 'unix:///run/codex/app.sock' })).toMatchObject({
      wsUrl: 'ws+unix:///run/codex/app.sock',
      displayUrl: 'unix:///run/codex/app.sock',
    });
    validationError(() => parseRemote({ url: 'unix://relative/app.sock' }));
    validationError(() => parseRemote({ url: 'unix:///a:b.sock' }));
  });

  it('refuses credentials in the URL without echoing them', () => {
    const error = validationError(() => parseRemote({ url: 'ws://user:hunter2@127.0.0.1:1' }));
    expect(error.message).not.toContain('hunter2');
    const bad = validationError(() => parseRemote({ url: 'not a url hunter2' }));
    expect(bad.message).not.toContain('hunter2');
  });

  it('names the auth mode and refuses conflicting credentials', () => {
    expect(parseRemote({ url: 'ws://127.0.0.1:1', tokenFile: '/t' }).auth).toBe('capability-token');
    const jwt = { secret: SECRET, issuer: 'i', audience: 'a' };
    expect(parseRemote({ url: 'ws://127.0.0.1:1', jwt }).auth).toBe('signed-bearer-token');
    validationError(() => parseRemote({ url: 'ws://127.0.0.1:1', token: 'a', jwt }));
    validationError(() => parseRemote({ url: 'ws://127.0.0.1:1', token: 'a', tokenFile: '/t' }));
    validationError(() => parseRemote({ url: 'ws://127.0.0.1:1', token: '  ' }));
    validationError(() =>
      parseRemote({ url: 'ws://127.0.0.1:1', token: 'a', headers: { authorization: 'x' } }),
    );
    validationError(() => parseRemote({ url: 'ws://127.0.0.1:1', jwt: { ...jwt, secretFile: '/s' } }));
    validationError(() => parseRemote({ url: 'ws://127.0.0.1:1', jwt: { ...jwt, issuer: '' } }));
    validationError(() => parseRemote({ url: 'ws://127.0.0.1:1', jwt: { ...jwt, secret: 'short' } }));
    validationError(() => parseRemote({ url: 'http://127.0.0.1:1' }));
    // A plain Authorization header without our credentials is the caller's business.
    expect(parseRemote({ url: 'ws://127.0.0.1:1', headers: { Authorization: 'Bearer x' } }).auth).toBe(
      'none',
    );
  });

  it('flags a bearer that would cross the network unencrypted', () => {
    const at = (url: string, extra: Partial<RemoteOptions> = { token: 't' }) =>
      parseRemote({ url, ...extra }).cleartextBearer;
    expect(at('ws://10.0.0.5:4500')).toBe(true);
    expect(at('ws://127.0.0.1:4500')).toBe(false);
    expect(at('ws://[::1]:4500')).toBe(false);
    expect(at('ws://localhost:4500')).toBe(false);
    expect(at('wss://10.0.0.5:4500')).toBe(false);
    expect(at('ws://10.0.0.5:4500', {})).toBe(false);
  });
});

describe('remoteHeaders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'codexus-remote-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a token (trimmed) or a token file (read at every call) as a bearer, plus extra headers', async () => {
    await expect(
      remoteHeaders({ url: 'ws://127.0.0.1:1', token: ' tok \n', headers: { 'X-A': '1' } }),
    ).resolves.toEqual({
      'X-A': '1',
      Authorization: 'Bearer tok',
    });
    const file = join(dir, 'token');
    await writeFile(file, 'first\n');
    const remote = { url: 'ws://127.0.0.1:1', tokenFile: file };
    await expect(remoteHeaders(remote)).resolves.toEqual({ Authorization: 'Bearer first' });
    await writeFile(file, 'rotated\n');
    await expect(remoteHeaders(remote)).resolves.toEqual({ Authorization: 'Bearer rotated' });
    await expect(remoteHeaders({ url: 'ws://127.0.0.1:1' })).resolves.toEqual({});
  });

  it('reports an unreadable or empty token file as VALIDATION_FAILED, without contents', async () => {
    await expect(
      remoteHeaders({ url: 'ws://127.0.0.1:1', tokenFile: join(dir, 'missing') }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      data: { code: 'ENOENT' },
    });
    const empty = join(dir, 'empty');
    await writeFile(empty, '\n');
    await expect(remoteHeaders({ url: 'ws://127.0.0.1:1', tokenFile: empty })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('mints a verifiable HS256 JWT per call with iss, aud, iat, exp and a unique jti', async () => {
    const file = join(dir, 'secret');
    await writeFile(file, `${SECRET}\n`);
    const jwt = { secretFile: file, issuer: 'codexus', audience: 'box-1', ttlMs: 60_000 };
    const headers = await remoteHeaders({ url: 'ws://127.0.0.1:1', jwt });
    const token = headers.Authorization!.replace(/^Bearer /, '');
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      issuer: 'codexus',
      audience: 'box-1',
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    const again = await mintJwt(jwt);
    expect(again).not.toBe(token);
    expect(decodeJwt(again).jti).not.toBe(payload.jti);
  });

  it('defaults the JWT lifetime and checks the secret length after trimming', async () => {
    const token = await mintJwt({ secret: SECRET, issuer: 'i', audience: 'a' }, 1_000_000);
    const payload = decodeJwt(token);
    expect(payload.iat).toBe(1_000);
    expect(payload.exp).toBe(1_000 + DEFAULT_JWT_TTL_MS / 1000);
    const file = join(dir, 'short');
    await writeFile(file, `short${' '.repeat(40)}\n`);
    await expect(mintJwt({ secretFile: file, issuer: 'i', audience: 'a' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
