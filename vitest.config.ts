import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/leak-check.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real processes; two cores here.
    maxWorkers: 2,
  },
});
