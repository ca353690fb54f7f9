/**
 * Removes every trace of some secrets from a text that came from elsewhere (a refused upgrade's
 * body, which a proxy may have filled with our own headers).
 *
 * Each secret is looked for in every form an echo is likely to take: raw, URL-encoded, hex, and
 * base64/base64url at each of the three byte alignments (so `Basic base64(user:secret)` is caught),
 * each also of the lower- and upper-cased secret, and all compared case-insensitively. Not only
 * whole secrets: any run of {@link MIN_FRAGMENT} or more characters of one of those forms is
 * redacted, so a secret cut off at the end of a bounded read leaks no prefix either. Secrets shorter
 * than that are redacted where they appear whole, down to {@link MIN_SECRET} characters (shorter
 * values cannot be told apart from ordinary text).
 */
export const MIN_FRAGMENT = 8;
export const MIN_SECRET = 4;
const REDACTED = '[redacted]';

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const windows = new Set<string>();
  const wholes = new Set<string>();
  for (const secret of secrets) {
    for (const form of encodings(secret)) {
      if (form.length >= MIN_FRAGMENT) {
        for (let i = 0; i + MIN_FRAGMENT <= form.length; i++) windows.add(form.slice(i, i + MIN_FRAGMENT));
      } else if (form.length >= MIN_SECRET) {
        wholes.add(form);
      }
    }
  }
  if (windows.size === 0 && wholes.size === 0) return text;
  const lower = asciiLower(text);
  const hidden = new Uint8Array(text.length);
  for (let i = 0; i + MIN_FRAGMENT <= lower.length; i++) {
    if (windows.has(lower.slice(i, i + MIN_FRAGMENT))) hidden.fill(1, i, i + MIN_FRAGMENT);
  }
  for (const whole of wholes) {
    for (let at = lower.indexOf(whole); at !== -1; at = lower.indexOf(whole, at + 1)) {
      hidden.fill(1, at, at + whole.length);
    }
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i];
    else if (i === 0 || !hidden[i - 1]) out += REDACTED;
  }
  return out;
}

/** The lower-cased forms under which `secret` may be echoed. */
function encodings(secret: string): Set<string> {
  const forms = new Set<string>();
  for (const variant of new Set([secret, secret.toLowerCase(), secret.toUpperCase()])) {
    const bytes = Buffer.from(variant, 'utf8');
    forms.add(variant);
    forms.add(encodeURIComponent(variant));
    forms.add(bytes.toString('hex'));
    for (let shift = 0; shift < 3; shift++) {
      // After `shift` bytes of something else, the first group mixes in those bytes: drop it.
      const aligned = Buffer.concat([Buffer.alloc(shift), bytes]);
      for (const alphabet of ['base64', 'base64url'] as const) {
        const encoded = aligned.toString(alphabet).replace(/=+$/, '');
        forms.add(shift === 0 ? encoded : encoded.slice(4));
      }
    }
  }
  return new Set([...forms].map(asciiLower));
}

/** Lower-cases A-Z only, so that indexes in the result are indexes in the text. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
