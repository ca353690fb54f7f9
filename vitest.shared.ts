import type { ViteUserConfig } from 'vitest/config';

// Shared by every package's vitest.config.ts: bounded waits so a hang fails instead of stalling CI.
export const shared: ViteUserConfig = {
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
  },
};
