/**
 * A reader that stops early (`| head`, `2>&1 | head`) closes the pipe the command writes to: one rule for
 * stdout and stderr, the command ends quietly with the exit code it has so far (0 for a run that did not fail),
 * not 1 with a stack trace of the EPIPE. A running `run` (or `serve`) stops as on SIGTERM instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../support/built-cli.js';
import { ROOT } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

/** The test process's environment without WORKSTEAL_ settings, which would change the run. */
const cleanEnv = (): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WORKSTEAL_')));

/** Run explain with stdout and/or stderr into pipes that are closed at once; its exit code and what it left. */
function explainInto(closed: 'stdout' | 'stderr' | 'both'): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [...cliEntry(), 'explain', '--scenario', 'examples/scenario-steal.json'],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  if (closed === 'stdout' || closed === 'both') child.stdout.destroy();
  else child.stdout.resume();
  if (closed === 'stderr' || closed === 'both') child.stderr.destroy();
  else child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      resolve({ code, stderr });
    }),
  );
}

describe('a closed output pipe', () => {
  it.each(['stdout', 'stderr', 'both'] as const)('closed %s: exit 0, no error', async (closed) => {
    const r = await explainInto(closed);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});

describe('a closed output pipe under a running `run`', () => {
  it('stops it as SIGTERM does: the run recorded as stopped for the closed pipe, its lock removed, exit 0', async () => {
    requireMarketData();
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-closed-pipe-'));
    const db = join(dir, 'live.sqlite');
    const child = spawn(
      process.execPath,
      [
        ...cliEntry(),
        'run',
        '--broker',
        'replay',
        '--benchmark',
        'mixed',
        '--from',
        '2024-03-04',
        '--to',
        '2024-04-30',
        '--poll',
        '900',
        '--speed',
        '3600',
        '--port',
        '0',
        '--db',
        db,
      ],
      {
        cwd: ROOT,
        env: { ...cleanEnv(), NO_COLOR: '1', WORKSTEAL_DATA: MARKETDATA },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr.resume();
    // Once the watchers decide (an `outcome` line), the reader goes away: both pipes close.
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('"event":"outcome"')) resolve();
      });
      child.on('exit', () => reject(new Error(`run ended before deciding:\n${seen.slice(-2000)}`)));
    });
    child.stdout.destroy();
    child.stderr.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(existsSync(`${db}.lock`)).toBe(false);
    const store = new Database(db, { readonly: true });
    try {
      const runs = store.prepare('SELECT stopped_at, stop_reason FROM runs').all() as {
        stopped_at: number | null;
        stop_reason: string | null;
      }[];
      expect(runs).toHaveLength(1);
      expect(runs[0]!.stop_reason).toBe('closed-pipe');
      expect(runs[0]!.stopped_at).not.toBeNull();
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
