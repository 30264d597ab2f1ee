/**
 * A daily bar of a US stock stands for the regular session of the day it is labelled with (daily.ts): the
 * loader moves it to that session's open, and the timeline closes it at that session's close (early closes
 * included). Days without a session are rows the loader reports, never skipped in silence. Intraday stock and
 * every crypto series load exactly as before.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { newYorkWallToUtc, nyseCalendar } from '../../src/core/calendar/index.js';
import { formatDay } from '../../src/core/calendar/civil.js';
import { labelledDay } from '../../src/marketdata/daily.js';
import { detectLayout } from '../../src/marketdata/detect.js';
import { DataError, loadBars, type BarSeries } from '../../src/marketdata/index.js';
import { parseRows } from '../../src/marketdata/parse.js';
import { normalise, sessionGaps } from '../../src/marketdata/quality.js';
import { buildTimeline } from '../../src/sim/timeline.js';
import { requireMarketData } from '../support/marketdata.js';

const cal = nyseCalendar();
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-daily-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const real = (rel: string): string => join(requireMarketData(), rel);
const iso = (t: number): string => new Date(t).toISOString();

/** When each bar's prices are known, as the simulator computes it. */
const closesOf = (s: BarSeries): Float64Array =>
  buildTimeline([s], cal, { deleverageLeadMinutes: 15 }).closeTimes[0]!;

/** Every bar opens at a session's open and closes at that session's close. */
function offSession(s: BarSeries): string[] {
  const closes = closesOf(s);
  const bad: string[] = [];
  for (let i = 0; i < s.time.length; i++) {
    const session = cal.sessionAt(s.time[i]!);
    if (!session || session.open !== s.time[i] || session.close !== closes[i]) bad.push(iso(s.time[i]!));
  }
  return bad;
}

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('real daily stock files', () => {
  it.each([
    ['alpaca-yfinance-foundationdigitallabs/AAPL_1Day.csv', 1254, '2021-02-18T14:30:00.000Z'],
    ['alpaca-yfinance-foundationdigitallabs/AAPL.csv', 1538, '2020-01-02T14:30:00.000Z'],
  ])('%s: every bar opens at its session open and closes at its close', async (rel, bars, first) => {
    const r = await loadBars(real(rel), { cacheDir: null });
    expect(r.series.time.length).toBe(bars);
    expect(r.report.badRows).toEqual([]);
    expect(iso(r.series.time[0]!)).toBe(first);
    expect(offSession(r.series)).toEqual([]);
    const closes = closesOf(r.series);
    // The day after Thanksgiving closes at 13:00 New York (18:00 UTC); a normal day at 16:00 (EST: 21:00 UTC).
    const early = Array.from(r.series.time).indexOf(Date.parse('2021-11-26T14:30:00Z'));
    expect(iso(closes[early]!)).toBe('2021-11-26T18:00:00.000Z');
    const normal = Array.from(r.series.time).indexOf(Date.parse('2021-11-29T14:30:00Z'));
    expect(iso(closes[normal]!)).toBe('2021-11-29T21:00:00.000Z');
    // Christmas Eve 2024 (a Tuesday) closes early too; in summer time a session is 13:30–20:00 UTC.
    const eve = Array.from(r.series.time).indexOf(Date.parse('2024-12-24T14:30:00Z'));
    expect(iso(closes[eve]!)).toBe('2024-12-24T18:00:00.000Z');
    const summer = Array.from(r.series.time).indexOf(Date.parse('2024-07-01T13:30:00Z'));
    expect(iso(closes[summer]!)).toBe('2024-07-01T20:00:00.000Z');
  });

  it('WIKI-AAPL.csv: the years before the calendar are refused by default, dropped and listed with --repair', async () => {
    const path = real('quandl-wiki-lee101/WIKI-AAPL.csv');
    const refused = await loadBars(path, { cacheDir: null }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataError);
    // Descending file: 1999-12-31 is on line 4587.
    expect((refused as DataError).message).toContain(
      `${path}:4587: daily stock bar 1999-12-31T00:00:00Z is labelled 1999-12-31, outside the NYSE calendar (2000-01-01..2035-12-31)`,
    );
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.rows).toBe(9400);
    expect(r.series.time.length).toBe(4585);
    expect(r.report.badRows).toHaveLength(4815);
    expect(r.report.badRows.every((b) => b.action === 'dropped' && /labelled 19\d\d-/.test(b.problem))).toBe(
      true,
    );
    expect(offSession(r.series)).toEqual([]);
    expect(iso(r.series.time[0]!)).toBe('2000-01-03T14:30:00.000Z');
    expect(iso(r.series.time.at(-1)!)).toBe('2018-03-27T13:30:00.000Z');
    // Raw prices, the 2014 7:1 split unadjusted, now at the sessions' opens.
    const at = (t: string): number => Array.from(r.series.time).indexOf(Date.parse(t));
    expect(r.series.close[at('2014-06-06T13:30:00Z')]).toBe(645.57);
    expect(r.series.close[at('2014-06-09T13:30:00Z')]).toBe(93.7);
  });

  it('a daily crypto file keeps its midnight stamps', async () => {
    const r = await loadBars(real('binance-spot-yanniedog/BTCUSDT_1d.csv'), { cacheDir: null });
    expect(r.series.assetClass).toBe('crypto');
    expect(Array.from(r.series.time).every((t) => t % DAY === 0)).toBe(true);
  });
});

