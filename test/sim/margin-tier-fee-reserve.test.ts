import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, type Bar } from '../support/bars.js';

const H = 3_600_000;
const DAY = '2024-06-03';
const FIRST_CLOSE = Date.parse(`${DAY}T14:30:00Z`);

/** Regular-session hourly bars of one day (EDT: 13:30Z–20:00Z), flat at 100. */
function sessionBars(): Bar[] {
  return [13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5].map((h) => ({
    t: Date.parse(`${DAY}T00:00:00Z`) + h * H,
    o: 100,
    h: 100,
    l: 100,
    c: 100,
  }));
}

const signal = (symbol: string): ExternalSignal => ({
  time: FIRST_CLOSE,
  symbol,
  side: 'buy',
  entry: 100,
  takeProfit: 200,
  expectedPnl: 1,
  validUntil: Date.parse('2024-06-30T00:00:00Z'),
});

/**
 * The margin tier, written from the rule (README "The rules in one table"): the account's equity picks it
 * (25% intraday for a pattern-day-trader account of 25,000 or more while the session is open, else 50%, 100%
 * below 2,000).
 */
function tier(equity: number, pdt: boolean): number {
  if (equity < 2_000) return 1;
  return pdt && equity >= 25_000 ? 0.25 : 0.5;
}

function run(equity: number, pdt: boolean, feesBps: number, orderFraction: number, symbols: number) {
  const names = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'].slice(0, symbols);
  const { config } = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: pdt,
          marginRatePerYear: 0,
          sim: { initialEquity: equity, orderFraction, feesBps, slippageBps: 0, timeStopHours: 0 },
        },
      },
    ],
  });
  return simulate({
    series: names.map((s) => series(s, 'stock', sessionBars())),
    config,
    calendar: nyseCalendar(),
    signals: names.map(signal),
    assertInvariants: true,
  });
}

describe('the fees an entry holds back lower capacity, never the margin tier', () => {
  it('a 25,000 pattern-day-trader account with fees still borrows 4x intraday', () => {
    // Three orders of 249 shares at 100: at 25% they hold 18,675 of margin and 74.70 of fees, under 25,000.
    // Fees held back from equity (25,000 − 49.80 for the second order) put the account under 25,000 and at
    // 50%: the second order then asked for 24,900 of margin and was blocked.
    const out = run(25_000, true, 10, 1, 3);
    const first = out.decisions.filter((d) => d.time === FIRST_CLOSE);
    expect(first.map((d) => d.action)).toEqual(['place', 'place', 'place']);
    expect(out.trades.map((t) => t.qty)).toEqual([249, 249, 249]);
  });

  it('places exactly the orders the tier of the true equity lets fit (model over equity, fees, sizes)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 24_900, max: 25_600 }), fc.integer({ min: 1_950, max: 2_100 })),
        fc.boolean(),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 20, max: 100 }),
        fc.integer({ min: 1, max: 5 }),
        (equity, pdt, feesBps, fractionPct, symbols) => {
          const fraction = fractionPct / 100;
          const fee = feesBps / 10_000;
          const req = tier(equity, pdt);
          // Each order: the whole shares whose notional plus fee fit the fraction of equity, at the limit 100.
          const qty = Math.floor((fraction * equity) / (1 + fee) / 100);
          // The k-th order fits when k orders' margin plus the fees they hold back fit under equity.
          let expected = 0;
          for (let k = 1; k <= symbols; k++) {
            const need = k * qty * 100 * req + k * qty * 100 * fee;
            if (Math.abs(need - equity) < 1e-6) return; // a tie: rounding may go either way
            if (need <= equity) expected = k;
            else break;
          }
          const out = run(equity, pdt, feesBps, fraction, symbols);
          const placed = out.decisions.filter((d) => d.time === FIRST_CLOSE && d.action === 'place');
          expect(placed.length).toBe(qty > 0 ? expected : 0);
        },
      ),
      { seed: 4242, numRuns: 200 },
    );
  });
});
