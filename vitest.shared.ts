import type { ViteUserConfig } from 'vitest/config';
import { trustStoreEnv } from './packages/testkit/src/hermetic-trust.js';

// Shared by every package's vitest.config.ts: bounded waits so a hang fails instead of stalling CI.
// Every codex a test starts trusts only the testkit's throwaway CA (the testkit's hermetic trust
// store): no https request can succeed, and turns do not parse the machine's root store.
export const shared: ViteUserConfig = {
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    env: trustStoreEnv('hermetic'),
  },
};
