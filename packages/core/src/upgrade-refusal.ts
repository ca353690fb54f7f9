import type { IncomingMessage } from 'node:http';
import { CodexusError } from './errors.js';
import { scrubSecrets } from './secret-scrub.js';

/** How long we read the body of a refused upgrade (codex sends a one-line reason at once). */
const REFUSAL_BODY_WAIT_MS = 250;
const REFUSAL_BODY_MAX_BYTES = 512;
const REASON_MAX_CHARS = 200;

/**
 * The one-line reasons codex 0.169 gives when it refuses an upgrade (docs/remote.md). They hold no
 * credential and are kept verbatim; any other body (a proxy's page, which may echo our headers) is
 * scrubbed of every secret first, and only then cut to size.
 */
export const CODEX_REFUSAL_REASONS: readonly string[] = [
  'missing websocket bearer token',
  'invalid websocket bearer token',
  'invalid websocket jwt',
  'expired websocket jwt',
  'websocket jwt is not valid yet',
  'websocket jwt audience mismatch',
  'websocket jwt issuer mismatch',
];

/** The reason of a refused upgrade, safe to show: codex's own, or the body without any of `secrets`. */
export async function readRefusal(response: IncomingMessage, secrets: readonly string[]): Promise<string> {
  return refusalReason(await readBody(response), secrets);
}

/** Pure part of {@link readRefusal}: scrub the whole text, then fold it to one line, then cut it. */
export function refusalReason(body: string, secrets: readonly string[]): string {
  const text = body.trim();
  if (CODEX_REFUSAL_REASONS.includes(text)) return text;
  const scrubbed = scrubSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return scrubbed.length > REASON_MAX_CHARS ? `${scrubbed.slice(0, REASON_MAX_CHARS)}…` : scrubbed;
}

export function refusedUpgrade(url: string, auth: string, status: number, body: string): CodexusError {
  const said = body ? `: ${body}` : '';
  if (status === 401 || status === 403) {
    const what =
      auth === 'none'
        ? `${url} requires credentials (HTTP ${status}${said}); pass token, tokenFile or jwt in remote`
        : `${url} refused our ${auth} credential (HTTP ${status}${said})`;
    return new CodexusError('AUTH_FAILED', what, { data: { url, status, serverReason: body, auth } });
  }
  return new CodexusError(
    'CONNECTION_CLOSED',
    `${url} refused the WebSocket upgrade (HTTP ${status}${said})`,
    {
      data: { url, status, serverReason: body },
    },
  );
}

/** The start of a refused upgrade's body, as text (bounded in size and time), not yet scrubbed. */
function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      response.destroy();
      resolve(Buffer.concat(chunks).subarray(0, REFUSAL_BODY_MAX_BYTES).toString('utf8'));
    };
    const timer = setTimeout(done, REFUSAL_BODY_WAIT_MS);
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= REFUSAL_BODY_MAX_BYTES) done();
    });
    response.once('end', done);
    response.once('error', done);
  });
}
