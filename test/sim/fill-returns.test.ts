import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { simFillReturns } from '../../src/sim/fill-returns.js';
import type { TradeRecord } from '../../src/sim/portfolio.js';
import { runSimulation } from '../../src/sim/run.js';
import type { DecisionRow } from '../../src/sim/sim-types.js';
import { CRYPTO_FILES, loadReal } from '../support/marketdata.js';

function placed(orderId: string, fillProbability: number | null): DecisionRow {
  return {
    time: 0,
    symbol: 'X',
    action: 'place',
    victims: [],
    reason: 'capacity-available',
    shortfall: 0,
    fight: false,
    orderId,
    limitPrice: 50,
    qty: 2,
    validUntil: 0,
    value: {
      ranking: 'expectedValue',
      request: {
        fillProbability,
        nextBarFillProbability: null,
        expectedReturn: null,
        volatility: null,
        notional: 1,
        expectedValue: null,
        validUntil: 0,
      },
      stealTest: null,
      victims: [],
    },
  };
}

function trade(entryOrderId: string, netReturn: number, qty = 2, entryPrice = 50): TradeRecord {
  return {
    symbol: 'X',
    side: 'buy',
    qty,
    entryTime: 0,
    entryPrice,
    exitTime: 1,
    exitPrice: entryPrice,
    pnl: netReturn * qty * entryPrice,
    fees: 0,
    exitReason: 'take-profit',
    entryOrderId,
    entryLimit: entryPrice,
    takeProfit: entryPrice,
    entryRole: 'maker',
    exitRole: 'maker',
  };
}

describe('return per fill by the fill chance of the entry', () => {
  it('cuts the trades whose entry was valued into equal-count bands of that chance, lowest first', () => {
    const decisions = [0.9, 0.1, 0.5, 0.3].map((p, i) => placed(`o${i}`, p));
    // o1 (0.1) and o3 (0.3) in the first band, o2 (0.5) and o0 (0.9) in the second.
    const trades = [trade('o0', 0.02), trade('o1', -0.01), trade('o2', 0.01), trade('o3', -0.03)];
    const r = simFillReturns(decisions, trades, 2);
    expect(r.trades).toBe(4);
    expect(r.bands).toHaveLength(2);
    expect(r.bands[0]).toMatchObject({ fromProbability: 0.1, toProbability: 0.3, trades: 2 });
    expect(r.bands[0]!.meanNetReturn).toBeCloseTo(-0.02, 12);
    expect(r.bands[0]!.standardError).toBeCloseTo(Math.sqrt(0.0002) / Math.sqrt(2), 12);
    expect(r.bands[1]).toMatchObject({ fromProbability: 0.5, toProbability: 0.9, trades: 2 });
    expect(r.bands[1]!.meanNetReturn).toBeCloseTo(0.015, 12);
  });

  it('leaves out a trade whose entry had no known chance, no placing decision, no notional or no PnL', () => {
    const decisions = [
      placed('known', 0.4),
      placed('unknown', null),
      { ...placed('plain', 0.5), value: undefined },
    ];
    const trades = [
      trade('known', 0.01),
      trade('unknown', 0.5),
      trade('plain', 0.5),
      trade('never-placed', 0.5),
      trade('known', 0.5, 0),
      { ...trade('known', 0.5), pnl: Number.NaN },
    ];
    const r = simFillReturns(decisions, trades);
    expect(r.trades).toBe(1);
    expect(r.bands).toEqual([
      { fromProbability: 0.4, toProbability: 0.4, trades: 1, meanNetReturn: 0.01, standardError: Number.NaN },
    ]);
    expect(simFillReturns([], trades)).toEqual({ trades: 0, bands: [] });
  });

  it('the bands partition the joined trades in order of chance, each mean within its trades (property)', () => {
    const arb = fc.array(
      fc.record({
        p: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 5 }),
        r: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fills: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 10 }), (orders, bandCount) => {
        const decisions = orders.map((o, i) => placed(`o${i}`, o.p));
        const trades = orders.flatMap((o, i) => Array.from({ length: o.fills }, () => trade(`o${i}`, o.r)));
        const joined = orders.filter((o) => o.p !== null).reduce((a, o) => a + o.fills, 0);
        const r = simFillReturns(decisions, trades, bandCount);
        expect(r.trades).toBe(joined);
        expect(r.bands).toHaveLength(Math.min(bandCount, joined));
        expect(r.bands.reduce((a, b) => a + b.trades, 0)).toBe(joined);
        const sizes = r.bands.map((b) => b.trades);
        if (sizes.length) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (let b = 0; b < r.bands.length; b++) {
          const band = r.bands[b]!;
          expect(band.fromProbability).toBeLessThanOrEqual(band.toProbability);
          if (b > 0) expect(r.bands[b - 1]!.toProbability).toBeLessThanOrEqual(band.fromProbability);
          const inBand = orders.filter(
            (o) => o.p !== null && o.p >= band.fromProbability && o.p <= band.toProbability,
          );
          const lo = Math.min(...inBand.map((o) => o.r));
          const hi = Math.max(...inBand.map((o) => o.r));
          expect(band.meanNetReturn).toBeGreaterThanOrEqual(lo - 1e-12);
          expect(band.meanNetReturn).toBeLessThanOrEqual(hi + 1e-12);
          if (band.trades > 1) expect(band.standardError).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: 23, numRuns: 200 },
    );
  });

  it('a value-ranked run on real bars reports it; a distance run does not', async () => {
    const loaded = await loadReal(CRYPTO_FILES.slice(0, 3));
    const from = Date.parse('2024-01-01T00:00:00Z');
    const run = (victimRanking: string) =>
      runSimulation({
        loaded,
        config: resolveConfig({ layers: [{ source: 'test', values: { victimRanking } }] }).config,
        calendar: nyseCalendar(),
        from,
        to: from + 90 * 86_400_000,
      }).result;
    const valued = run('auto');
    expect(valued.fillReturns!.trades).toBeGreaterThan(50);
    expect(valued.fillReturns!.bands).toHaveLength(5);
    expect(valued.fillReturns!.trades).toBeLessThanOrEqual(valued.trades.length);
    expect(run('distance').fillReturns).toBeNull();
  });
});
