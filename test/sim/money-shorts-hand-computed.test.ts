import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, session } from '../support/bars.js';

/**
 * Money of a stock short and of a position opened and trimmed at one close, on books small enough to compute
 * every number by hand (the comments), with fees by role (stocks: maker 5 bps, taker 10 bps) and 10 bps of
 * slippage: the short's loss when the price rises, its trim at the close bought back above the close, no
 * interest on a book without a debit, and the rows of one entry adding up to its fill.
 */

const sig = (
  symbol: string,
  at: string,
  side: 'buy' | 'sell',
  entry: number,
  takeProfit: number,
): ExternalSignal => ({
  time: Date.parse(at),
  symbol,
  side,
  entry,
  takeProfit,
  expectedPnl: 1,
  validUntil: Date.parse('2024-06-30T00:00:00Z'),
});

const config = (deleverageLeadMinutes = 15) =>
  resolveConfig({
    layers: [
      {
        source: 'test',
        values: {
          patternDayTrader: true,
          marginRatePerYear: 0.5,
          deleverageLeadMinutes,
          sim: {
            initialEquity: 30_000,
            orderFraction: 1,
            timeStopHours: 0,
            slippageBps: 10,
            fees: { crypto: { makerBps: 15, takerBps: 25 }, stock: { makerBps: 5, takerBps: 10 } },
          },
        },
      },
    ],
  }).config;
const FRIDAY_CLOSE = Date.parse('2024-06-07T20:00:00Z');
const MONDAY_CLOSE = Date.parse('2024-06-10T20:00:00Z');

