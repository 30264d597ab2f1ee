/**
 * Every way `optimize` ends closes its store and removes the lock `<db>.lock`, as `run` and `serve` do: a
 * refused --generations, a Redis that does not answer at start, SIGTERM (a graceful stop like Ctrl-C: the
 * running evaluations are stored, the resume hint printed, exit 130) and a second signal (quits at once).
 * Each left the lock behind; SIGTERM also ended the process silently with 143.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';
import { FIXTURE_CONFIG, fixtureCliArgs } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-optimize-exits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = join(dir, 'opt.json');
writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));
const args = (db: string, ...extra: string[]): string[] => [
  'optimize',
  ...fixtureCliArgs(cfg),
  '--sensitivity',
  '0',
  '--db',
  db,
  ...extra,
];

function storedCount(db: string): number {
  try {
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (d.prepare('SELECT COUNT(*) AS n FROM opt_evaluations').get() as { n: number }).n;
    } finally {
      d.close();
    }
  } catch {
    return 0;
  }
}

/** Starts a long study, waits for its first stored evaluation, sends the signals; its exit code and stderr. */
async function signalled(
  db: string,
  signals: NodeJS.Signals[],
): Promise<{ code: number | null; stderr: string }> {
  const child = spawnCli(args(db, '--generations', '30', '--threads', '1'));
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 1200 && storedCount(db) < 1; i++) await sleep(100);
  for (const s of signals) child.kill(s);
  return { code: await exit, stderr };
}

describe('optimize removes its store lock on every exit', () => {
  it('a refused --generations (exit 2)', () => {
    requireMarketData();
    const db = join(dir, 'gen.sqlite');
    expect(runCli(args(db, '--generations', '2', '--threads', '0')).code).toBe(0);
    const r = runCli(args(db, '--generations', '1', '--threads', '0'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--generations: study .* already ran 2 generations/);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('a Redis that does not answer at start (exit 1)', async () => {
    requireMarketData();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const db = join(dir, 'redis.sqlite');
    const r = runCli(args(db, '--generations', '1', '--queue', `redis://127.0.0.1:${port}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('SIGTERM: stops as Ctrl-C does, says so, keeps what is stored and exits 130', async () => {
    requireMarketData();
    const db = join(dir, 'term.sqlite');
    const r = await signalled(db, ['SIGTERM']);
    expect(r.stderr).toMatch(/stopping \(SIGTERM\) after the running evaluations are stored/);
    expect(r.stderr).toMatch(
      /interrupted: every finished evaluation is stored in .*term\.sqlite\. Run the same command again/,
    );
    expect(r.code).toBe(130);
    expect(storedCount(db)).toBeGreaterThanOrEqual(1);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('a second signal quits at once (exit 130)', async () => {
    requireMarketData();
    const db = join(dir, 'twice.sqlite');
    const r = await signalled(db, ['SIGINT', 'SIGINT']);
    expect(r.code).toBe(130);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
