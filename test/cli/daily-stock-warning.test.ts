import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';

/**
 * A daily stock is seen only at its session's close, so it places orders only with extendedHours: the
 * commands say so, and stop saying so once the run (every side of a comparison) has them.
 */
const AAPL_DAILY = join(requireMarketData(), 'alpaca-yfinance-foundationdigitallabs/AAPL_1Day.csv');
const EXTENDED = join(mkdtempSync(join(tmpdir(), 'ws-daily-')), 'extended.json');
writeFileSync(EXTENDED, '{"extendedHours": true}\n');
const WARNING = 'AAPL: daily bars stand for their sessions';

describe('the daily-stock warning follows extendedHours', () => {
  it('simulate: warned and no order by default; no warning and trades with extended hours', () => {
    const plain = runCli(['simulate', '--data', AAPL_DAILY, '--json', '-', '--quiet']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(WARNING);
    expect(JSON.parse(plain.stdout).summary.trades).toBe(0);
    const extended = runCli([
      'simulate',
      '--data',
      AAPL_DAILY,
      '--config',
      EXTENDED,
      '--json',
      '-',
      '--quiet',
    ]);
    expect(extended.code).toBe(0);
    expect(extended.stderr).not.toContain(WARNING);
    expect(JSON.parse(extended.stdout).summary.trades).toBeGreaterThan(0);
  });

  it('compare: warned while one side lacks extended hours', () => {
    const args = ['compare', '--data', AAPL_DAILY, '--window', '1y', '--threads', '1', '--quiet'];
    expect(runCli(args).stderr).toContain(WARNING);
    expect(runCli([...args, '--set', 'extendedHours=true']).stderr).not.toContain(WARNING);
  });
});