describe('shorts and same-bar trims by hand', () => {
  it('two shorts lose as the price rises, one is trimmed at the close above it, and no interest is due', () => {
    // Friday 2024-06-07: 100 until the bar opening 17:30Z, then 104; Monday 2024-06-10: 104 all day.
    const bars = [...session('2024-06-07', 100, 104, 17.5), ...session('2024-06-10', 104)];
    const out = simulate({
      series: ['AAA', 'BBB'].map((s) => series(s, 'stock', bars)),
      config: config(),
      calendar: nyseCalendar(),
      signals: ['AAA', 'BBB'].map((s) => sig(s, '2024-06-07T14:30:00Z', 'sell', 100, 50)),
      assertInvariants: true,
    });
    // Each entry: 30,000 / (100 × 1.001) = 299.7 → 299 shares (7,475 of margin at 25%), sold at 100 as a
    // maker (the bar opens at the limit): fee 14.95 each. Cash 30,000 + 59,800 − 29.90 = 89,770.10.
    // At 104: equity 89,770.10 − 598 × 104 = 27,578.10; overnight 62,192 × 50% = 31,096, 3,517.90 over.
    // AAA first (equal losses, symbol order): 3,517.90 / (104 × (0.5 − 0.002)) = 67.92 → 68 shares bought
    // back at 104 × 1.001 = 104.104, taker fee 7.079072. Its row: −68 × 4.104 − 7.079072 − 14.95 × 68 / 299.
    const trims = out.trades.filter((t) => t.exitReason === 'deleverage');
    expect(trims.map((t) => [t.symbol, t.side, t.qty, t.exitTime, t.exitRole])).toEqual([
      ['AAA', 'sell', 68, FRIDAY_CLOSE, 'taker'],
    ]);
    expect(trims[0]!.exitPrice).toBeCloseTo(104.104, 9);
    expect(trims[0]!.pnl).toBeCloseTo(-68 * 4.104 - 7.079072 - 3.4, 9);
    expect(trims[0]!.pnl).toBeLessThan(0);
    // Cash 89,770.10 − 7,079.072 − 7.079072 = 82,683.948928; 530 short at 104: equity 27,563.948928, and
    // 27,560 of overnight margin fits. A short book borrows no cash: no interest over the weekend.
    const friday = out.equity.find((r) => r.time === FRIDAY_CLOSE)!;
    expect(friday.equity).toBeCloseTo(27_563.948928, 6);
    expect(friday.marginUsed).toBeCloseTo(27_560, 6);
    expect(out.interestPaid).toBe(0);
    // The end of data buys 530 back at 104.104 (taker): 27,563.948928 − 530 × 0.104 − 55.17512.
    expect(out.finalEquity).toBeCloseTo(27_453.653808, 6);
    expect(out.finalEquity).toBeCloseTo(30_000 - 598 * 4.104 - 29.9 - 598 * 104.104 * 0.001, 6);
    // AAA's entry is two rows (the trim, the end of data) adding up to its 299; every row of a short that
    // rose lost money.
    const aaa = out.trades.filter((t) => t.symbol === 'AAA');
    expect(aaa.map((t) => [t.qty, t.exitReason])).toEqual([
      [68, 'deleverage'],
      [231, 'end-of-data'],
    ]);
    expect(new Set(aaa.map((t) => t.entryOrderId)).size).toBe(1);
    expect(out.trades.every((t) => t.pnl < 0 && t.entryRole === 'maker')).toBe(true);
    expect(out.trades.filter((t) => t.exitTime === MONDAY_CLOSE).map((t) => t.exitReason)).toEqual([
      'end-of-data',
      'end-of-data',
    ]);
  });

  it('an entry that fills in the last bar is trimmed at that close, and its debit pays three nights', () => {
    const bars = [...session('2024-06-07', 100), ...session('2024-06-10', 100)];
    const out = simulate({
      series: ['AAA', 'BBB', 'CCC'].map((s) => series(s, 'stock', bars)),
      // The end-of-day plan at the close itself: nothing cancels the entries resting in the last bar first.
      config: config(0),
      calendar: nyseCalendar(),
      signals: ['AAA', 'BBB', 'CCC'].map((s) => sig(s, '2024-06-07T19:30:00Z', 'buy', 100, 200)),
      assertInvariants: true,
    });
    // Placed at 19:30Z (before the 19:45Z end-of-day window), each 299 shares, filled in the bar 19:30–20:00
    // at 100 as makers (fee 14.95 each): cash 30,000 − 89,700 − 44.85 = −59,744.85, equity 29,955.15.
    // Overnight 89,700 × 50% = 44,850, 14,894.85 over: AAA's 299 go (14,894.85 / 49.8 > 299) at 99.9, fee
    // 29.8701: cash −29,904.6201, equity 29,895.3799 against 29,900 of margin, 4.6201 over: one BBB at 99.9
    // (fee 0.0999). Cash −29,804.82, equity 29,895.18, margin 29,850.
    const friday = out.trades.filter((t) => t.exitTime === FRIDAY_CLOSE);
    expect(friday.map((t) => [t.symbol, t.qty, t.entryTime, t.exitReason])).toEqual([
      ['AAA', 299, FRIDAY_CLOSE, 'deleverage'],
      ['BBB', 1, FRIDAY_CLOSE, 'deleverage'],
    ]);
    expect(friday[0]!.exitPrice).toBeCloseTo(99.9, 9);
    expect(friday[0]!.pnl).toBeCloseTo(-299 * 0.1 - 29.8701 - 14.95, 9);
    const row = out.equity.find((r) => r.time === FRIDAY_CLOSE)!;
    expect(row.equity).toBeCloseTo(29_895.18, 6);
    expect(row.marginUsed).toBeCloseTo(29_850, 6);
    // The debit is the negative cash, 29,804.82 (long 59,700 − equity 29,895.18): charged at Monday's first
    // step for Friday, Saturday and Sunday at 50% a year.
    const interest = ((29_804.82 * 0.5) / 360) * 3;
    expect(out.interestPaid).toBeCloseTo(interest, 6);
    // Monday: equity 29,895.18 − 124.186750 = 29,770.99 ≥ 25,000; at the close 29,850 of margin is over that by
    // 79.01: two more BBB (79.01 / 49.8 = 1.59 → 2). The end of data sells the rest at 99.9: all 897 shares
    // went at 99.9 less the 0.1% taker fee.
    const monday = out.trades.filter((t) => t.exitReason === 'deleverage' && t.exitTime === MONDAY_CLOSE);
    expect(monday.map((t) => [t.symbol, t.qty])).toEqual([['BBB', 2]]);
    const sold = 897 * 99.9;
    expect(out.finalEquity).toBeCloseTo(30_000 - 89_700 - 44.85 + sold - sold * 0.001 - interest, 6);
    expect(out.finalEquity).toBeCloseTo(29_651.65295, 6);
  });
});
