import { existsSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where the tests' child processes run the CLI from: the source compiled file by file into `.test-build/`,
 * which mirrors `src/` at the same depth (so paths the code finds from its own location, such as
 * `../../package.json` or a worker file beside it, resolve as they do from `src/` or `dist/`).
 *
 * The compile is the one tsx makes on the fly (esbuild, one file at a time, no bundling), made once per test
 * run by the global setup instead of in each of the hundreds of children: a child of the compiled copy starts
 * in a fraction of the time. It is made from the current source at every run, so a test never runs stale code.
 */
export const BUILT_DIR = `${ROOT}.test-build`;
export const BUILT_CLI = `${BUILT_DIR}/cli/main.js`;

/**
 * Node's arguments that run the CLI (before the CLI's own arguments). `fromSource`: the source through tsx
 * instead, for a child that must run the very code of the test process (the optimizer's code version, which
 * a distributed worker checks, differs between source and compiled code).
 */
export function cliEntry(fromSource = false): string[] {
  if (fromSource) return ['--import', 'tsx', `${ROOT}src/cli/main.ts`];
  if (!existsSync(BUILT_CLI)) {
    throw new Error(
      `${BUILT_CLI} is missing: the tests' global setup (vitest.config.ts globalSetup, test/support/global-setup.ts) compiles it; run the tests with vitest`,
    );
  }
  return [BUILT_CLI];
}

/** Compiles src/ into BUILT_DIR (a fresh copy, swapped in whole). */
export async function buildCli(): Promise<void> {
  const { build } = await import('esbuild');
  const staging = `${BUILT_DIR}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/**/*.ts'],
    outbase: 'src',
    outdir: staging,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    logLevel: 'error',
  });
  rmSync(BUILT_DIR, { recursive: true, force: true });
  renameSync(staging, BUILT_DIR);
}
