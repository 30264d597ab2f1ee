import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { simulate, type SimOutput } from '../../src/sim/engine.js';
import { buildTimeline } from '../../src/sim/timeline.js';
import { generateMarket, honestyConfigArb, marketSpecArb } from './support/generated-market.js';

/**
 * Deterministic and causal (README "The model: assumptions and limits") on generated markets under random
 * configurations: the same input gives the same output, and everything before a time T is the same whether or
 * not the bars after T exist.
 */
const calendar = nyseCalendar();

/** The series as a file written at T would hold it: only bars that closed by T. */
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

/**
 * The earliest close of a bar the cut keeps but closes at another time: the cut says less than the bars did
 * then. A bar's close is its open plus the bar length known so far, cut short by the next bar's open; a bar
 * whose next one opened before T but had not closed by then loses that (a half-hour first bar, or a bar after
 * a gap in a series too young to know its bar length: its spacing so far is the gap's). From that close on
 * the runs may differ without any look-ahead. Infinity when every kept bar closes as it did.
 */
function firstMovedClose(full: readonly BarSeries[], cut: readonly BarSeries[]): number {
  const a = buildTimeline(full, calendar, { deleverageLeadMinutes: 0 }).closeTimes;
  const b = buildTimeline(cut, calendar, { deleverageLeadMinutes: 0 }).closeTimes;
  let moved = Number.POSITIVE_INFINITY;
  b.forEach((closes, k) => {
    const i = closes.findIndex((t, j) => t !== a[k]![j]);
    if (i >= 0) moved = Math.min(moved, closes[i]!, a[k]![i]!);
  });
  return moved;
}

/**
 * What happened before T. Equity rows: whole days before T's, and before the day of `end` (the last step of
 * the cut run, whose row is made after its end-of-data exits and cancels).
 */
function before(out: SimOutput, T: number, end: number | null) {
  const dayT = Math.floor(Math.min(T, end ?? T) / 86_400_000) * 86_400_000;
  return {
    decisions: out.decisions.filter((d) => d.time < T),
    // A position entered before T may be split by a trim after T: compare each entry once.
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

describe('deterministic and causal on generated markets', () => {
  it('the same input twice gives the same decisions, trades, equity and steals', () => {
    fc.assert(
      fc.property(marketSpecArb, honestyConfigArb, (spec, values) => {
        const { series, signals } = generateMarket(spec);
        const config = resolveConfig({ layers: [{ source: 'test', values }] }).config;
        const run = () => simulate({ series, config, calendar, signals });
        const a = run();
        const b = run();
        expect(b.decisions).toEqual(a.decisions);
        expect(b.trades).toEqual(a.trades);
        expect(b.equity).toEqual(a.equity);
        expect(b.steals).toEqual(a.steals);
        expect(b.interestPaid).toBe(a.interestPaid);
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('everything before T is identical with and without the bars after T', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        marketSpecArb,
        honestyConfigArb,
        fc.double({ min: 0.2, max: 0.9, noNaN: true }),
        (spec, values, at) => {
          const { series, signals } = generateMarket(spec);
          const first = Math.min(...series.map((s) => s.time[0] ?? Infinity));
          const last = Math.max(...series.map((s) => s.time[s.time.length - 1] ?? -Infinity));
          if (!(last > first)) return;
          const cutAt = Math.floor((first + at * (last - first)) / 3_600_000) * 3_600_000;
          const cutSeries = series.map((s) => truncate(s, cutAt));
          const T = Math.min(cutAt, firstMovedClose(series, cutSeries));
          const config = resolveConfig({ layers: [{ source: 'test', values }] }).config;
          const full = simulate({ series, config, calendar, signals });
          const cut = simulate({ series: cutSeries, config, calendar, signals });
          const a = before(full, T, cut.last);
          expect(before(cut, T, cut.last)).toEqual(a);
          compared += a.decisions.length;
        },
      ),
      { seed: 11, numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(500);
  });
});
