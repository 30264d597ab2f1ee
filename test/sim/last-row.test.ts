import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import { hourly, loadCsvBars } from './support/csv-bars.js';

describe('the last equity row (hand-made CSV)', () => {
  it('is coherent: the capacity comes from the same equity, after the end-of-data exits', async () => {
    // A buy at 100 fills in bar 2 and is still open at the end: the end-of-data exit pays its fee.
    const series = await loadCsvBars({
      BTCUSD: hourly('2024-06-01T00:00:00', 6, 100.2, { 2: [100.2, 100.3, 99.5, 100.1] }),
    });
    const { config } = resolveConfig({
      layers: [
        { source: 'test', values: { bufferPct: 0.1, sim: { initialEquity: 10_000, orderFraction: 0.5 } } },
      ],
    });
    const out = simulate({
      series,
      config,
      calendar: nyseCalendar(),
      signals: [
        {
          time: Date.parse('2024-06-01T01:00:00Z'),
          symbol: 'BTCUSD',
          side: 'buy',
          entry: 100,
          takeProfit: 110,
          expectedPnl: 10,
          validUntil: Date.parse('2024-06-02T00:00:00Z'),
        },
      ],
    });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]!.exitReason).toBe('end-of-data');
    const last = out.equity[out.equity.length - 1]!;
    expect(last.equity).toBe(out.finalEquity);
    expect(last.marginCapacity).toBeCloseTo(last.equity * 0.9, 9);
    expect(last.marginUsed).toBe(0);
  });
});
