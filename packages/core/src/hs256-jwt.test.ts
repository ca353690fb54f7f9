import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signHs256Jwt } from './hs256-jwt.js';

// jose (a dev dependency only) is the independent verifier of what codexus signs by hand.
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const key = new TextEncoder().encode(SECRET);
const claims = {
  iss: 'codexus',
  aud: 'box-1',
  iat: 1_700_000_000,
  exp: 4_000_000_000,
  jti: 'j-1',
  sub: 'me',
};

describe('signHs256Jwt', () => {
  it('signs a compact HS256 JWS that an independent implementation verifies, claims intact', async () => {
    const token = signHs256Jwt(claims, SECRET);
    expect(token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, key, { issuer: 'codexus', audience: 'box-1' });
    expect(payload).toEqual(claims);
  });

  it('is rejected with another secret, a changed payload or a changed signature', async () => {
    const token = signHs256Jwt(claims, SECRET);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    await expect(jwtVerify(token, new TextEncoder().encode(`${SECRET}x`))).rejects.toThrow(/signature/);
    const forged = Buffer.from(JSON.stringify({ ...claims, aud: 'box-2' })).toString('base64url');
    await expect(jwtVerify(`${header}.${forged}.${signature}`, key)).rejects.toThrow(/signature/);
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    await expect(jwtVerify(`${header}.${payload}.${flipped}`, key)).rejects.toThrow(/signature/);
  });

  it('uses base64url without padding in every part (UTF-8 claims included)', () => {
    const token = signHs256Jwt({ ...claims, sub: 'ünïcødé ✓' }, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sub).toBe('ünïcødé ✓');
  });
});
