import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series, session, type Bar } from '../support/bars.js';

/**
 * The money rules of README "The model: assumptions and limits" on books small enough to compute every cash,
 * margin, interest and fee number by hand (the comments), independently of the code: the 4x tier lost when
 * equity falls below 25,000, the trims at the close and one Friday-to-Monday night of interest; the
 * overnight cancels (furthest first, no more than needed); and a crypto book that never borrows.
 */

const sig = (symbol: string, at: string, entry: number, takeProfit = entry * 2): ExternalSignal => ({
  time: Date.parse(at),
  symbol,
  side: 'buy',
  entry,
  takeProfit,
  expectedPnl: 1,
  validUntil: Date.parse('2024-06-30T00:00:00Z'),
});

const config = (values: Record<string, unknown>) =>
  resolveConfig({ layers: [{ source: 'test', values }] }).config;
const iso = (t: number) => new Date(t).toISOString();
const FRIDAY_CLOSE = Date.parse('2024-06-07T20:00:00Z');

describe('money rules by hand', () => {
  it('equity below 25,000 loses 4x; the close trims to 2x at the last price; Friday to Monday is 3 nights', () => {
    const symbols = ['AAA', 'BBB', 'CCC', 'DDD'];
    // Friday 2024-06-07: 100 until the bar opening 17:30Z, then 95; Monday 2024-06-10: 95 all day.
    const bars = [...session('2024-06-07', 100, 95, 17.5), ...session('2024-06-10', 95)];
    const out = simulate({
      series: symbols.map((s) => series(s, 'stock', bars)),
      config: config({
        patternDayTrader: true,
        sim: { initialEquity: 30_000, orderFraction: 1, timeStopHours: 0 },
      }),
      calendar: nyseCalendar(),
      signals: symbols.map((s) => sig(s, '2024-06-07T14:30:00Z', 100)),
      assertInvariants: true,
    });
    // E = 30,000 ≥ 25,000 with the session open: 25%. Each entry is 30,000 / 100 = 300 shares (stocks cost
    // nothing), 7,500 of margin; all four fit exactly (30,000) and fill at 100: long 120,000, cash −90,000.
    // At 95: E = 30,000 − 1,200 × 5 = 24,000 < 25,000, so 50% (and 50% overnight): 114,000 × 0.5 = 57,000
    // against 24,000, 33,000 over. At the close (nothing rests) the equal losses (−1,500 each) trim in symbol
    // order at 95: AAA 33,000 / 47.5 = 694.7 → all 300 (frees 14,250), BBB all 300 (14,250), CCC the
    // 4,500 left / 47.5 = 94.7 → 95 whole shares. Left: 505 shares, 47,975 ≤ 2 × 24,000 = 48,000.
    const friday = out.trades.filter((t) => t.exitTime === FRIDAY_CLOSE);
    expect(friday.map((t) => [t.symbol, t.qty, t.exitPrice, t.exitReason])).toEqual([
      ['AAA', 300, 95, 'deleverage'],
      ['BBB', 300, 95, 'deleverage'],
      ['CCC', 95, 95, 'deleverage'],
    ]);
    const fridayRow = out.equity.find((r) => r.time === FRIDAY_CLOSE)!;
    expect(fridayRow.equity).toBeCloseTo(24_000, 9);
    expect(fridayRow.marginUsed).toBeCloseTo(47_975 * 0.5, 9);
    // Cash −90,000 + 695 × 95 = −23,975: the debit (long 47,975 − equity 24,000). Charged at Monday's first
    // step for Friday, Saturday and Sunday: 23,975 × 0.065 / 360 × 3 = 12.98645833…
    expect(out.interestPaid).toBeCloseTo(((23_975 * 0.065) / 360) * 3, 9);
    // Monday: equity 24,000 − 12.986 = 23,987.01; 505 × 95 = 47,975 > 2 × 23,987.01 = 47,974.03, so one more
    // share of the largest loss goes at the close (DDD and CCC lose 5 a share; DDD holds more: −1,500).
    const monday = out.trades.filter((t) => t.exitReason === 'deleverage' && t.exitTime > FRIDAY_CLOSE);
    expect(monday.map((t) => [t.symbol, t.qty, t.exitPrice])).toEqual([['DDD', 1, 95]]);
  });

  it('before the close stock entries are cancelled furthest from their limit first, only as many as needed', () => {
    const day = [...session('2024-06-07', 100), ...session('2024-06-10', 100)];
    const out = simulate({
      series: ['AAA', 'CCC', 'DDD'].map((s) => series(s, 'stock', day)),
      config: config({
        patternDayTrader: true,
        sim: { initialEquity: 30_000, orderFraction: 1, timeStopHours: 0 },
      }),
      calendar: nyseCalendar(),
      signals: [
        sig('AAA', '2024-06-07T14:30:00Z', 100),
        sig('CCC', '2024-06-07T15:30:00Z', 99.5), // 0.50% from the price 100: rests, never fills
        sig('DDD', '2024-06-07T15:30:00Z', 99.4), // 0.60%: rests, never fills
      ],
      assertInvariants: true,
    });
    // AAA: 300 at 100. CCC: floor(30,000 / 99.5) = 301 (29,949.5), DDD: floor(30,000 / 99.4) = 301
    // (29,919.4). Intraday (25%): 7,500 + 7,487.4 + 7,479.9 ≤ 30,000. At 15:45 New York (19:45Z), at 50%:
    // (30,000 + 29,949.5 + 29,919.4) / 2 = 44,934.45, 14,934.45 over; DDD, the furthest, frees 14,959.7:
    // enough. CCC stays; at the close 29,974.75 ≤ 30,000: no trim.
    const eod = out.decisions.filter((d) => d.action.startsWith('deleverage') && d.time <= FRIDAY_CLOSE);
    expect(eod.map((d) => [d.action, d.symbol, iso(d.time)])).toEqual([
      ['deleverage-cancel', 'DDD', '2024-06-07T19:45:00.000Z'],
    ]);
    const row = out.equity.find((r) => r.time === FRIDAY_CLOSE)!;
    expect(row.marginUsed).toBeCloseTo((30_000 + 29_949.5) / 2, 9);
    expect(out.trades.filter((t) => t.exitReason === 'deleverage')).toEqual([]);
  });

  it('a crypto book never borrows: no interest over a weekend, fees at the maker and taker rates', () => {
    const t0 = Date.parse('2024-06-07T12:00:00Z'); // a Friday
    const bars: Bar[] = Array.from({ length: 80 }, (_, i) => {
      const p = i < 10 ? 100 : 101;
      return { t: t0 + i * 3_600_000, o: p, h: p, l: p, c: p };
    });
    const out = simulate({
      series: [series('ETHUSD', 'crypto', bars), series('BTCUSD', 'crypto', bars)],
      config: config({ sim: { initialEquity: 10_000, orderFraction: 1, timeStopHours: 0 } }),
      calendar: nyseCalendar(),
      signals: [
        sig('ETHUSD', '2024-06-07T13:00:00Z', 100, 300),
        sig('BTCUSD', '2024-06-07T14:00:00Z', 99.5, 300),
      ],
      assertInvariants: true,
    });
    // ETH: 10,000 / (100 × 1.0025) = 99.7506234… → 99.750623 (the 1e-6 step), filled at 100 as a maker
    // (15 bps): 14.96259345. Cash 10,000 − 9,975.0623 − 14.9626 = 9.9751 ≥ 0: nothing borrowed. BTC finds
    // no margin (crypto 100%). At the end of data ETH leaves at 101 as a taker (25 bps): 25.18703.
    expect(out.trades.map((t) => [t.symbol, t.qty, t.entryPrice, t.exitPrice])).toEqual([
      ['ETHUSD', 99.750623, 100, 101],
    ]);
    expect(out.feesPaid).toBeCloseTo(9_975.0623 * 0.0015 + 10_074.812923 * 0.0025, 9);
    expect(out.decisions.filter((d) => d.symbol === 'BTCUSD').every((d) => d.action === 'block')).toBe(true);
    expect(out.interestPaid).toBe(0);
    // Equity at 101 over the weekend: 9.975062… + 99.750623 × 101 = 10,084.788…
    const saturday = out.equity.find((r) => iso(r.time).startsWith('2024-06-08'))!;
    expect(saturday.equity).toBeCloseTo(10_000 - 9_975.0623 - 14.96259345 + 10_074.812923, 6);
    expect(saturday.marginUsed).toBeLessThanOrEqual(saturday.marginCapacity);
  });
});
