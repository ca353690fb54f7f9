import { describe, expect, it } from 'vitest';
import { generateToken, TenantTokens } from './tenant-tokens.js';

describe('TenantTokens', () => {
  const a = generateToken();
  const b = generateToken();
  const tokens = new TenantTokens([
    { tenant: 'alpha', token: a },
    { tenant: 'beta', token: b },
  ]);

  it('maps each token to its tenant', () => {
    expect(tokens.tenantOf(a)).toBe('alpha');
    expect(tokens.tenantOf(b)).toBe('beta');
    expect(tokens.tenantOfHeader(`Bearer ${b}`)).toBe('beta');
    expect(tokens.tenantOfHeader(`bearer   ${a}`)).toBe('alpha');
  });

  it('refuses wrong, partial and missing tokens', () => {
    expect(tokens.tenantOf(a.slice(0, -1))).toBeUndefined();
    expect(tokens.tenantOf(`${a}x`)).toBeUndefined();
    expect(tokens.tenantOf('')).toBeUndefined();
    expect(tokens.tenantOfHeader(undefined)).toBeUndefined();
    expect(tokens.tenantOfHeader(a)).toBeUndefined();
    expect(tokens.tenantOfHeader(`Basic ${a}`)).toBeUndefined();
    expect(tokens.tenantOfHeader(`Bearer ${a} ${b}`)).toBeUndefined();
  });

  it('generates distinct 43-character tokens', () => {
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('refuses short, shared and empty configurations', () => {
    expect(() => new TenantTokens([])).toThrow(/at least one/);
    expect(() => new TenantTokens([{ tenant: 'x', token: 'short' }])).toThrow(/shorter/);
    expect(() => new TenantTokens([{ tenant: '', token: a }])).toThrow(/tenant name/);
    expect(
      () =>
        new TenantTokens([
          { tenant: 'x', token: a },
          { tenant: 'y', token: a },
        ]),
    ).toThrow(/share/);
  });
});
