import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { hourly, loadCsvBars } from './support/csv-bars.js';
import { honestyViolations } from './support/honesty.js';

describe('an entry reserves the most its fill can pay, whichever role charges more', () => {
  it('under an inverted schedule (makers pay 50 bps, takers nothing) a whole-budget fill still fits', async () => {
    // One crypto at 100.2; bar 2 comes down to 99.9 from an open above the limit: a maker fill at 100.
    const bars = hourly('2024-06-01T00:00:00', 40, 100.2, { 2: [100.2, 100.3, 99.9, 100] });
    for (let i = 3; i < bars.length; i++) bars[i] = [bars[i]![0], 100, 100, 100, 100];
    const series = await loadCsvBars({ BTCUSD: bars });
    const calendar = nyseCalendar();
    const { config } = resolveConfig({
      layers: [
        {
          source: 'test',
          values: {
            sim: {
              initialEquity: 10_000,
              orderFraction: 1,
              timeStopHours: 0,
              fees: { crypto: { makerBps: 50, takerBps: 0 } },
            },
          },
        },
      ],
    });
    const out = simulate({
      series,
      config,
      calendar,
      signals: [
        {
          time: Date.parse('2024-06-01T01:00:00Z'),
          symbol: 'BTCUSD',
          side: 'buy',
          entry: 100,
          takeProfit: 110,
          expectedPnl: 10,
          validUntil: Date.parse('2024-06-05T00:00:00Z'),
        },
      ],
      assertInvariants: true,
    });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]).toMatchObject({ entryPrice: 100, entryTime: Date.parse('2024-06-01T03:00:00Z') });
    // Sized so that notional plus a 50 bps fee fits the equity: 10,000 / 100.5, in steps of 1e-6. Sized at the
    // taker rate (nothing) it was 100 coins, its maker fee took cash below zero (margin 10,000 on equity
    // 9,950) and the night charged interest on a cash account.
    expect(out.trades[0]!.qty).toBe(99.502487);
    for (const row of out.equity)
      expect(row.marginUsed).toBeLessThanOrEqual(row.marginCapacity * (1 + 1e-12));
    expect(out.interestPaid).toBe(0);
    expect(honestyViolations({ series, config, calendar, out })).toEqual([]);
  });
});
