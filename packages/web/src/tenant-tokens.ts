import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CodexusError } from '@codexus/core';

/** One bearer token and the tenant it authenticates. */
export interface TenantToken {
  tenant: string;
  token: string;
}

/** Tokens shorter than this are refused (a generated token has 43 characters). */
export const MIN_TOKEN_LENGTH = 16;

/** A fresh random bearer token (32 random bytes, base64url). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Maps bearer tokens to tenants. Every configured token is compared (in constant time, over
 * SHA-256 digests of equal length), so the time taken says nothing about which token, or how much
 * of one, matched.
 */
export class TenantTokens {
  private readonly entries: { tenant: string; digest: Buffer }[];

  constructor(tokens: readonly TenantToken[]) {
    if (tokens.length === 0)
      throw new CodexusError('VALIDATION_FAILED', 'at least one tenant token is needed');
    const seen = new Set<string>();
    this.entries = tokens.map(({ tenant, token }) => {
      if (typeof tenant !== 'string' || tenant.length === 0)
        throw new CodexusError('VALIDATION_FAILED', 'a tenant name must be a non-empty string');
      if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH)
        throw new CodexusError(
          'VALIDATION_FAILED',
          `the token of tenant "${tenant}" is shorter than ${MIN_TOKEN_LENGTH} characters`,
        );
      if (seen.has(token)) throw new CodexusError('VALIDATION_FAILED', 'two tenants share a token');
      seen.add(token);
      return { tenant, digest: digest(token) };
    });
  }

  /** The tenant of a token, or undefined. */
  tenantOf(token: string): string | undefined {
    const candidate = digest(token);
    let found: string | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate) && found === undefined) found = entry.tenant;
    }
    return found;
  }

  /** The tenant of an `Authorization: Bearer <token>` header value, or undefined. */
  tenantOfHeader(header: string | null | undefined): string | undefined {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '');
    return match ? this.tenantOf(match[1]!) : undefined;
  }
}
