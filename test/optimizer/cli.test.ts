import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJson } from '../../src/optimizer/json.js';
import type { OptimizeMeta } from '../../src/optimizer/output.js';
import { runCli, spawnCli } from '../support/cli.js';
import { FIXTURE_CONFIG, FIXTURE_PATHS, fixtureCliArgs } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-optimize-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = join(dir, 'opt.json');
writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));
const common = fixtureCliArgs(cfg);
// `--threads 1` unless `extra` gives its own (a flag given twice with two values is refused).
const args = (db: string, out: string, extra: string[] = []): string[] => [
  'optimize',
  ...common,
  '--generations',
  '3',
  '--seed',
  '4',
  ...(extra.includes('--threads') ? [] : ['--threads', '1']),
  '--db',
  db,
  '--out',
  out,
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

describe('worksteal optimize', () => {
  const best = join(dir, 'best.json');

  it('writes best.json that `simulate --config` accepts, a metadata file and an HTML report', () => {
    const report = join(dir, 'opt.html');
    const r = runCli(args(join(dir, 'a.sqlite'), best, ['--report', report, '--sensitivity', '2']));
    expect(r.stderr).toMatch(/folds: 3 rolling, 2023-01-01 → 2023-05-01/);
    // Nothing is held out without --compare, and that is said.
    expect(r.stderr).toMatch(
      /^holdout: none; every date above chooses the best.*--compare holds the last 25% out/m,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/best: median out-of-sample sharpe -?\d+\.\d{3}, in-sample/);
    expect(r.stdout).toMatch(/sensitivity \(median OOS sharpe/);

    // Only config keys: the searched parameters over the config file's own values (without `optimize`).
    const written = JSON.parse(readFileSync(best, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(written).sort()).toEqual(
      ['sim', ...Object.keys(FIXTURE_CONFIG.optimize.params)].sort(),
    );
    expect(written.sim).toEqual(FIXTURE_CONFIG.sim);

    const meta = decodeJson<OptimizeMeta>(readFileSync(join(dir, 'best.meta.json'), 'utf8'));
    expect(meta).toMatchObject({ status: 'done', seed: 4, generations: 3, evaluations: 18, score: 'sharpe' });
    expect(meta.holdout).toBeNull();
    expect(meta.best?.params).toEqual(
      Object.fromEntries(Object.keys(FIXTURE_CONFIG.optimize.params).map((k) => [k, written[k]])),
    );
    expect(meta.data.map((d) => d.sha256)).toEqual(
      meta.data.map(() => expect.stringMatching(/^[0-9a-f]{64}$/)),
    );
    expect(meta.sensitivity?.map((s) => s.name).sort()).toEqual(
      Object.keys(FIXTURE_CONFIG.optimize.params).sort(),
    );
    // The count announced is the count run: every point but the best (a best off the probe grid adds one).
    const probed = meta.sensitivity!.reduce((n, row) => n + row.points.length - 1, 0);
    expect(r.stderr).toContain(`sensitivity: ${probed} evaluations around the best point`);

    const html = readFileSync(report, 'utf8');
    for (const section of [
      'Convergence',
      'In-sample vs out-of-sample',
      'Parameter vs score',
      'Sensitivity',
    ]) {
      expect(html).toContain(`<h2>${section}</h2>`);
    }
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).toContain('id="chart-fold-equity"');

    const sim = runCli([
      'simulate',
      '--config',
      best,
      '--data',
      FIXTURE_PATHS[0]!,
      '--from',
      '2023-05-01',
      '--to',
      '2023-06-01',
      '--quiet',
    ]);
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    expect(sim.stdout).toMatch(/^return -?\d/);
  });

  it('Ctrl-C stops after the running evaluation is stored (exit 130); the same command then finishes with the same result', async () => {
    const db = join(dir, 'b.sqlite');
    const out = join(dir, 'best-b.json');
    const child = spawnCli(args(db, out, ['--sensitivity', '0', '--threads', '0']));
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && storedCount(db) < 4; i++) await sleep(100);
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(stderr).toMatch(
      /interrupted: every finished evaluation is stored in .*b\.sqlite\. Run the same command again/,
    );
    const partial = storedCount(db);
    expect(partial).toBeGreaterThanOrEqual(4);

    const again = runCli(args(db, out, ['--sensitivity', '0', '--threads', '0']));
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(
      /\(resumed\): 3 generations, 18 candidates: \d+ evaluated by this run(, \d+ found in the store)?(, \d+ repeats? of candidates this run had already asked for)?, \d+ from earlier runs of this study\n/,
    );
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(best, 'utf8'));
    const meta = decodeJson<OptimizeMeta>(readFileSync(join(dir, 'best-b.meta.json'), 'utf8'));
    // Nothing was evaluated twice: the new process ran exactly the evaluations the first one had not stored.
    expect(partial + meta.evaluated).toBe(storedCount(db));
    // Run again on the finished study: every candidate is accounted for, none evaluated again.
    const third = runCli(args(db, out, ['--sensitivity', '0', '--threads', '0']));
    expect(third.stderr).toMatch(
      /\(resumed\): 3 generations, 18 candidates: 0 evaluated by this run, 18 from earlier runs of this study\n/,
    );
    // A finished study asked again says so: nothing is continued.
    expect(third.stderr).toMatch(/: complete, all 3 generations already run, none runs again \(/);
    expect(third.stderr).not.toMatch(/continuing at generation/);
  });

  it('bad inputs exit 2 and name the key', () => {
    // One config with three mistakes: each is reported, naming its key.
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        optimize: {
          params: {
            protectionPercent: { min: 0, max: 0.01 },
            cooldownSec: { min: 600, max: 60 },
            patternDayTrader: { min: 0, max: 1 },
          },
        },
      }),
    );
    const r = runCli([
      'optimize',
      '--data',
      FIXTURE_PATHS[0]!,
      '--config',
      file,
      '--db',
      join(dir, 'x.sqlite'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: optimize\.params\.protectionPercent: is not a tunable key/);
    expect(r.stderr).toMatch(
      /bad\.json: optimize\.params\.cooldownSec: min must be <= max \(min 600, max 60\)/,
    );
    expect(r.stderr).toMatch(
      /bad\.json: optimize\.params\.patternDayTrader: is a configuration key but not tunable/,
    );

    const both = runCli(['optimize', ...common, '--threads', '2', '--queue', 'redis://127.0.0.1:1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--threads and --queue do not go together/);
    const gens = runCli(['optimize', ...common, '--generations', 'many']);
    expect(gens.code).toBe(2);
    expect(gens.stderr).toMatch(/--generations "many": must be a whole number >= 1/);
    const set = runCli(['optimize', '--benchmark', 'bonds']);
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/--benchmark: unknown set; choose one of crypto, mixed/);
  });
});