describe('intraday stock and crypto series are untouched', () => {
  /** The file normalised with and without the daily placement: every column byte for byte. */
  function both(rel: string): [Float64Array[], Float64Array[]] {
    const path = real(rel);
    const buf = readFileSync(path);
    const layout = detectLayout(path, buf);
    const run = (daily: boolean): Float64Array[] => {
      const n = normalise(
        path,
        parseRows(path, buf, layout),
        'repair',
        sessionGaps(cal),
        undefined,
        daily ? cal : null,
      );
      return [n.time, n.open, n.high, n.low, n.close, n.volume];
    };
    return [run(true), run(false)];
  }
  it.each(['databento-nasdaq-tejasraj15/AAPL_1h.csv', 'binance-btc-datascientest/BTCUSDT_1h.csv'])(
    '%s',
    (rel) => {
      const [withPlacement, without] = both(rel);
      expect(withPlacement[0]!.length).toBeGreaterThan(1000);
      for (let k = 0; k < 6; k++)
        expect(Buffer.from(withPlacement[k]!.buffer).equals(Buffer.from(without[k]!.buffer))).toBe(true);
    },
  );
});

describe('the trading day a daily stamp is labelled with', () => {
  const header = 'timestamp,open,high,low,close,volume';
  const row = (stamp: string): string => `${stamp},10,11,9,10.5,100`;

  it('UTC midnight is its UTC date; New York midnight, the session open and the 16:00 close are their New York date', async () => {
    const stamps = [
      '2024-03-04T00:00:00Z', // UTC midnight: 2024-03-04 (New York would say the 3rd, a Sunday)
      '2024-03-05T05:00:00Z', // New York midnight (EST)
      '2024-03-06T14:30:00Z', // the session open
      '2024-03-07T21:00:00Z', // the 16:00 close (EST)
      '2024-03-09T01:00:00Z', // 20:00 New York on Friday the 8th
      '2024-03-11T04:00:00Z', // New York midnight (EDT, after the switch)
    ];
    const path = csv('SPY_daily.csv', [header, ...stamps.map(row)]);
    const r = await loadBars(path, { cacheDir: null });
    expect(Array.from(r.series.time, iso)).toEqual([
      '2024-03-04T14:30:00.000Z',
      '2024-03-05T14:30:00.000Z',
      '2024-03-06T14:30:00.000Z',
      '2024-03-07T14:30:00.000Z',
      '2024-03-08T14:30:00.000Z',
      '2024-03-11T13:30:00.000Z',
    ]);
    expect(r.report.badRows).toEqual([]);
  });

  it('a holiday or weekend row is refused naming file:row, and dropped and listed with --repair', async () => {
    const path = csv('AAPL.csv', [
      'Date,Open,High,Low,Close,Volume',
      row('2021-11-24'),
      row('2021-11-25'), // Thanksgiving: line 3
      row('2021-11-26'),
      row('2021-11-27'), // Saturday: line 5
      row('2021-11-29'),
    ]);
    await expect(loadBars(path, { cacheDir: null })).rejects.toThrow(
      `${path}:3: daily stock bar 2021-11-25T00:00:00Z is labelled 2021-11-25, an exchange holiday with no NYSE session. Also row 5:`,
    );
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.badRows).toEqual([
      {
        row: 3,
        problem:
          'daily stock bar 2021-11-25T00:00:00Z is labelled 2021-11-25, an exchange holiday with no NYSE session',
        action: 'dropped',
      },
      {
        row: 5,
        problem:
          'daily stock bar 2021-11-27T00:00:00Z is labelled 2021-11-27, a weekend day with no NYSE session',
        action: 'dropped',
      },
    ]);
    expect(r.report.bars).toBe(3);
    expect(offSession(r.series)).toEqual([]);
    expect(iso(closesOf(r.series)[1]!)).toBe('2021-11-26T18:00:00.000Z');
  });

  it('two rows labelled with one day: the second is a problem, not a second bar of the session', async () => {
    const path = csv('MSFT.csv', [
      header,
      row('2024-03-04T00:00:00Z'),
      row('2024-03-05T00:00:00Z'),
      row('2024-03-05T03:00:00Z'), // 22:00 New York on the 4th: labelled the 4th again (line 4)
      row('2024-03-06T00:00:00Z'),
    ]);
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.badRows.map((b) => [b.row, b.action])).toEqual([[4, 'dropped']]);
    expect(r.report.badRows[0]!.problem).toContain('labelled 2024-03-04');
    expect(r.series.time.length).toBe(3);
  });

  it('weekly stock bars are left as they are (a week is not one session)', async () => {
    const path = csv('QQQ.csv', [header, row('2024-01-01'), row('2024-01-08'), row('2024-01-15')]);
    const r = await loadBars(path, { cacheDir: null });
    expect(Array.from(r.series.time, iso)).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-08T00:00:00.000Z',
      '2024-01-15T00:00:00.000Z',
    ]);
  });
});

