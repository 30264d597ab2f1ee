import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Compiles the CLI the child processes run, once per run (test/support/built-cli.ts).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: one on a 2-core CI machine. Many files spend
    // their time waiting on child processes (the CLI, kill -9 and chaos tests), so two workers finish the
    // suite far sooner; the tests assert no timing, so sharing the cores does not change their verdicts.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
