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

describe('the end-of-day plan holds the resting entries’ fees back too', () => {
  it('a crypto entry that fills after the close leaves margin within capacity (flat prices, hand-made)', () => {
    // Three stocks bought intraday at 4x (50,000 each) and a crypto entry of 50,000 resting at 99 below a
    // price of 100. At the close the stocks are trimmed to the overnight 2x; the crypto entry fills at 21:00Z
    // (16:00 New York) and pays its 15 bps. Prices never move: only that fee can push margin over capacity,
    // and it may not (the plan held it back, as every entry decision does).
    const day = Date.parse('2024-03-05T00:00:00Z');
    const H = 3_600_000;
    const flat = (t: number, p: number) => ({ t, o: p, h: p, l: p, c: p });
    const stockBars = [0, 24].flatMap((d) =>
      Array.from({ length: 7 }, (_, h) => flat(day + (d + 14.5 + h) * H, 100)),
    );
    const cryptoBars = Array.from({ length: 48 }, (_, h) =>
      h < 21 ? flat(day + h * H, 100) : { t: day + h * H, o: 99.5, h: 99.5, l: 99, c: 99 },
    );
    const stocks = ['S1', 'S2', 'S3'];
    const all = [series('CCCUSD', 'crypto', cryptoBars), ...stocks.map((s) => series(s, 'stock', stockBars))];
    const signals: ExternalSignal[] = [
      {
        time: day + 15 * H,
        symbol: 'CCCUSD',
        side: 'buy',
        entry: 99,
        takeProfit: 200,
        expectedPnl: 5,
        validUntil: day + 40 * H,
      },
      ...stocks.map((symbol) => ({
        time: day + 14.5 * H,
        symbol,
        side: 'buy' as const,
        entry: 100,
        takeProfit: 200,
        expectedPnl: 10,
        validUntil: day + 20 * H,
      })),
    ];
    signals.sort((a, b) => a.time - b.time);
    const out = simulate({
      series: all,
      config: resolveConfig({
        layers: [{ source: 'test', values: { bufferPct: 0, sim: { orderFraction: 0.5, timeStopHours: 0 } } }],
      }).config,
      calendar: nyseCalendar(),
      signals,
      assertInvariants: true,
    });
    const crypto = out.trades.find((t) => t.symbol === 'CCCUSD');
    expect(crypto?.entryTime).toBe(day + 22 * H);
    expect(out.counters.deleverageTrims).toBeGreaterThan(0);
    expect(out.counters.maxUtilization).toBeLessThanOrEqual(1 + 1e-12);
    expectWithinCapacity(out.equity);
  });
});
