import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { simulate, type SimOutput } from '../../src/sim/engine.js';
import { loadMany } from '../../src/marketdata/index.js';
import { CRYPTO_FILES, MARKETDATA, STOCK_FILES, loadReal } from '../support/marketdata.js';

/** The same series with every bar that closes after T removed: the data a trader would have at T. */
function truncate(s: BarSeries, T: number): BarSeries {
  let n = 0;
  while (n < s.time.length && s.time[n]! + s.intervalMs <= T) n++;
  return {
    ...s,
    time: s.time.slice(0, n),
    open: s.open.slice(0, n),
    high: s.high.slice(0, n),
    low: s.low.slice(0, n),
    close: s.close.slice(0, n),
    volume: s.volume.slice(0, n),
  };
}

function before(out: SimOutput, T: number) {
  const dayT = Math.floor(T / 86_400_000) * 86_400_000;
  return {
    decisions: out.decisions.filter((d) => d.time < T),
    // One entry can end as several trades (a deleverage trim after T splits it), so compare entries once each.
    entries: [
      ...new Map(
        out.trades
          .filter((t) => t.entryTime < T)
          .map((t) => [t.entryOrderId, [t.symbol, t.entryTime, t.entryPrice]]),
      ).entries(),
    ].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    exits: out.trades.filter((t) => t.exitTime < T && t.exitReason !== 'end-of-data'),
    equity: out.equity.filter((r) => r.time < dayT),
    steals: out.steals.filter((s) => s.time < T),
  };
}

describe('no look-ahead (real data)', () => {
  const CRYPTO = [CRYPTO_FILES, '2022-01-01T00:00:00Z', '2022-09-01T00:00:00Z', '2022-05-17T13:00:00Z'];
  const MIXED = [
    [...CRYPTO_FILES.slice(0, 3), ...STOCK_FILES],
    '2022-01-01T00:00:00Z',
    '2022-07-01T00:00:00Z',
    '2022-04-06T15:00:00Z',
  ];
  // `auto` is the default: the value model (volatility, calibration, realised returns) decides there. On the
  // mixed set it steals nothing before T, so only the distance runs can require steals.
  it.each([
    ['crypto', 'distance', ...CRYPTO, true],
    ['crypto', 'auto', ...CRYPTO, true],
    ['mixed crypto + stocks', 'distance', ...MIXED, true],
    ['mixed crypto + stocks', 'auto', ...MIXED, false],
  ] as [string, string, string[], string, string, string, boolean][])(
    '%s, victimRanking %s: everything before T is identical with and without the data after T',
    async (_name, victimRanking, files, from, to, at, steals) => {
      const loaded = await loadReal(files);
      const T = Date.parse(at);
      const { config } = resolveConfig({
        layers: [
          { source: 'test', values: { victimRanking, sim: { initialEquity: 50_000, stopLossPct: 0.05 } } },
        ],
      });
      const run = (series: BarSeries[]) =>
        simulate({ series, config, calendar: nyseCalendar(), from: Date.parse(from), to: Date.parse(to) });
      const full = run(loaded.map((l) => l.series));
      const cut = run(loaded.map((l) => truncate(l.series, T)));
      const a = before(full, T);
      const b = before(cut, T);
      // The comparison is only meaningful when a lot happened before T.
      expect(a.decisions.length).toBeGreaterThan(100);
      expect(a.entries.length).toBeGreaterThan(10);
      if (steals) expect(a.steals.length).toBeGreaterThan(0);
      expect(b.decisions).toEqual(a.decisions);
      expect(b.entries).toEqual(a.entries);
      expect(b.exits).toEqual(a.exits);
      expect(b.equity).toEqual(a.equity);
      expect(b.steals).toEqual(a.steals);
    },
  );
});

/**
 * The FILES cut at T: a copy of each Kraken file (no header, unix seconds first) holding only the rows of bars
 * that opened before T, as a file downloaded at T would. Nothing of the full file reaches the loader, so a
 * property computed from the whole file (such as a median bar spacing) cannot leak into the cut run.
 */
function cutKrakenFiles(files: readonly string[], T: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-cut-'));
  return files.map((f) => {
    const rows = readFileSync(join(MARKETDATA, f), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && Number(line.slice(0, line.indexOf(','))) * 1000 < T);
    const path = join(dir, basename(f));
    writeFileSync(path, rows.join('\n') + '\n');
    return path;
  });
}

describe('no look-ahead on sparse data (Kraken 2015, files cut at T)', () => {
  it('everything before T is identical with the whole files and with files that end at T', async () => {
    const files = ['kraken-avkhimen/ETHUSD_60.csv', 'kraken-avkhimen/XBTUSD_60.csv'];
    const T = Date.parse('2016-01-05T13:00:00Z');
    const { config } = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            sim: { initialEquity: 50_000, orderFraction: 0.9, forecaster: { lookbackBars: 200 } },
          },
        },
      ],
    });
    const run = (series: BarSeries[]) =>
      simulate({
        series,
        config,
        calendar: nyseCalendar(),
        from: Date.parse('2015-09-01T00:00:00Z'),
        to: Date.parse('2016-03-01T00:00:00Z'),
      });
    const full = run((await loadReal(files)).map((l) => l.series));
    const cut = run((await loadMany(cutKrakenFiles(files, T), { cacheDir: null })).map((l) => l.series));
    const a = before(full, T);
    const b = before(cut, T);
    expect(a.decisions.length).toBeGreaterThan(100);
    expect(a.entries.length).toBeGreaterThan(10);
    expect(b.decisions).toEqual(a.decisions);
    expect(b.entries).toEqual(a.entries);
    expect(b.exits).toEqual(a.exits);
    expect(b.equity).toEqual(a.equity);
    expect(b.steals).toEqual(a.steals);
  });
});
