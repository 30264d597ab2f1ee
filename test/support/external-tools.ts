/**
 * Tests that need a program outside npm (a Redis server, a headless browser) skip on a bare machine with
 * one line naming what to install, so `npm ci && npm test` passes anywhere. `.ci/run` installs both and sets
 * WORKSTEAL_TEST_REQUIRE_ALL=1: there a missing program fails the suite instead, so CI can never skip them.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface ExternalTool {
  /** The program's path when it is installed, else null. */
  path: string | null;
  /** Pass to `describe.skipIf` / `it.skipIf`. */
  missing: boolean;
}

const required = (): boolean => process.env.WORKSTEAL_TEST_REQUIRE_ALL === '1';

function onPath(names: readonly string[]): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

function resolveTool(what: string, found: string | null, install: string, needed: string): ExternalTool {
  if (found) return { path: found, missing: false };
  const line = `${what} not found: ${needed} skipped. Install it to run them (${install}).`;
  if (required()) throw new Error(`WORKSTEAL_TEST_REQUIRE_ALL=1 but ${line}`);
  console.warn(`[skipped] ${line}`);
  return { path: null, missing: true };
}

/** A redis-server binary, or a Redis given by WORKSTEAL_TEST_REDIS_URL (CI starts one). */
export function redisServer(needed: string): ExternalTool {
  if (process.env.WORKSTEAL_TEST_REDIS_URL) return { path: 'redis-server', missing: false };
  return resolveTool('redis-server', onPath(['redis-server']), 'apt-get install redis-server', needed);
}

/** A Chromium for headless page checks: WORKSTEAL_TEST_CHROMIUM, else chromium on PATH. */
export function chromiumBrowser(needed: string): ExternalTool {
  const given = process.env.WORKSTEAL_TEST_CHROMIUM;
  const found = given ? given : onPath(['chromium', 'chromium-browser']);
  return resolveTool('chromium', found, 'apt-get install chromium', needed);
}

/** A python3 for the Python client's demo (standard library only). */
export function python3(needed: string): ExternalTool {
  return resolveTool('python3', onPath(['python3']), 'apt-get install python3', needed);
}

/** The launch options every headless check uses: no network noise, no sandbox (root in CI). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
