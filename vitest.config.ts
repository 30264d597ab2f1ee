import { defineConfig } from 'vitest/config';

/**
 * Files that need a module graph of their own: `vi.mock` replaces a module only for a file that imports it
 * fresh, so a file that mocks one (node:fs, to watch a lock file being written) cannot share its worker's
 * modules with the files before it.
 */
const ISOLATED = ['test/store/lock-appears-whole.test.ts', 'test/store/run-command.test.ts'];

export default defineConfig({
  test: {
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
    // The projects take the timeouts and nothing else from here: the global setup above runs once, not
    // once more per project.
    projects: [
      {
        test: {
          name: 'shared',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          include: ['test/**/*.test.ts'],
          exclude: ISOLATED,
          // A worker keeps the modules it has loaded from one test file to the next instead of loading
          // and compiling src again for each of ~375 files. The tests keep no state in modules: each
          // builds its own coordinator, ledger, store and config, and the few that set process.env or a
          // process listener put it back.
          isolate: false,
        },
      },
      { test: { name: 'isolated', include: ISOLATED, testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
