import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

// Every codex a test starts trusts only the testkit's throwaway CA (the values of trustStoreEnv() in
// packages/testkit/src/hermetic-trust.ts): no https request can succeed, and turns do not parse the
// machine's root store.
const hermeticCa = fileURLToPath(new URL('./packages/testkit/assets/hermetic-ca.pem', import.meta.url));
const hermeticTrust = {
  CODEX_CA_CERTIFICATE: hermeticCa,
  SSL_CERT_FILE: hermeticCa,
  SSL_CERT_DIR: fileURLToPath(new URL('./packages/testkit/assets', import.meta.url)),
};

// Shared by every package's vitest.config.ts: bounded waits so a hang fails instead of stalling CI.
export const shared: ViteUserConfig = {
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    env: hermeticTrust,
  },
};
