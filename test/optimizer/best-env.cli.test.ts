/**
 * best.json alone reproduces the score the study gave its best point: the configuration keys that came from
 * `WORKSTEAL_*` variables (here the victim ranking, as the README's own optimize commands set it) are written
 * into it, so `simulate --config best.json` over a fold's test window, run without those variables, gives
 * the Sharpe the optimiser reported for that fold. Tiny budget: three symbols, two months, two folds,
 * population 4, two generations, on this thread.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJson } from '../../src/optimizer/json.js';
import type { OptimizeMeta } from '../../src/optimizer/output.js';
import { runCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';
import { FIXTURE_PATHS } from './optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-optimize-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('best.json from a study run under WORKSTEAL_* variables', () => {
  it('holds those settings, so simulate --config best.json gives each fold the optimiser’s Sharpe', () => {
    requireMarketData();
    const cfg = join(dir, 'p1.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        sim: { orderFraction: 0.45 },
        optimize: { params: { protectionPct: { min: 0, max: 0.01 } }, folds: { count: 2 } },
      }),
    );
    const best = join(dir, 'best.json');
    const env = { WORKSTEAL_VICTIM_RANKING: 'distance', WORKSTEAL_SIM_FEES_BPS: '7' };
    const r = runCli(
      [
        'optimize',
        '--data',
        ...FIXTURE_PATHS,
        '--from',
        '2023-01-01',
        '--to',
        '2023-03-01',
        '--config',
        cfg,
        '--generations',
        '2',
        '--population',
        '4',
        '--threads',
        '0',
        '--sensitivity',
        '0',
        '--db',
        join(dir, 'env.sqlite'),
        '--out',
        best,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const meta = decodeJson<OptimizeMeta>(readFileSync(join(dir, 'best.meta.json'), 'utf8'));
    for (const fold of meta.best!.folds) {
      const sim = runCli([
        'simulate',
        '--data',
        ...FIXTURE_PATHS,
        '--from',
        new Date(fold.test.from).toISOString(),
        '--to',
        new Date(fold.test.to).toISOString(),
        '--config',
        best,
        '--json',
        '-',
      ]);
      expect(sim.code, sim.stderr).toBe(0);
      const summary = (JSON.parse(sim.stdout) as { summary: { sharpe: number; trades: number } }).summary;
      expect({ fold: fold.index, sharpe: summary.sharpe, trades: summary.trades }).toEqual({
        fold: fold.index,
        sharpe: fold.test.sharpe,
        trades: fold.test.trades,
      });
    }
    const written = JSON.parse(readFileSync(best, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ victimRanking: 'distance', sim: { orderFraction: 0.45, feesBps: 7 } });
  });
});
