import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, type Bar } from '../support/bars.js';

const H = 3_600_000;
const M = 60_000;

/**
 * Flat hourly bars at 100 from the open (UTC hour `openZ`, e.g. 14.5 for 09:30 EST) until `closeZ`, the last
 * one cut at the close by the calendar. Written with the UTC times of each day by hand (not from the calendar).
 */
function day(date: string, openZ: number, closeZ: number): Bar[] {
  const out: Bar[] = [];
  for (let h = openZ; h < closeZ; h++)
    out.push({ t: Date.parse(`${date}T00:00:00Z`) + h * H, o: 100, h: 100, l: 100, c: 100 });
  return out;
}

const signal = (symbol: string, at: number): ExternalSignal => ({
  time: at,
  symbol,
  side: 'buy',
  entry: 100,
  takeProfit: 200,
  expectedPnl: 1,
  validUntil: at + 30 * 24 * H,
});

function run(days: Bar[], at: number) {
  const { config } = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: true,
          marginRatePerYear: 0,
          sim: { initialEquity: 30_000, orderFraction: 1, feesBps: 0, slippageBps: 0, timeStopHours: 0 },
        },
      },
    ],
  });
  const names = ['AAA', 'BBB', 'CCC'];
  return simulate({
    series: names.map((s) => series(s, 'stock', days)),
    config,
    calendar: nyseCalendar(),
    signals: names.map((s) => signal(s, at)),
    assertInvariants: true,
  });
}

describe('end of day at the calendar close: early closes and the DST switch', () => {
  // 900 shares at 100 bought at 4x on 30,000; 2x overnight asks 300 out at the close.
  const cases: [string, Bar[], number, number][] = [
    // The day after Thanksgiving 2024 closes at 13:00 EST = 18:00Z; Monday is a full day (21:00Z).
    [
      'day after Thanksgiving (13:00 EST)',
      [...day('2024-11-29', 14.5, 18), ...day('2024-12-02', 14.5, 21)],
      Date.parse('2024-11-29T15:30:00Z'),
      Date.parse('2024-11-29T18:00:00Z'),
    ],
    // Christmas Eve 2024 (Tuesday) closes at 13:00 EST; Christmas is a holiday, Thursday a full day.
    [
      'Christmas Eve (13:00 EST)',
      [...day('2024-12-24', 14.5, 18), ...day('2024-12-26', 14.5, 21)],
      Date.parse('2024-12-24T15:30:00Z'),
      Date.parse('2024-12-24T18:00:00Z'),
    ],
    // 3 July 2024 (Wednesday) closes at 13:00 EDT = 17:00Z.
    [
      'before Independence Day (13:00 EDT)',
      [...day('2024-07-03', 13.5, 17), ...day('2024-07-05', 13.5, 20)],
      Date.parse('2024-07-03T14:30:00Z'),
      Date.parse('2024-07-03T17:00:00Z'),
    ],
    // The Monday after DST ends (3 Nov 2024): 16:00 EST = 21:00Z, not 20:00Z.
    [
      'the Monday after DST ends',
      [...day('2024-11-04', 14.5, 21), ...day('2024-11-05', 14.5, 21)],
      Date.parse('2024-11-04T15:30:00Z'),
      Date.parse('2024-11-04T21:00:00Z'),
    ],
    // The Monday after DST starts (10 Mar 2024): 16:00 EDT = 20:00Z.
    [
      'the Monday after DST starts',
      [...day('2024-03-11', 13.5, 20), ...day('2024-03-12', 13.5, 20)],
      Date.parse('2024-03-11T14:30:00Z'),
      Date.parse('2024-03-11T20:00:00Z'),
    ],
  ];
  for (const [name, days, at, close] of cases) {
    it(name, () => {
      const out = run(days, at);
      const trims = out.trades.filter((t) => t.exitReason === 'deleverage');
      // One trim of 300 at that day's close, at its close price, and none before.
      expect(trims.map((t) => [t.exitTime, t.qty, t.exitPrice])).toEqual([[close, 300, 100]]);
      // No stock entry is asked in the 15 minutes before the close.
      const late = out.decisions.filter(
        (d) => d.time >= close - 15 * M && d.time < close && d.action === 'place',
      );
      expect(late).toEqual([]);
      // The night's row fits at 2x.
      const row = out.equity.find((r) => r.time >= close)!;
      expect(row.marginUsed).toBeCloseTo(600 * 100 * 0.5, 6);
      expect(row.marginUsed).toBeLessThanOrEqual(row.marginCapacity + 1e-6);
    });
  }
});
