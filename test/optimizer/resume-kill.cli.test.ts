/**
 * `optimize --compare` killed for real (SIGKILL: no handler runs, a pool thread dies mid-evaluation, the
 * store's lock file is left behind) at several points, then run again with the same command: it ends with
 * exactly the result of a run that was never interrupted — the fixed rows, the study's history and best, the
 * holdout rows and their paired comparison — and no evaluation is stored twice. The kill points are the
 * moments the store first holds k evaluations, for seeded k: inside the fixed rows, inside a generation, at
 * a generation's end. The reference runs in this thread (`--threads 0`), the killed runs on one and two pool
 * threads: the same numbers, whichever executor and however often interrupted.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli.js';
import { FIXTURE_CONFIG, fixtureCliArgs } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-resume-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = join(dir, 'opt.json');
writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));

const args = (db: string, json: string, threads: number): string[] => [
  'optimize',
  '--compare',
  ...fixtureCliArgs(cfg),
  '--generations',
  '3',
  '--seed',
  '9',
  '--threads',
  String(threads),
  '--quiet',
  '--db',
  db,
  '--json',
  json,
];

function stored(db: string): { n: number; hashes: number } {
  try {
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return d.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT hash) AS hashes FROM opt_evaluations').get() as {
        n: number;
        hashes: number;
      };
    } finally {
      d.close();
    }
  } catch {
    return { n: 0, hashes: 0 };
  }
}

/** What must not depend on interruptions (timings and the evaluated/reused counts may). */
function outcome(json: string) {
  const j = JSON.parse(readFileSync(json, 'utf8')) as {
    selection: unknown;
    holdout: unknown;
    rows: unknown;
    paired: unknown;
    study: { study: { history: unknown; best: unknown; generations: number; evaluations: number } };
  };
  const s = j.study.study;
  return {
    selection: j.selection,
    holdout: j.holdout,
    rows: j.rows,
    paired: j.paired,
    history: s.history,
    best: s.best,
    generations: s.generations,
    evaluations: s.evaluations,
  };
}

describe('optimize --compare killed (SIGKILL) and run again', () => {
  it('ends exactly like an uninterrupted run with the same seed, storing each evaluation once', async () => {
    const refDb = join(dir, 'ref.sqlite');
    const refJson = join(dir, 'ref.json');
    const ref = runCli(args(refDb, refJson, 0));
    expect(ref.code, ref.stderr).toBe(0);
    const total = stored(refDb).n;
    expect(total).toBeGreaterThan(10); // 4 fixed rows and the study's distinct candidates

    // Seeded kill points: the store first holding k evaluations, k ascending, never the end.
    const points = fc
      .sample(fc.uniqueArray(fc.integer({ min: 1, max: total - 1 }), { minLength: 3, maxLength: 3 }), {
        seed: 31,
        numRuns: 1,
      })[0]!
      .sort((a, b) => a - b);
    const db = join(dir, 'killed.sqlite');
    const json = join(dir, 'killed.json');
    for (const [i, k] of points.entries()) {
      const child = spawnCli(args(db, json, 1 + (i % 2)));
      const exit = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      let done = false;
      void exit.then(() => (done = true));
      while (!done && stored(db).n < k) await sleep(20);
      child.kill('SIGKILL');
      const signal = await exit;
      // Killed before it could finish (a child that ended first would have written its JSON).
      expect(signal, `kill at ${k} of ${total}`).toBe('SIGKILL');
    }
    const last = runCli(args(db, json, 2));
    expect(last.code, last.stderr).toBe(0);
    expect(outcome(json)).toEqual(outcome(refJson));
    // One row per evaluation: what a killed run stored was never evaluated and stored again.
    expect(stored(db)).toEqual({ n: total, hashes: total });
  });
});
