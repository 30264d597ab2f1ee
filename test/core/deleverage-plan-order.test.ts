import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/presets.js';
import { planDeleverage, type DeleveragePosition } from '../../src/core/policy/deleverage-plan.js';

/**
 * End of day (README "The model: assumptions and limits"): at the close, stock positions are trimmed largest
 * loss first until the overnight requirement fits. Equity 10,000 without orders: 50% overnight, so 20,000 of
 * stock notional fits.
 */
const table = DEFAULT_CONFIG.margin;
const SYMBOLS = ['AAPL', 'AMD', 'MSFT', 'NVDA', 'TSLA'];

describe('deleverage plan: which positions are trimmed first', () => {
  it('trims in ascending unrealised PnL (ties by symbol), the fewest needed, freeing the excess', () => {
    const positionArb = fc.record({
      qty: fc.integer({ min: 10, max: 100 }),
      price: fc.constantFrom(50, 100, 200),
      unrealizedPnl: fc.constantFrom(-500, -100, 0, 250),
    });
    fc.assert(
      fc.property(fc.array(positionArb, { minLength: 1, maxLength: SYMBOLS.length }), (rows) => {
        const positions: DeleveragePosition[] = rows.map((r, i) => ({
          symbol: SYMBOLS[i]!,
          assetClass: 'stock',
          ...r,
        }));
        const plan = planDeleverage({
          phase: 'positions',
          equity: 10_000,
          bufferPct: 0,
          table,
          orders: [],
          positions,
        });
        const order = [...positions]
          .sort((a, b) => a.unrealizedPnl - b.unrealizedPnl || (a.symbol < b.symbol ? -1 : 1))
          .map((p) => p.symbol);
        const trimmed = plan.trims.map((t) => t.symbol);
        expect(trimmed).toEqual(order.slice(0, trimmed.length));
        // Every trim but the last closes its whole position; the last one only what is still over.
        for (const t of plan.trims.slice(0, -1))
          expect(t.qty).toBe(positions.find((p) => p.symbol === t.symbol)!.qty);
        const freed = plan.trims.reduce((s, t) => s + t.qty * t.price * 0.5, 0);
        expect(freed).toBeCloseTo(plan.check.excess - plan.remainingExcess, 6);
      }),
      { seed: 2932, numRuns: 300 },
    );
  });

  it('positions that cannot trade at this close come after those that can, whatever their loss', () => {
    // 2022-04-22 20:00Z, mixed benchmark: SPY has no bar that day (its trim would wait for Monday), so MSFT,
    // the smaller loss, covers what AAPL leaves. Crypto 132,265.99 (as an entry order at 1x); equity 175,981.45.
    const crypto = {
      id: 'c',
      symbol: 'BTC/USD',
      assetClass: 'crypto' as const,
      role: 'entry',
      side: 'buy' as const,
      limitPrice: 132_265.99,
      qty: 1,
      price: 132_265.99,
      forecastPnl: 0,
      placedAt: 0,
      external: false,
    };
    // The 2022-04-22 book at the close at a given equity: SPY has no bar then.
    const planAt = (equity: number) =>
      planDeleverage({
        phase: 'positions',
        equity,
        bufferPct: 0,
        table,
        orders: [crypto],
        positions: [
          { symbol: 'AAPL', assetClass: 'stock', qty: 266, price: 161.88, unrealizedPnl: -1556.1 },
          {
            symbol: 'SPY',
            assetClass: 'stock',
            qty: 105,
            price: 438.04,
            unrealizedPnl: -353.85,
            tradable: false,
          },
          { symbol: 'MSFT', assetClass: 'stock', qty: 160, price: 274.03, unrealizedPnl: -286.4 },
        ],
      });
    const plan = planAt(175_981.45);
    expect(plan.trims.map((t) => t.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(plan.trims[1]!.qty).toBeCloseTo((plan.check.excess - 266 * 161.88 * 0.5) / (274.03 * 0.5), 9);
    // Were MSFT and AAPL not enough, SPY would take the rest (its trim waits for its next bar).
    const tight = planAt(150_000);
    expect(tight.trims.map((t) => [t.symbol, t.qty < 105 ? 'part' : 'all'])).toEqual([
      ['AAPL', 'all'],
      ['MSFT', 'all'],
      ['SPY', 'part'],
    ]);
  });

  it('example: 30,000 held on 10,000 equity, excess 5,000; the losing position is trimmed, the winner kept', () => {
    const plan = planDeleverage({
      phase: 'positions',
      equity: 10_000,
      bufferPct: 0,
      table,
      orders: [],
      positions: [
        { symbol: 'AAPL', assetClass: 'stock', qty: 150, price: 100, unrealizedPnl: 300 },
        { symbol: 'TSLA', assetClass: 'stock', qty: 150, price: 100, unrealizedPnl: -200 },
      ],
    });
    expect(plan.check.excess).toBe(5_000);
    expect(plan.trims).toEqual([{ symbol: 'TSLA', qty: 100, price: 100 }]);
    expect(plan.remainingExcess).toBe(0);
  });

  it('cancels our stock entries in the distance ranking, never an external one (its margin still counts)', () => {
    const entry = (id: string, price: number, external = false) => ({
      id,
      symbol: id.toUpperCase(),
      assetClass: 'stock' as const,
      role: 'entry',
      side: 'buy' as const,
      limitPrice: 100,
      qty: 100,
      price,
      forecastPnl: 0,
      placedAt: 0,
      external,
    });
    // 10,000 equity; four orders of 10,000 notional hold 20,000 overnight: 10,000 over.
    const plan = planDeleverage({
      phase: 'orders',
      equity: 10_000,
      bufferPct: 0,
      table,
      orders: [entry('ext', 130, true), entry('far', 120), entry('mid', 110), entry('near', 101)],
      positions: [],
    });
    expect(plan.check.excess).toBe(10_000);
    expect(plan.cancel).toEqual(['far', 'mid']);
    expect(plan.remainingExcess).toBe(0);
  });
});
