import { createHmac } from 'node:crypto';

/** The registered claims codexus puts into a JWT (RFC 7519 §4.1); times in seconds since the epoch. */
export interface JwtClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  sub?: string;
}

/**
 * Signs `claims` as a compact JWS with HS256 (RFC 7515 / 7518 §3.2): base64url of the header and
 * of the claims, joined by a dot, then the base64url HMAC-SHA-256 of that text under `secret`.
 * Signing only; codex is the one that verifies.
 */
export function signHs256Jwt(claims: JwtClaims, secret: string): string {
  const header = encodePart({ alg: 'HS256', typ: 'JWT' });
  const payload = encodePart(claims);
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function encodePart(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
