/**
 * A best point that traded in none of its test windows has a score (Sharpe 0) that measures nothing, chosen
 * among others alike: optimize warns, as `optimize --compare` warns about a holdout in which no row traded
 * (one rule, src/optimizer/output.ts noTradesWarning), on stderr even with --quiet and in the JSON's
 * `warnings`. TSLA's hourly bars from 2023-01-01 to 2023-04-01 give the forecaster (almost) no trade.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJson } from '../../src/optimizer/json.js';
import type { OptimizeMeta } from '../../src/optimizer/output.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA, requireMarketData } from '../support/marketdata.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-no-trades-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WARNING =
  /^warning: no fold of the best point traded in its test window \(4 folds, 2023-01-01 → 2023-04-01\); its scores measure nothing\. It was chosen among scores that measure nothing/mu;

describe('optimize on data in which nothing trades', () => {
  it('warns that the best point traded in no test window, with --quiet too, and says it in the JSON and the report', () => {
    requireMarketData();
    const args = [
      'optimize',
      '--data',
      join(MARKETDATA, 'ibkr-tsla-economiaunmsm/TSLA_1h.csv'),
      '--from',
      '2023-01-01',
      '--to',
      '2023-04-01',
      '--generations',
      '2',
      '--population',
      '4',
      '--threads',
      '0',
      '--sensitivity',
      '0',
      '--db',
      join(dir, 't.sqlite'),
    ];
    const json = join(dir, 't.json');
    const report = join(dir, 't.html');
    const r = runCli([...args, '--json', json, '--report', report]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(WARNING);
    expect(readFileSync(report, 'utf8')).toContain(
      '<p class="warn">warning: no fold of the best point traded in its test window',
    );
    const meta = decodeJson<OptimizeMeta>(readFileSync(json, 'utf8'));
    expect(meta.best!.folds.every((f) => f.test.trades === 0)).toBe(true);
    expect(meta.warnings).toEqual([expect.stringMatching(WARNING)]);
    const quiet = runCli([...args, '--quiet']);
    expect(quiet.stderr).toMatch(WARNING);
  });
});
