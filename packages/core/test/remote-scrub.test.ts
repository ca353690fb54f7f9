import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CodexusError, connect, type RemoteOptions } from '../src/index.js';
import { refusalReason } from '../src/upgrade-refusal.js';

// A proxy in front of codex may answer a refused upgrade with a page that echoes our own headers,
// cut, encoded or re-cased. None of it may reach the error: no run of 8 or more characters of any
// secret, in the forms echoed here.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A loopback server that refuses every upgrade with 401 and `body(headers)`; records the headers. */
async function echoingProxy(body: (headers: IncomingHttpHeaders) => string) {
  const seen: IncomingHttpHeaders[] = [];
  const http = createServer();
  http.on('upgrade', (request, socket) => {
    seen.push(request.headers);
    const text = body(request.headers);
    socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, seen };
}

const windows = (text: string): string[] =>
  Array.from({ length: Math.max(0, text.length - 7) }, (_, i) => text.slice(i, i + 8).toLowerCase());

/**
 * Every run of 8 characters of `encode(secret)` found in `text` (case-insensitive), except runs that
 * do not depend on the secret (they also occur in the encoding of a decoy of the same length, e.g.
 * the base64 of a fixed `Authorization: Bearer ` prefix).
 */
function fragmentsIn(text: string, secret: string, encode: (s: string) => string = (s) => s): string[] {
  // The decoy keeps the secret's first and last two characters: an encoding group that mixes them
  // with the text around them reveals less than a run of 8 and is not counted.
  const inner = secret.slice(2, -2).replace(/./g, (c) => (c === '~' ? '^' : '~'));
  const decoy = new Set(windows(encode(`${secret.slice(0, 2)}${inner}${secret.slice(-2)}`)));
  const haystack = text.toLowerCase();
  return windows(encode(secret)).filter((w) => !decoy.has(w) && haystack.includes(w));
}

const bearerOf = (headers: IncomingHttpHeaders): string =>
  String(headers.authorization).replace(/^Bearer /, '');
const b64 = (text: string, alphabet: 'base64' | 'base64url' = 'base64') =>
  Buffer.from(text).toString(alphabet);

async function refusal(remote: RemoteOptions): Promise<CodexusError> {
  const error = await connect({ remote }).catch((e: unknown) => e);
  expect(CodexusError.is(error, 'AUTH_FAILED')).toBe(true);
  return error as CodexusError;
}

/** Everything of the error a program could print or log. */
const shown = (error: CodexusError): string => `${error.message}\n${JSON.stringify(error.data)}`;

describe('AUTH_FAILED never shows a secret, whatever a proxy echoes', () => {
  // A standard-base64 token holds '+', '/' and '=', which URL-encoding changes.
  const token = `${randomBytes(30).toString('base64')}+/=`;
  const apiKey = `key-${randomBytes(16).toString('hex')}`;
  // [how, the encoding a proxy applies to a header value, the body around it]
  const echoes: [
    string,
    (value: string) => string,
    (echo: (value: string) => string, h: IncomingHttpHeaders) => string,
  ][] = [
    ['straddling the 200-character cut', (v) => v, (e, h) => `${'x'.repeat(185)} ${e(bearerOf(h))}`],
    ['straddling the 512-byte read limit', (v) => v, (e, h) => `${'y'.repeat(490)} ${e(bearerOf(h))}`],
    ['URL-encoded', encodeURIComponent, (e, h) => `denied ${e(bearerOf(h))} ${e(String(h['x-api-key']))}`],
    [
      'lower-cased',
      (v) => v.toLowerCase(),
      (e, h) => `denied ${e(bearerOf(h))} ${e(String(h['x-api-key']))}`,
    ],
    [
      'upper-cased',
      (v) => v.toUpperCase(),
      (e, h) => `DENIED ${e(bearerOf(h))} ${e(String(h['x-api-key']))}`,
    ],
    [
      'in base64 of the whole header',
      (v) => b64(`Authorization: Bearer ${v}`),
      (e, h) => `seen ${e(bearerOf(h))}`,
    ],
    [
      'in base64url',
      (v) => b64(v, 'base64url'),
      (e, h) => `seen ${e(bearerOf(h))} ${e(String(h['x-api-key']))}`,
    ],
    ['as hex', (v) => Buffer.from(v).toString('hex'), (e, h) => `seen ${e(bearerOf(h))}`],
    [
      'verbatim, with the extra header',
      (v) => v,
      (e, h) => `bad key ${e(String(h['x-api-key']))} for ${e(bearerOf(h))}`,
    ],
  ];
  for (const [how, encode, body] of echoes) {
    it(`capability token and X-Api-Key echoed ${how}`, async () => {
      const proxy = await echoingProxy((h) => body(encode, h));
      const error = await refusal({ url: proxy.url, token, headers: { 'X-Api-Key': apiKey } });
      expect(proxy.seen).toHaveLength(1);
      for (const secret of [token, apiKey]) {
        expect(fragmentsIn(shown(error), secret)).toEqual([]);
        expect(fragmentsIn(shown(error), secret, encode)).toEqual([]);
      }
      // What was said around the secret survives.
      expect(error.message).toMatch(/denied|DENIED|seen|bad key|xxxx|yyyy/);
    });
  }

  it('the minted JWT and its shared secret, echoed raw and in base64', async () => {
    const secret = randomBytes(40).toString('base64url');
    const proxy = await echoingProxy(
      (h) => `jwt ${bearerOf(h)} secret ${secret.toLowerCase()} again ${b64(`${bearerOf(h)}:${secret}`)}`,
    );
    const error = await refusal({ url: proxy.url, jwt: { secret, issuer: 'me', audience: 'box' } });
    const jwt = bearerOf(proxy.seen[0]!);
    // The signature is what makes a JWT a credential; header and claims are public.
    const signature = jwt.split('.')[2]!;
    for (const leaked of [secret, signature]) expect(fragmentsIn(shown(error), leaked)).toEqual([]);
    expect(fragmentsIn(shown(error), `${jwt}:${secret}`, (v) => b64(v))).toEqual([]);
    expect(error.message).toContain('secret');
  });

  it("keeps codex's own one-line reasons verbatim and folds any other body to one bounded line", () => {
    expect(refusalReason('invalid websocket bearer token\n', ['invalid-websocket'])).toBe(
      'invalid websocket bearer token',
    );
    const folded = refusalReason(`<html>\n<title>401</title>\n${'z'.repeat(400)}</html>`, []);
    expect(folded).not.toContain('\n');
    expect(folded.length).toBeLessThanOrEqual(201);
  });
});
