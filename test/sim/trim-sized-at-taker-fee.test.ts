import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, sessionBars } from '../support/bars.js';

const sig = (symbol: string): ExternalSignal => ({
  time: Date.parse('2024-06-03T14:30:00Z'),
  symbol,
  side: 'buy',
  entry: 10,
  takeProfit: 20,
  expectedPnl: 1,
  validUntil: Date.parse('2024-06-30T00:00:00Z'),
});

/**
 * An end-of-day trim is a market order, so it pays the TAKER fee, and it is sized for that fee
 * (src/sim/sim-eod.ts, trimSize): one trim frees enough margin, not a trim and a dust of follow-ups.
 * Stocks cost nothing by default, so the schedule here charges takers 100 bps and makers nothing.
 */
describe('the end-of-day trim is sized at the taker fee', () => {
  it('one trim at the close, of the whole position the overnight limit needs (hand-computed)', () => {
    const config = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            patternDayTrader: true,
            sim: {
              initialEquity: 30_000,
              orderFraction: 1,
              timeStopHours: 0,
              fees: { stock: { makerBps: 0, takerBps: 100 } },
            },
          },
        },
      ],
    }).config;
    const close = Date.parse('2024-06-03T20:00:00Z');
    const out = simulate({
      series: ['AAA', 'BBB', 'CCC'].map((s) =>
        series(s, 'stock', sessionBars(['2024-06-03', '2024-06-04'], 10)),
      ),
      config,
      calendar: nyseCalendar(),
      signals: [sig('AAA'), sig('BBB'), sig('CCC')],
      assertInvariants: true,
    });
    // Entries reserve the larger fee: 30,000 / (10 × 1.01) = 2970.3 → 2970 shares each, filled as makers (the
    // bars open at the limit): long 89,100 on equity 30,000. Overnight (2x) it must be at most 2 × equity.
    // Selling all 2970 of AAA at 10 pays 297: long 59,400 ≤ 2 × 29,703 = 59,406; 2969 would leave 59,410 over
    // 2 × 29,703.1 = 59,406.2. So one trim of 2970, paying 297.
    const dayOne = out.decisions.filter((d) => d.action.startsWith('deleverage') && d.time <= close);
    expect(dayOne.map((d) => [d.action, d.symbol, d.time])).toEqual([['deleverage-trim', 'AAA', close]]);
    const trim = out.trades.find((t) => t.exitReason === 'deleverage' && t.exitTime === close)!;
    expect(trim).toMatchObject({ symbol: 'AAA', qty: 2970 });
    expect(trim.fees).toBeCloseTo(297, 9);
  });
});
