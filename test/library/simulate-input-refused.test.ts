import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataError,
  expandDataArgs,
  loadBars,
  nyseCalendar,
  resolveConfig,
  simulate,
  type BarSeries,
  type LoadResult,
} from '../../src/index.js';
import { refusal } from '../support/refusal.js';

/**
 * simulate() refuses series it cannot replay with a message naming the series, symbol or bar and what to
 * pass: loadBars' whole result (a bare TypeError before), two series of one symbol, an asset class it does
 * not know, a bar whose high is below its low (all three simulated before). expandDataArgs given a string
 * walked it character by character and failed on '/' with EACCES.
 */
const { config } = resolveConfig();
const calendar = nyseCalendar();
const HOUR = 3_600_000;
const n = 60;
const T0 = Date.parse('2025-01-06T00:00:00Z');

function bars(patch: Partial<BarSeries> = {}): BarSeries {
  return {
    symbol: 'X/USD',
    assetClass: 'crypto',
    intervalMs: HOUR,
    time: Float64Array.from({ length: n }, (_, i) => T0 + i * HOUR),
    open: new Float64Array(n).fill(10),
    high: new Float64Array(n).fill(11),
    low: new Float64Array(n).fill(9),
    close: new Float64Array(n).fill(10),
    volume: new Float64Array(n).fill(1),
    source: { path: 'memory', sha256: '', layout: 'inline', timezone: 'UTC' },
    ...patch,
  };
}

describe('simulate() refuses series it cannot replay', () => {
  it("names loadBars' whole result and says to pass its .series", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worksteal-bars-'));
    const file = join(dir, 'BTCUSD.csv');
    const rows = Array.from({ length: n }, (_, i) => `${new Date(T0 + i * HOUR).toISOString()},10,11,9,10,1`);
    writeFileSync(file, `time,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const loaded: LoadResult = await loadBars(file, { cacheDir: null });
    const error = refusal(() => simulate({ series: [loaded as never], config, calendar }));
    expect(error.issues).toEqual([expect.objectContaining({ where: 'series[0]' })]);
    expect(error.issues[0]!.message).toContain('.series');
    // What it says to pass runs.
    expect(() => simulate({ series: [loaded.series], config, calendar })).not.toThrow();
  });

  it('refuses two series of one symbol, naming both', () => {
    const error = refusal(() => simulate({ series: [bars(), bars()], config, calendar }));
    expect(error.issues).toEqual([
      expect.objectContaining({ where: 'series[1] (X/USD).symbol', value: 'X/USD' }),
    ]);
    expect(error.issues[0]!.message).toContain('series[0]');
  });

  it('refuses an asset class it does not know, and a series that is not an object', () => {
    const error = refusal(() =>
      simulate({ series: [bars({ assetClass: 'fx' as never }), 7 as never], config, calendar }),
    );
    expect(error.issues.map((i) => [i.where, i.value])).toEqual([
      ['series[0] (X/USD).assetClass', 'fx'],
      ['series[1]', 7],
    ]);
  });

  it('refuses a bar whose high is below its low, or whose close is outside them, naming the bar', () => {
    const s = bars({ symbol: 'Y/USD' });
    s.high[20] = 8; // below the low (9) and below open and close (10)
    s.low[30] = 10.5; // above open and close
    const error = refusal(() => simulate({ series: [s], config, calendar }));
    expect(error.issues.map((i) => i.where)).toEqual([
      `series[0] (Y/USD) bar 20 (${new Date(T0 + 20 * HOUR).toISOString()})`,
      `series[0] (Y/USD) bar 30 (${new Date(T0 + 30 * HOUR).toISOString()})`,
    ]);
    expect(error.issues[0]!.message).toContain('high 8 is below max(open, close) 10');
    expect(error.issues[1]!.message).toContain('low 10.5 is above min(open, close) 10');
  });

  it('still replays consistent bars built in memory, plain arrays included', () => {
    const s = bars({ close: Array.from({ length: n }, () => 10) as never });
    expect(
      simulate({ series: [s, bars({ symbol: 'Z/USD' })], config, calendar }).finalEquity,
    ).toBeGreaterThan(0);
  });
});

describe('expandDataArgs', () => {
  it('refuses a string instead of an array, saying how to pass it', async () => {
    const error = await expandDataArgs('/work' as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain('expandDataArgs(["/work"])');
    expect((error as DataError).message).not.toContain('EACCES');
  });
});
