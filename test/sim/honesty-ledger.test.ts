import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, sessionBars } from '../support/bars.js';
import { honestyViolations } from './support/honesty.js';

const sig = (symbol: string): ExternalSignal => ({
  time: Date.parse('2024-06-03T14:30:00Z'),
  symbol,
  side: 'buy',
  entry: 100,
  takeProfit: 200,
  expectedPnl: 1,
  validUntil: Date.parse('2024-06-30T00:00:00Z'),
});

describe('the ledger that decides capacity holds what the account holds', () => {
  it('after a partial end-of-day trim with slippage, the rest is marked to the last close, not the trim price', () => {
    const { config } = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            patternDayTrader: true,
            marginRatePerYear: 0,
            sim: { initialEquity: 30_000, orderFraction: 1, feesBps: 0, slippageBps: 20, timeStopHours: 0 },
          },
        },
      ],
    });
    const calendar = nyseCalendar();
    const all = ['AAA', 'BBB', 'CCC'].map((s) =>
      series(s, 'stock', sessionBars(['2024-06-03', '2024-06-04'], 100)),
    );
    const out = simulate({
      series: all,
      config,
      calendar,
      signals: ['AAA', 'BBB', 'CCC'].map(sig),
      assertInvariants: true,
    });
    expect(honestyViolations({ series: all, config, calendar, out })).toEqual([]);
    // Three fills of 300 at 100 (4x intraday); at the close 2x asks for about 300 shares out: all of one
    // position and, for the trim's own slippage, a part of another.
    const close = Date.parse('2024-06-03T20:00:00Z');
    const trims = out.trades.filter((t) => t.exitReason === 'deleverage' && t.exitTime === close);
    expect(trims.map((t) => t.qty)).toEqual([300, 2]);
    const held = 900 - 302;
    const row = out.equity.find((r) => r.time === close)!;
    // Every price is 100: the night's margin is the shares held × 100 × 50%.
    expect(row.marginUsed).toBeCloseTo(held * 100 * 0.5, 6);
    expect(row.marginUsed).toBeLessThanOrEqual(row.marginCapacity);
  });
});
