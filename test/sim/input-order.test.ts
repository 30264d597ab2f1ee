import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate, type SimOutput } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { shuffle } from '../support/arbitraries.js';
import { flat, series } from '../support/bars.js';
import { generateMarket, honestyConfigArb, marketSpecArb } from './support/generated-market.js';

/**
 * The order the series are given in is no input of the model: the same bars and signals in any order make
 * the same decisions, fills and equity. Requests of one step rank by forecast PnL; an equal PnL (a signals
 * file that gives every symbol the same expected_pnl) is decided by symbol, never by the position in the list.
 */
const calendar = nyseCalendar();

/** What a run did, in an order of its own (the rows of one step come in series order). */
function outcome(out: SimOutput) {
  const sorted = (rows: string[]) => rows.sort();
  return {
    trades: sorted(
      out.trades.map(
        (t) =>
          `${t.symbol} ${t.side} ${t.qty.toFixed(6)} ${t.entryTime} ${t.entryPrice.toPrecision(10)} ${t.exitTime} ${t.exitReason}`,
      ),
    ),
    decisions: sorted(out.decisions.map((d) => `${d.time} ${d.symbol} ${d.action} ${d.reason}`)),
    equity: out.equity.map((r) => `${r.time} ${r.equity.toPrecision(9)}`),
  };
}

describe('the order of the series does not change a simulation', () => {
  it('two symbols asking for the same PnL at one step, one capacity: the first by symbol gets it, either way', () => {
    const bars = flat('2024-03-04T00:00:00Z', 10, 100);
    bars[5] = { ...bars[5]!, l: 98 };
    const all = ['AAAUSD', 'BBBUSD'].map((s) => series(s, 'crypto', bars));
    const signals: ExternalSignal[] = all.map((s) => ({
      time: Date.parse('2024-03-04T01:00:00Z'),
      symbol: s.symbol,
      side: 'buy',
      entry: 99.5,
      takeProfit: 110,
      expectedPnl: 10,
      validUntil: Date.parse('2024-03-05T00:00:00Z'),
    }));
    const config = resolveConfig({
      layers: [{ source: 'test', values: { cryptoNormalTolerance: 0.05, sim: { orderFraction: 1 } } }],
    }).config;
    for (const order of [all, [...all].reverse()]) {
      const out = simulate({ series: order, config, calendar, signals });
      expect(out.trades.map((t) => t.symbol)).toEqual(['AAAUSD']);
    }
  });

  it('property: generated markets, every signal of a step at one expected PnL, series shuffled', () => {
    let compared = 0;
    fc.assert(
      fc.property(marketSpecArb, honestyConfigArb, fc.integer(), (spec, values, seed) => {
        const { series: all, signals } = generateMarket(spec);
        if (all.length < 2) return;
        // Ties: every signal at one expected PnL, and each copied to every other symbol at that time.
        const tied: ExternalSignal[] = [];
        for (const x of signals)
          for (const s of all) {
            const i = s.time.indexOf(x.time);
            if (i < 0) continue;
            const ref = all.find((y) => y.symbol === x.symbol)!;
            const scale = s.close[i]! / ref.close[ref.time.indexOf(x.time)]!;
            tied.push({
              ...x,
              symbol: s.symbol,
              entry: x.entry * scale,
              takeProfit: x.takeProfit * scale,
              expectedPnl: 10,
            });
          }
        const config = resolveConfig({ layers: [{ source: 'test', values }] }).config;
        const a = simulate({ series: all, config, calendar, signals: tied });
        const b = simulate({ series: shuffle(all, seed), config, calendar, signals: tied });
        expect(outcome(b)).toEqual(outcome(a));
        compared += a.trades.length;
      }),
      { seed: 20261207, numRuns: 200 },
    );
    expect(compared).toBeGreaterThan(100);
  });
});

describe('the order the signals are given in does not change a simulation', () => {
  it('a signal list newest first trades as the same list oldest first', () => {
    const bars = flat('2024-03-04T00:00:00Z', 12, 100);
    bars[3] = { ...bars[3]!, l: 99 };
    bars[8] = { ...bars[8]!, l: 97 };
    const s = series('AAAUSD', 'crypto', bars);
    const at = (h: number) => Date.parse('2024-03-04T00:00:00Z') + h * 3_600_000;
    // The first signal (an hour in, valid two hours) rests at 99 and fills in bar 3; the second, at 97,
    // arrives later and fills in bar 8.
    const signals: ExternalSignal[] = [
      {
        time: at(1),
        symbol: 'AAAUSD',
        side: 'buy',
        entry: 99,
        takeProfit: 99.5,
        expectedPnl: 1,
        validUntil: at(4),
      },
      {
        time: at(6),
        symbol: 'AAAUSD',
        side: 'buy',
        entry: 97,
        takeProfit: 120,
        expectedPnl: 1,
        validUntil: at(11),
      },
    ];
    const config = resolveConfig({
      layers: [{ source: 'test', values: { cryptoNormalTolerance: 0.05, sim: { orderFraction: 0.5 } } }],
    }).config;
    const sorted = simulate({ series: [s], config, calendar, signals });
    const reversed = simulate({ series: [s], config, calendar, signals: [...signals].reverse() });
    expect(sorted.trades.map((t) => t.entryPrice)).toEqual([99, 97]);
    expect(outcome(reversed)).toEqual(outcome(sorted));
  });
});
