import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { CRYPTO_FILES, STOCK_FILES, loadReal } from '../support/marketdata.js';
import { series, sessionBars } from '../support/bars.js';

const DAYS = ['2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07', '2024-06-10'];
const sig = (symbol: string, at: string, entry = 100): ExternalSignal => ({
  time: Date.parse(at),
  symbol,
  side: 'buy',
  entry,
  takeProfit: 200,
  expectedPnl: 1,
  validUntil: Date.parse('2024-06-30T00:00:00Z'),
});

describe('margin interest', () => {
  it('charges debit × rate / 360 per calendar day, weekends included (hand-computed)', () => {
    const config = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            patternDayTrader: false,
            sim: { initialEquity: 10_000, orderFraction: 0.9, feesBps: 0, timeStopHours: 0 },
          },
        },
      ],
    }).config;
    const out = simulate({
      series: [
        series('AAA', 'stock', sessionBars(DAYS, 100)),
        series('BBB', 'stock', sessionBars(DAYS, 100)),
      ],
      config,
      calendar: nyseCalendar(),
      signals: [sig('AAA', '2024-06-03T14:30:00Z'), sig('BBB', '2024-06-03T14:30:00Z')],
    });
    // Both fill on June 3 (90 shares each at 100): long 18,000 on equity 10,000, a debit of 8,000.
    expect(out.trades.map((t) => t.qty)).toEqual([90, 90]);
    let equity = 10_000;
    let interest = 0;
    for (const days of [1, 1, 1, 1, 3]) {
      const charge = Math.max(0, 18_000 - equity) * (0.065 / 360) * days;
      interest += charge;
      equity -= charge;
    }
    expect(interest).toBeCloseTo(((8_000 * 0.065) / 360) * 7, 1); // ≈ 10.11
    expect(out.interestPaid).toBeCloseTo(interest, 9);
  });
});

describe('end-of-day deleveraging', () => {
  it('cancels stock entries before the close, then trims positions at the close until 2x fits', () => {
    const config = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            patternDayTrader: true,
            sim: { initialEquity: 30_000, orderFraction: 1, feesBps: 0, timeStopHours: 0 },
          },
        },
      ],
    }).config;
    const day = ['2024-06-03', '2024-06-04'];
    const out = simulate({
      series: ['AAA', 'BBB', 'CCC', 'DDD'].map((s) => series(s, 'stock', sessionBars(day, 100))),
      config,
      calendar: nyseCalendar(),
      signals: [
        sig('AAA', '2024-06-03T14:30:00Z'),
        sig('BBB', '2024-06-03T14:30:00Z'),
        sig('CCC', '2024-06-03T14:30:00Z'),
        sig('DDD', '2024-06-03T15:30:00Z', 99.5), // rests 0.5% below the price, never fills
      ],
      assertInvariants: true,
    });
    // Day one only: on day two the night's interest has lowered equity, so a small second trim is right.
    const eod = out.decisions.filter(
      (d) => d.action.startsWith('deleverage') && d.time <= Date.parse('2024-06-03T20:00:00Z'),
    );
    // 15:45 New York = 19:45Z: DDD's order goes first; at 20:00Z one position (AAA, 300 shares) is trimmed.
    expect(eod.map((d) => [d.action, d.symbol, new Date(d.time).toISOString()])).toEqual([
      ['deleverage-cancel', 'DDD', '2024-06-03T19:45:00.000Z'],
      ['deleverage-trim', 'AAA', '2024-06-03T20:00:00.000Z'],
    ]);
    const trim = out.trades.find(
      (t) => t.exitReason === 'deleverage' && t.exitTime <= Date.parse('2024-06-03T20:00:00Z'),
    )!;
    expect(trim).toMatchObject({ symbol: 'AAA', qty: 300 });
    const overnight = out.equity.find((r) => r.time >= Date.parse('2024-06-03T20:00:00Z'))!;
    expect(overnight.marginUsed).toBeLessThanOrEqual(overnight.marginCapacity + 1e-6);
  });
});

describe('capacity invariant on the real mixed set', () => {
  it('no placement ever leaves margin above capacity, and every close leaves stocks within 2x', async () => {
    const loaded = await loadReal([...CRYPTO_FILES, ...STOCK_FILES]);
    const config = resolveConfig({
      layers: [{ source: 'test', values: { sim: { initialEquity: 30_000, orderFraction: 0.5 } } }],
    }).config;
    // assertInvariants throws at the first violating step, naming it.
    const out = simulate({
      series: loaded.map((l) => l.series),
      config,
      calendar: nyseCalendar(),
      from: Date.parse('2022-01-01T00:00:00Z'),
      to: Date.parse('2023-01-01T00:00:00Z'),
      assertInvariants: true,
    });
    expect(out.counters.steals).toBeGreaterThan(0);
    expect(out.counters.deleverageCancels + out.counters.deleverageTrims).toBeGreaterThan(0);
    expect(out.trades.some((t) => ['AAPL', 'MSFT', 'TSLA', 'SPY'].includes(t.symbol))).toBe(true);
  });
});
