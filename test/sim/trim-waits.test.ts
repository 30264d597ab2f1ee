import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { loadCsvBars, type CsvBar } from './support/csv-bars.js';

/**
 * DESIGN §6: no symbol trades without a bar at that step. Three stocks bought at 4x intraday on Monday
 * 2024-06-03 (SPY-like bars at :30 UTC, session 13:30–20:00 UTC); CCC, the largest loss, has no bar after
 * 18:30, so the end-of-day trim that picks it at the 20:00 close must wait for its next bar (Tuesday's first,
 * opening at 96) instead of trading at Monday's stale 95.
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

describe('an end-of-day trim for a symbol without a bar at the close (hand-made CSV)', () => {
  it('waits for that symbol next bar and trades at its open', async () => {
    const series = await loadCsvBars({
      AAA: [...day1(() => 100.2), ...tuesday(100.2, 100.2)],
      BBB: [...day1(() => 100.2), ...tuesday(100.2, 100.2)],
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
    });
    const close = Date.parse('2024-06-03T20:00:00Z');
    const trims = out.trades.filter((t) => t.exitReason === 'deleverage');
    const ccc = trims.filter((t) => t.symbol === 'CCC');
    expect(ccc).toHaveLength(1);
    expect(ccc[0]).toMatchObject({ exitTime: Date.parse('2024-06-04T14:30:00Z'), exitPrice: 96 });
    // The others are trimmed at the close itself, where they have a bar.
    expect(trims.filter((t) => t.symbol !== 'CCC').every((t) => t.exitTime === close)).toBe(true);
    // Nothing traded CCC at the close.
    expect(out.trades.some((t) => t.symbol === 'CCC' && t.exitTime === close)).toBe(false);
  });
});
