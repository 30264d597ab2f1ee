/**
 * Every layout in ../shared/marketdata loads by auto-detection, checked against the facts stated in the
 * folder's README.md and PROVENANCE.md files. The data is read in place; a missing folder fails loudly.
 */
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars, loadMany, type LoadResult } from '../../src/marketdata/index.js';

const MARKETDATA = fileURLToPath(new URL('../../../shared/marketdata/', import.meta.url));
const HOUR = 3_600_000;
const DAY = 86_400_000;

function marketFile(rel: string): string {
  const path = join(MARKETDATA, rel);
  if (!existsSync(path)) {
    throw new Error(
      `Market data missing: ${path}. These tests read the real files in ../shared/marketdata (next to the project root, as in CI); restore that folder instead of skipping.`,
    );
  }
  return path;
}

const cacheDir = mkdtempSync(join(tmpdir(), 'worksteal-layouts-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const load = (rel: string): Promise<LoadResult> => loadBars(marketFile(rel), { cacheDir });
const iso = (ms: number | null | undefined): string => new Date(ms ?? NaN).toISOString();
const missing = (r: LoadResult): number => r.report.gaps.reduce((a, g) => a + g.missingBars, 0);
const at = (r: LoadResult, time: string): number => r.series.time.indexOf(Date.parse(time));

function expectSane(r: LoadResult): void {
  const { time, open, high, low, close } = r.series;
  const broken: number[] = [];
  for (let i = 0; i < time.length; i++) {
    const ordered = i === 0 || time[i]! > time[i - 1]!;
    const bracketed = high[i]! >= Math.max(open[i]!, close[i]!) && low[i]! <= Math.min(open[i]!, close[i]!);
    if (!ordered || !bracketed || !(low[i]! > 0)) broken.push(i);
  }
  expect(broken).toEqual([]);
  expect(r.report.bars).toBe(time.length);
  expect(r.report.badRows).toEqual([]);
  expect(r.report.duplicates).toEqual([]);
}

describe('market data folder', () => {
  it('exists next to the project root', () => {
    expect(existsSync(MARKETDATA), `expected ${MARKETDATA} (see /work/shared/marketdata/README.md)`).toBe(
      true,
    );
  });
});

describe('binance-spot-yanniedog: header timestamp, naive = UTC', () => {
  it('SOLUSDT_1h matches PROVENANCE', async () => {
    const r = await load('binance-spot-yanniedog/SOLUSDT_1h.csv');
    expect(r.series.symbol).toBe('SOLUSDT');
    expect(r.series.assetClass).toBe('crypto');
    expect(r.series.intervalMs).toBe(HOUR);
    expect(r.series.time.length).toBe(47_360);
    expect(iso(r.report.first)).toBe('2020-08-11T06:00:00.000Z');
    expect(iso(r.report.last)).toBe('2026-01-06T09:00:00.000Z');
    expect(r.series.source.layout).toBe('header:timestamp naive-utc asc');
    expect(r.series.source.timezone).toBe('UTC');
    expect(r.series.source.sha256).toBe('7055fc65e3b254f6e2f7929646d9b5ca34fec2ecb90207fb8bd6898a7e110167');
    expect(r.report.gapCount).toBe(10);
    expect(missing(r)).toBe(20);
    expect(r.report.reordered).toBe(false);
    expectSane(r);
  });

  it('the other benchmark pairs load with their stated ranges and gaps', async () => {
    const rs = await loadMany(
      ['LTC', 'UNI', 'AVAX', 'LINK'].map((s) => marketFile(`binance-spot-yanniedog/${s}USDT_1h.csv`)),
      { cacheDir },
    );
    const facts = rs.map((r) => [
      r.series.symbol,
      r.series.time.length,
      iso(r.report.first),
      r.report.gapCount,
      missing(r),
    ]);
    expect(facts).toEqual([
      ['LTCUSDT', 70_592, '2017-12-13T03:00:00.000Z', 27, 122],
      ['UNIUSDT', 46_478, '2020-09-17T03:00:00.000Z', 10, 20],
      ['AVAXUSDT', 46_355, '2020-09-22T06:00:00.000Z', 10, 20],
      ['LINKUSDT', 61_071, '2019-01-16T10:00:00.000Z', 20, 60],
    ]);
    for (const r of rs) expect(iso(r.report.last)).toBe('2026-01-06T12:00:00.000Z');
  });

  it('1d files are dates at UTC midnight, gap-free', async () => {
    const r = await load('binance-spot-yanniedog/BTCUSDT_1d.csv');
    expect(r.series.intervalMs).toBe(DAY);
    expect(r.series.time.length).toBe(3065);
    expect(iso(r.report.first)).toBe('2017-08-17T00:00:00.000Z');
    expect(r.report.gapCount).toBe(0);
  });
});

describe('binance-eth-iamsteini: epoch ms, descending', () => {
  it('is reversed to ascending and matches PROVENANCE', async () => {
    const r = await load('binance-eth-iamsteini/ETHUSDT_1h.csv');
    expect(r.report.reordered).toBe(true);
    expect(r.series.source.layout).toBe('header:timestamp epoch-ms desc');
    expect(r.series.time.length).toBe(72_584);
    expect(iso(r.report.first)).toBe('2017-08-17T04:00:00.000Z');
    expect(iso(r.report.last)).toBe('2025-12-02T19:00:00.000Z');
    // The file's last line is the oldest bar: 1502942400000,301.13,302.57,298.0,301.61,125.66877
    expect([
      r.series.open[0],
      r.series.high[0],
      r.series.low[0],
      r.series.close[0],
      r.series.volume[0],
    ]).toEqual([301.13, 302.57, 298.0, 301.61, 125.66877]);
    expect(r.report.gapCount).toBe(28);
    expect(missing(r)).toBe(128);
    expectSane(r);
  });
});

describe('binance-btc-datascientest: symbol column, ISO +00:00', () => {
  it('reports the missing hour 2023-03-24 13:00 as the only gap', async () => {
    const r = await load('binance-btc-datascientest/BTCUSDT_1h.csv');
    expect(r.series.symbol).toBe('BTCUSDT');
    expect(r.series.source.layout).toBe('header:timestamp iso-offset asc');
    expect(r.series.time.length).toBe(27_083);
    expect(iso(r.report.first)).toBe('2023-01-01T00:00:00.000Z');
    expect(iso(r.report.last)).toBe('2026-02-02T11:00:00.000Z');
    expect(r.report.gaps).toEqual([
      {
        after: Date.parse('2023-03-24T12:00:00Z'),
        before: Date.parse('2023-03-24T14:00:00Z'),
        missingBars: 1,
      },
    ]);
    // The flat zero-volume placeholder bar is real data, kept as is.
    const i = at(r, '2023-03-24T12:00:00Z');
    expect(r.series.volume[i]).toBe(0);
    expectSane(r);
  });
});

describe('kraken-avkhimen: headerless unix seconds, sparse', () => {
  it('XBTUSD_60 reports its sparsity as gaps', async () => {
    const r = await load('kraken-avkhimen/XBTUSD_60.csv');
    expect(r.series.symbol).toBe('XBTUSD');
    expect(r.series.assetClass).toBe('crypto');
    expect(r.series.source.layout).toBe('headerless:col0 epoch-s asc');
    expect(r.series.intervalMs).toBe(HOUR);
    expect(r.series.time.length).toBe(70_253);
    expect(iso(r.report.first)).toBe('2013-10-06T21:00:00.000Z');
    expect(iso(r.report.last)).toBe('2023-01-07T09:00:00.000Z');
    expect(r.report.gapCount).toBe(3254);
    expect(missing(r)).toBe(10_856);
    const in2014 = r.report.gaps.filter((g) => new Date(g.after).getUTCFullYear() === 2014).length;
    expect(in2014).toBeGreaterThan(1000);
    expectSane(r);
  });

  it('ETHUSD_60 parses exponent volumes (1E+1) and keeps the Aug 2015 junk prints as data', async () => {
    const r = await load('kraken-avkhimen/ETHUSD_60.csv');
    expect(r.series.time.length).toBe(63_568);
    expect(iso(r.report.first)).toBe('2015-08-07T14:00:00.000Z');
    expect(r.series.volume[at(r, '2015-08-11T05:00:00Z')]).toBe(10);
  });
});

describe('databento-nasdaq-tejasraj15: ts_event, extra columns', () => {
  it('AAPL_1h keeps extended hours in UTC', async () => {
    const r = await load('databento-nasdaq-tejasraj15/AAPL_1h.csv');
    expect(r.series.symbol).toBe('AAPL');
    expect(r.series.assetClass).toBe('stock');
    expect(r.series.source.layout).toBe('header:ts_event iso-offset asc');
    expect(r.series.time.length).toBe(19_629);
    expect(iso(r.report.first)).toBe('2021-03-12T09:00:00.000Z');
    expect(iso(r.report.last)).toBe('2026-03-11T23:00:00.000Z');
    expect([r.series.open[0], r.series.close[0], r.series.volume[0]]).toEqual([120.28, 119.73, 72021]);
    expectSane(r);
  });
});

describe('ibkr-tsla-economiaunmsm: naive fixed UTC-5', () => {
  it('detects the fixed -05:00 zone: first bar 2016-02-11 09:30 becomes 14:30Z', async () => {
    const r = await load('ibkr-tsla-economiaunmsm/TSLA_1h.csv');
    expect(r.series.source.timezone).toBe('-05:00');
    expect(r.series.source.layout).toMatch(/^header:Date naive-fixed-05:00 \(session-fit 100%\) asc$/);
    expect(r.series.time.length).toBe(15_793);
    expect(iso(r.report.first)).toBe('2016-02-11T14:30:00.000Z');
    expect(iso(r.report.last)).toBe('2025-02-11T20:00:00.000Z');
    // Summer: the naive 08:30 first bar is 13:30Z = 09:30 EDT, the opening bell.
    expect(at(r, '2016-07-01T13:30:00Z')).toBeGreaterThan(0);
    expect(r.series.open[at(r, '2016-07-01T13:30:00Z')]).toBe(13.76);
    // Every bar opens inside the New York regular session.
    const ny = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    const outside = Array.from(r.series.time).filter((t) => {
      const [h, m] = ny.format(t).split(':').map(Number) as [number, number];
      const minute = h * 60 + m;
      return minute < 570 || minute >= 960;
    });
    expect(outside).toEqual([]);
    expectSane(r);
  });

  it('an explicit timezone wins over detection', async () => {
    const r = await loadBars(marketFile('ibkr-tsla-economiaunmsm/TSLA_1h.csv'), {
      cacheDir,
      layout: { timezone: 'America/New_York' },
    });
    expect(r.series.source.timezone).toBe('America/New_York');
    expect(iso(r.report.first)).toBe('2016-02-11T14:30:00.000Z'); // winter: same as -05:00
    expect(at(r, '2016-07-01T12:30:00Z')).toBeGreaterThan(0); // summer 08:30 EDT
  });
});

describe('polygon-spy-peachy88: Datetime with New York offset, IsGap column', () => {
  it('09:30-04:00 becomes 13:30Z and 09:30-05:00 becomes 14:30Z', async () => {
    const r = await load('polygon-spy-peachy88/SPY_hourly.csv');
    expect(r.series.symbol).toBe('SPY');
    expect(r.series.assetClass).toBe('stock');
    expect(r.series.source.layout).toBe('header:Datetime iso-offset asc');
    expect(r.series.source.timezone).toBe('offsets in values (-05:00..-04:00)');
    expect(r.series.time.length).toBe(34_949);
    expect(iso(r.report.first)).toBe('2003-09-10T13:30:00.000Z');
    expect(iso(r.report.last)).toBe('2025-03-14T19:30:00.000Z');
    expect(r.series.open[at(r, '2024-12-31T14:30:00Z')]).toBe(589.905);
    // 2025-03-06 and 03-07 are missing days: one gap from the 5th's last bar to the 10th's first.
    expect(
      r.report.gaps.some(
        (g) => iso(g.after) === '2025-03-05T20:30:00.000Z' && iso(g.before) === '2025-03-10T13:30:00.000Z',
      ),
    ).toBe(true);
    expectSane(r);
  });
});

describe('alpaca-yfinance-foundationdigitallabs: daily', () => {
  // A daily stock bar is placed at its day's session open (daily.ts; daily-sessions.test.ts has the rest).
  it('<SYM>_1Day.csv: Date with +00:00 at New York midnight, symbol column', async () => {
    const r = await load('alpaca-yfinance-foundationdigitallabs/AAPL_1Day.csv');
    expect(r.series.symbol).toBe('AAPL');
    expect(r.series.intervalMs).toBe(DAY);
    expect(r.series.time.length).toBe(1254);
    expect(iso(r.report.first)).toBe('2021-02-18T14:30:00.000Z');
    expect(iso(r.report.last)).toBe('2026-02-13T14:30:00.000Z');
    expectSane(r);
  });

  it('<SYM>.csv: Close-first columns map by name, not position', async () => {
    const r = await load('alpaca-yfinance-foundationdigitallabs/AAPL.csv');
    expect(r.series.source.layout).toBe('header:Date naive-utc columns:close,high,low,open,volume asc');
    expect(r.series.time.length).toBe(1538);
    expect(iso(r.report.first)).toBe('2020-01-02T14:30:00.000Z');
    // 2020-01-02,72.4005355834961,72.46079905454006,71.15669665838297,71.40980029421532,135480400
    expect([
      r.series.open[0],
      r.series.high[0],
      r.series.low[0],
      r.series.close[0],
      r.series.volume[0],
    ]).toEqual([71.40980029421532, 72.46079905454006, 71.15669665838297, 72.4005355834961, 135480400]);
    expectSane(r);
  });
});

describe('quandl-wiki-lee101: descending, raw and Adj. columns', () => {
  // The 4,815 rows before 2000 have no session in the calendar: kept out with --repair (daily-sessions.test.ts).
  it('uses the raw prices, not the adjusted ones', async () => {
    const r = await loadBars(marketFile('quandl-wiki-lee101/WIKI-AAPL.csv'), {
      cacheDir,
      onBadData: 'repair',
    });
    expect(r.series.symbol).toBe('AAPL');
    expect(r.report.reordered).toBe(true);
    expect(r.series.source.layout).toBe('header:Date naive-utc desc');
    expect(r.report.rows).toBe(9400);
    expect(r.series.time.length).toBe(4585);
    expect(iso(r.report.first)).toBe('2000-01-03T14:30:00.000Z');
    expect(iso(r.report.last)).toBe('2018-03-27T13:30:00.000Z');
    expect(r.series.close[0]).toBe(111.94); // Adj. Close would be 3.5965
    // The 2014 7:1 split shows in raw prices: 645.57 on 06-06, 93.7 on 06-09.
    expect(r.series.close[at(r, '2014-06-06T13:30:00Z')]).toBe(645.57);
    expect(r.series.close[at(r, '2014-06-09T13:30:00Z')]).toBe(93.7);
    expect(r.series.volume[0]).toBe(4_783_900);
    expectSane({ ...r, report: { ...r.report, badRows: [] } });
  });
});
