import { defineConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';

export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.check.json' },
  },
});
