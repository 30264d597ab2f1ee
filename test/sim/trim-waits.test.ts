import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { loadCsvBars, type CsvBar } from './support/csv-bars.js';

/**
 * No symbol trades without a bar at that step (README "The model: assumptions and limits"). Three stocks
 * bought at 4x intraday on Monday 2024-06-03 (SPY-like bars at :30 UTC, session 13:30–20:00 UTC); CCC, the
 * largest loss, has no bar after 18:30. At the 20:00 close the stocks that have a bar are trimmed first (a
 * trim of CCC could not trade before Tuesday: its margin would stay held overnight); only what they cannot
 * cover goes to CCC, and that trim waits for its next bar (Tuesday's first, opening at 96) instead of trading
 * at Monday's stale 95.
 */
const day1 = (p: (h: number) => number, last = 19): CsvBar[] =>
  Array.from({ length: last - 12 }, (_, k) => {
    const h = 13 + k;
    const v = p(h);
    return [`2024-06-03T${h}:30:00`, v, v, h === 14 ? 99.9 : v, v];
  });
const tuesday = (open: number, close: number): CsvBar[] => [
  ['2024-06-04T13:30:00', open, Math.max(open, close), Math.min(open, close), close],
  ['2024-06-04T14:30:00', close, close, close, close],
];

const signal = (symbol: string): ExternalSignal => ({
  time: Date.parse('2024-06-03T14:30:00Z'),
  symbol,
  side: 'buy',
  entry: 100,
  takeProfit: 110,
  expectedPnl: 10,
  validUntil: Date.parse('2024-06-10T00:00:00Z'),
});

/** Monday's book of three stocks, each ending its Monday at `last` (19: a bar at the close) and flat on Tuesday. */
async function run(last: { AAA: number; BBB: number }) {
  const series = await loadCsvBars({
    AAA: [...day1(() => 100.2, last.AAA), ...tuesday(100.2, 100.2)],
    BBB: [...day1(() => 100.2, last.BBB), ...tuesday(100.2, 100.2)],
    CCC: [...day1((h) => (h >= 16 ? 95 : 100.2), 17), ...tuesday(96, 96.5)],
  });
  const { config } = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: true,
          sim: { initialEquity: 30_000, orderFraction: 1, timeStopHours: 0 },
        },
      },
    ],
  });
  const out = simulate({
    series,
    config,
    calendar: nyseCalendar(),
    signals: ['AAA', 'BBB', 'CCC'].map(signal),
    // Throws if the close leaves margin over the overnight requirement while no trim waits.
    assertInvariants: true,
  });
  const trims = out.trades.filter((t) => t.exitReason === 'deleverage');
  const held = (symbol: string) =>
    out.trades.filter((t) => t.symbol === symbol).reduce((q, t) => q + t.qty, 0);
  return { out, trims, held };
}

const close = Date.parse('2024-06-03T20:00:00Z');

describe('an end-of-day trim for a symbol without a bar at the close (hand-made CSV)', () => {
  it('the stocks with a bar at the close are trimmed first; CCC, the largest loss, waits for nothing', async () => {
    const { out, trims, held } = await run({ AAA: 19, BBB: 19 });
    // AAA and BBB cover the excess at the close, so CCC (no bar after 18:30) is not trimmed at all.
    expect(trims.length).toBeGreaterThan(0);
    expect(trims.every((t) => t.symbol !== 'CCC' && t.exitTime === close)).toBe(true);
    const ccc = out.trades.filter((t) => t.symbol === 'CCC');
    expect(ccc.map((t) => t.exitReason)).toEqual(['end-of-data']);
    expect(ccc[0]!.qty).toBe(held('CCC'));
    // The overnight requirement fits after the close: Monday's equity row (its close) is within capacity.
    const row = out.equity.find((r) => r.time === close)!;
    expect(row.marginUsed).toBeLessThanOrEqual(row.marginCapacity + 1e-6);
  });

  it('what the stocks with a bar cannot cover waits for the barless one next bar, at its open', async () => {
    // BBB has no bar at the close either: AAA alone trades at the close and cannot free enough; the rest of
    // the excess goes to CCC (the larger loss of the two without a bar), whose trim waits for Tuesday's first
    // bar (opening at 96) instead of trading at Monday's stale 95. BBB is left alone.
    const { out, trims } = await run({ AAA: 19, BBB: 17 });
    const aaa = trims.filter((t) => t.symbol === 'AAA');
    expect(aaa).toHaveLength(1);
    expect(aaa[0]!.exitTime).toBe(close);
    const entered = out.trades.filter((t) => t.symbol === 'AAA').reduce((q, t) => q + t.qty, 0);
    expect(aaa[0]!.qty).toBe(entered);
    const ccc = trims.filter((t) => t.symbol === 'CCC');
    expect(ccc).toHaveLength(1);
    expect(ccc[0]).toMatchObject({ exitTime: Date.parse('2024-06-04T14:30:00Z'), exitPrice: 96 });
    expect(trims.some((t) => t.symbol === 'BBB')).toBe(false);
    // Nothing traded CCC at the close.
    expect(out.trades.some((t) => t.symbol === 'CCC' && t.exitTime === close)).toBe(false);
  });
});
