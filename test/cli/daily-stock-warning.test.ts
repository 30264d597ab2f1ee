import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';

/**
 * A daily stock is seen only at its session's close: without extendedHours it places no order, and with them
 * its orders go out after hours as DAY orders that lapse at 20:00 New York, before the next session (as at
 * Alpaca). It never fills either way, and the commands say so, each way in its own words.
 */
const AAPL_DAILY = join(requireMarketData(), 'alpaca-yfinance-foundationdigitallabs/AAPL_1Day.csv');
const EXTENDED = join(mkdtempSync(join(tmpdir(), 'ws-daily-')), 'extended.json');
writeFileSync(EXTENDED, '{"extendedHours": true}\n');
const WARNING = 'AAPL: daily bars stand for their sessions';
const PLACES_NONE = 'without config extendedHours: true AAPL places no order';
const LAPSES = 'so AAPL never fills';

describe('the daily-stock warning follows extendedHours', () => {
  it('simulate: no order by default; with extended hours orders that lapse unfilled; warned both ways', () => {
    const plain = runCli(['simulate', '--data', AAPL_DAILY, '--json', '-', '--quiet']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(PLACES_NONE);
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
    expect(extended.stderr).toContain(WARNING);
    expect(extended.stderr).toContain(LAPSES);
    const summary = JSON.parse(extended.stdout).summary;
    expect(summary.places).toBeGreaterThan(0);
    expect(summary.trades).toBe(0);
  });

  it('compare: warned that no order is placed while one side lacks extended hours, else that they lapse', () => {
    const args = ['compare', '--data', AAPL_DAILY, '--window', '1y', '--threads', '1', '--quiet'];
    expect(runCli(args).stderr).toContain(PLACES_NONE);
    expect(runCli([...args, '--set', 'extendedHours=true']).stderr).toContain(LAPSES);
  });
});
