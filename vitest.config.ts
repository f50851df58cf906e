import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/leak-check.ts'],
    // One scratch TMPDIR for the whole run, removed at its end: nothing is left in /tmp.
    globalSetup: ['test/setup/scratch-tmpdir.ts'],
    // Generous: the load tests start 50 processes at once, and a test running beside them (the
    // AWS CLI ones especially) can be slowed several times over. The action's own timeouts are
    // what the tests check; these only stop a test that is truly stuck.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Integration tests start real processes; two cores here.
    maxWorkers: 2,
  },
});
