import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodexHome } from './codex-home.js';
import { startCodex } from './codex-process.js';
import { HERMETIC_CA_PATH, TRUST_STORE_ENV_KEYS, type TrustStore, trustStoreEnv } from './hermetic-trust.js';

const dir = mkdtempSync(join(tmpdir(), 'codexus-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hermetic trust store', () => {
  it('is one self-signed CA certificate, alone in its folder', () => {
    const pem = readFileSync(HERMETIC_CA_PATH, 'utf8');
    expect(pem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(1);
    const cert = new X509Certificate(pem);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 50 * 365 * 86_400_000);
    expect(readdirSync(dirname(HERMETIC_CA_PATH))).toEqual(['hermetic-ca.pem']);
  });

  it('is the default of a codex home; `system` removes the variables', async () => {
    await using hermetic = await createCodexHome({ modelUrl: 'http://127.0.0.1:1/v1' });
    expect(hermetic.env).toEqual({
      CODEX_HOME: hermetic.path,
      CODEX_CA_CERTIFICATE: HERMETIC_CA_PATH,
      SSL_CERT_FILE: HERMETIC_CA_PATH,
      SSL_CERT_DIR: dirname(HERMETIC_CA_PATH),
    });
    await using system = await createCodexHome({ modelUrl: 'http://127.0.0.1:1/v1', trustStore: 'system' });
    expect(system.env).toEqual({
      CODEX_HOME: system.path,
      CODEX_CA_CERTIFICATE: undefined,
      SSL_CERT_FILE: undefined,
      SSL_CERT_DIR: undefined,
    });
    expect(Object.keys(trustStoreEnv())).toEqual([...TRUST_STORE_ENV_KEYS]);
  });

  it.skipIf(process.platform === 'win32')('reaches the codex process through startCodex', async () => {
    // A fake app-server that reports the variables it was started with as a notification.
    const bin = join(dir, 'env-recorder');
    const record = TRUST_STORE_ENV_KEYS.map((key) => `\${${key}-unset}`).join(' ');
    writeFileSync(
      bin,
      `#!/bin/sh\necho "{\\"method\\":\\"seen\\",\\"params\\":{\\"env\\":\\"${record}\\"}}"\nwhile read line; do :; done\n`,
    );
    chmodSync(bin, 0o755);
    const seen = async (trustStore: TrustStore): Promise<string> => {
      await using home = await createCodexHome({ modelUrl: 'http://127.0.0.1:1/v1', trustStore });
      await using codex = await startCodex({ codexHome: home, codexBin: bin, initialize: false });
      const notification = await codex.waitForNotification<{ env: string }>('seen', undefined, {
        timeoutMs: 5_000,
      });
      return notification.params.env;
    };
    const inherited = Object.fromEntries(TRUST_STORE_ENV_KEYS.map((key) => [key, process.env[key]]));
    for (const key of TRUST_STORE_ENV_KEYS) process.env[key] = '/inherited';
    try {
      expect(await seen('hermetic')).toBe(
        `${HERMETIC_CA_PATH} ${HERMETIC_CA_PATH} ${dirname(HERMETIC_CA_PATH)}`,
      );
      expect(await seen('system')).toBe('unset unset unset');
    } finally {
      for (const [key, value] of Object.entries(inherited)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