describe('placement, property', () => {
  const first = Date.parse('2000-01-01T00:00:00Z') / DAY;
  const last = Date.parse('2035-12-20T00:00:00Z') / DAY;
  it('opens at the labelled day’s session open, strictly ascending, closing at that session’s close', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: first, max: last }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 25 }),
        fc.boolean(),
        async (start, steps, newYork) => {
          const days = [start];
          for (const s of steps) days.push(days.at(-1)! + s);
          // A date-only row is UTC midnight; an Alpaca row is New York midnight written in UTC.
          const stamps = days.map((d) => (newYork ? newYorkWallToUtc(formatDay(d), 0, 0) : d * DAY));
          const lines = stamps.map((t) => `${iso(t)},10,11,9,10.5,100`);
          const path = csv(`IBM-${file++}.csv`, ['timestamp,open,high,low,close,volume', ...lines]);
          const sessions = days.map((d) => cal.sessionFor(formatDay(d)));
          expect(stamps.map(labelledDay)).toEqual(days.map(formatDay));
          const expected = sessions.flatMap((s) => (s ? [s] : []));
          const loading = loadBars(path, { cacheDir: null, onBadData: 'repair' });
          // Days that all lack a session (2001-09-11..16) leave no bar: an error, as for any file.
          if (expected.length === 0) return void (await expect(loading).rejects.toThrow('no usable bars'));
          const r = await loading;
          expect(Array.from(r.series.time)).toEqual(expected.map((s) => s.open));
          expect(r.report.badRows.length).toBe(days.length - expected.length);
          for (let i = 1; i < r.series.time.length; i++)
            expect(r.series.time[i]!).toBeGreaterThan(r.series.time[i - 1]!);
          expect(Array.from(closesOf(r.series))).toEqual(expected.map((s) => s.close));
        },
      ),
      { seed: 28_2026, numRuns: 150 },
    );
  });
});
