import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import type { AssetClass, Side } from '../../src/core/types.js';
import { entryLimit } from '../../src/session/entry.js';
import { feeRates, slippageRate } from '../../src/sim/costs.js';
import { counterfactualTrade } from '../../src/sim/counterfactual.js';
import { simulate } from '../../src/sim/engine.js';
import { fillThrough } from '../../src/sim/fill-rules.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { randomPath } from './support/random-path.js';

/**
 * The strongest check of steal regret's counterfactual: an order the simulator places and leaves alone (one
 * symbol, one signal, nothing to steal from it) makes a trade; the counterfactual of that same order from the
 * time it was placed must be that trade: entry and exit, their times and prices, the exit's kind, fees and
 * PnL. On random paths with a stop, a time stop, maker and taker fees, slippage and either fill rule.
 */

const H = 3_600_000;
const calendar = nyseCalendar();

const caseArb = (assetClass: AssetClass, start: number, bars: number) =>
  fc.record({
    path: randomPath(assetClass === 'crypto' ? 'AAAUSD' : 'AAA', assetClass, start, {
      minLength: bars,
      maxLength: bars,
    }),
    side: fc.constantFrom<Side>('buy', 'sell'),
    signalBar: fc.integer({ min: 1, max: 12 }),
    /** The limit's distance from 100 in tenths of a percent, toward the side's better price. */
    limitOffset: fc.integer({ min: -5, max: 25 }),
    tpOffset: fc.integer({ min: 2, max: 40 }),
    /** Validity in half hours, so that it often ends inside a bar. */
    validHalfHours: fc.integer({ min: 1, max: 80 }),
    stopLossPct: fc.constantFrom(0, 0.005, 0.01, 0.02),
    timeStopHours: fc.constantFrom(0, 2, 7, 30),
    fillRule: fc.constantFrom<'touch' | 'through'>('touch', 'through'),
  });

type Case = typeof caseArb extends (...a: never[]) => fc.Arbitrary<infer T> ? T : never;

function check(c: Case, assetClass: AssetClass, start: number): string {
  const s = c.path.s;
  const sign = c.side === 'buy' ? 1 : -1;
  const entry = 100 * (1 - (sign * c.limitOffset) / 1000);
  const signal: ExternalSignal = {
    time: start + c.signalBar * H,
    symbol: s.symbol,
    side: c.side,
    entry,
    takeProfit: entry * (1 + (sign * c.tpOffset) / 1000),
    expectedPnl: 1,
    validUntil: start + c.signalBar * H + c.validHalfHours * (H / 2),
  };
  const { config } = resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          victimRanking: 'distance',
          sim: {
            initialEquity: 100_000,
            orderFraction: 0.25,
            fees: { crypto: { makerBps: 15, takerBps: 25 }, stock: { makerBps: 2, takerBps: 6 } },
            slippageBps: 5,
            stopLossPct: c.stopLossPct,
            timeStopHours: c.timeStopHours,
            fillRule: c.fillRule,
            fillThroughBps: 10,
          },
        },
      },
    ],
  });
  const out = simulate({ series: [s], config, calendar, signals: [signal] });
  const placed = out.decisions.find((d) => d.action === 'place');
  // The coordinator places an entry only once the price comes near its limit.
  if (!placed) return 'never near its limit';
  const trade = out.trades.find((t) => t.entryOrderId === placed.orderId) ?? null;
  const counterfactual = counterfactualTrade(
    s,
    out.closeTimes[0]!,
    placed.time,
    {
      orderId: placed.orderId!,
      symbol: s.symbol,
      side: c.side,
      limitPrice: entryLimit(assetClass, signal),
      // The order's size: its trade's (it fills whole); any size when it never filled.
      qty: trade?.qty ?? 1,
      takeProfit: signal.takeProfit,
      validUntil: signal.validUntil,
      placedAt: placed.time,
    },
    {
      fees: feeRates(config.sim)[assetClass],
      exits: config.sim,
      slippage: slippageRate(config.sim),
      tradable: (i) => out.tradesInBar(0, i),
      through: fillThrough(config.sim),
      end: out.last!,
    },
  );
  expect(out.trades.length).toBeLessThanOrEqual(1);
  expect(counterfactual).toEqual(trade);
  return trade?.exitReason ?? 'no fill';
}

describe('the counterfactual of an order left alone is the trade the simulator made of it', () => {
  it.each([
    ['crypto', Date.parse('2024-06-01T00:00:00Z'), 60, 2611, ['no fill', 'take-profit', 'stop', 'time-stop']],
    // Hourly bars round the clock from 08:00Z: pre- and after-market bars mark but cannot trade. A stock entry
    // is placed only near its limit, in the session, so nearly every one that is placed fills.
    ['stock', Date.parse('2024-06-03T08:00:00Z'), 110, 2612, ['take-profit', 'stop', 'time-stop']],
  ] as const)('%s', (assetClass, start, bars, seed, drawn) => {
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(caseArb(assetClass, start, bars), (c) => {
        const kind = check(c, assetClass, start);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }),
      { seed, numRuns: 300 },
    );
    // Each way out was drawn often enough to count.
    for (const kind of drawn) expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(10);
  });
});
