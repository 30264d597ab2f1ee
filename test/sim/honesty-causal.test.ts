import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { simulate, type SimOutput } from '../../src/sim/engine.js';
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

// A TSLA-like half-hour first bar is known to close when the next bar opens: a file cut between the two
// says less than the bars did at the time, so the cut would differ without any look-ahead.
const specArb = marketSpecArb.map((spec) => ({
  ...spec,
  symbols: spec.symbols.map((s) => ({
    ...s,
    layout: s.layout === 'half-hour-first' ? ('regular' as const) : s.layout,
  })),
}));

describe('deterministic and causal on generated markets', () => {
  it('the same input twice gives the same decisions, trades, equity and steals', () => {
    fc.assert(
      fc.property(specArb, honestyConfigArb, (spec, values) => {
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
        specArb,
        honestyConfigArb,
        fc.double({ min: 0.2, max: 0.9, noNaN: true }),
        (spec, values, at) => {
          const { series, signals } = generateMarket(spec);
          const first = Math.min(...series.map((s) => s.time[0] ?? Infinity));
          const last = Math.max(...series.map((s) => s.time[s.time.length - 1] ?? -Infinity));
          if (!(last > first)) return;
          const T = Math.floor((first + at * (last - first)) / 3_600_000) * 3_600_000;
          const config = resolveConfig({ layers: [{ source: 'test', values }] }).config;
          const full = simulate({ series, config, calendar, signals });
          const cut = simulate({ series: series.map((s) => truncate(s, T)), config, calendar, signals });
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
