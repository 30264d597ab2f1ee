import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simulate } from '../../src/sim/engine.js';
import type { ExternalSignal } from '../../src/sim/signals/csv-signals.js';
import { series } from '../support/bars.js';
import { hourly, loadCsvBars } from './support/csv-bars.js';

const config = (sim: Record<string, unknown>) =>
  resolveConfig({ layers: [{ source: 'test', values: { sim: { timeStopHours: 0, ...sim } } }] }).config;

/** Margin used never exceeds capacity in any equity row (one per day, the state at the day's last step). */
function expectWithinCapacity(rows: readonly { marginUsed: number; marginCapacity: number }[]): void {
  for (const r of rows) expect(r.marginUsed).toBeLessThanOrEqual(r.marginCapacity * (1 + 1e-12));
}

describe('entry orders reserve their fee (margin never exceeds capacity, fees included)', () => {
  it('an order sized to the whole capacity still fits after its fill pays the fee (hand-made CSV)', async () => {
    // Two days of one crypto: the buy at 100 fills at the limit in bar 2, and the price stays at 100.
    const bars = hourly('2024-06-01T00:00:00', 40, 100.2, { 2: [100.2, 100.3, 99.9, 100] });
    for (let i = 3; i < bars.length; i++) bars[i] = [bars[i]![0], 100, 100, 100, 100];
    const [s] = await loadCsvBars({ BTCUSD: bars });
    const signal: ExternalSignal = {
      time: Date.parse('2024-06-01T01:00:00Z'),
      symbol: 'BTCUSD',
      side: 'buy',
      entry: 100,
      takeProfit: 110,
      expectedPnl: 10,
      validUntil: Date.parse('2024-06-05T00:00:00Z'),
    };
    const out = simulate({
      series: [s!],
      config: config({ initialEquity: 10_000, orderFraction: 1 }),
      calendar: nyseCalendar(),
      signals: [signal],
      assertInvariants: true,
    });
    expect(out.trades).toHaveLength(1);
    expect(out.trades[0]!.entryTime).toBe(Date.parse('2024-06-01T03:00:00Z'));
    expect(out.equity.length).toBeGreaterThan(1);
    expectWithinCapacity(out.equity);
  });

  it('property: with random crypto bars, signals and order sizes, margin never exceeds capacity', () => {
    const H = 3_600_000;
    const T0 = Date.parse('2024-06-01T00:00:00Z');
    const walk = fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), {
      minLength: 60,
      maxLength: 60,
    });
    fc.assert(
      fc.property(
        fc.array(walk, { minLength: 2, maxLength: 3 }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.constantFrom(0, 10, 25),
        (walks, orderFraction, takerBps) => {
          const all = walks.map((steps, k) => {
            let p = 100;
            const bars = steps.map((r, i) => {
              const o = p;
              p = p * (1 + r);
              return { t: T0 + i * H, o, h: Math.max(o, p) * 1.003, l: Math.min(o, p) * 0.997, c: p };
            });
            return series(['BTCUSD', 'ETHUSD', 'SOLUSD'][k]!, 'crypto', bars);
          });
          const signals: ExternalSignal[] = all.flatMap((s) =>
            Array.from({ length: 12 }, (_, j) => {
              const i = 4 * j + 1;
              const c = s.close[i]!;
              return {
                time: T0 + (i + 1) * H,
                symbol: s.symbol,
                side: 'buy' as const,
                entry: c * 0.998,
                takeProfit: c * 1.01,
                expectedPnl: 1 + j,
                validUntil: T0 + (i + 4) * H,
              };
            }),
          );
          const out = simulate({
            series: all,
            config: config({
              initialEquity: 10_000,
              orderFraction,
              fees: { crypto: { makerBps: takerBps / 2, takerBps } },
            }),
            calendar: nyseCalendar(),
            signals,
            assertInvariants: true,
          });
          expectWithinCapacity(out.equity);
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});
