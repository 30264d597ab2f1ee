import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitFillPrice, limitFillRole } from '../../src/sim/fill-rules.js';

/**
 * The liquidity role of a limit fill (README "Costs and fill rules"; src/sim/costs.ts): taker only when the
 * bar OPENS THROUGH the limit and the order fills at the open; a bar that opens exactly at the limit fills at
 * the limit, as the resting order it is (maker). So the role is taker exactly when the fill price differs
 * from the limit.
 */
describe('maker or taker at the limit', () => {
  it('a bar opening exactly at the limit is a maker fill, on either side', () => {
    expect(limitFillRole('buy', 100, 100)).toBe('maker');
    expect(limitFillRole('sell', 100, 100)).toBe('maker');
    expect(limitFillRole('buy', 100, 99.99)).toBe('taker');
    expect(limitFillRole('sell', 100, 100.01)).toBe('taker');
  });

  it('taker exactly when the fill is at the open, not at the limit', () => {
    const price = fc.integer({ min: 9_000, max: 11_000 }).map((c) => c / 100);
    fc.assert(
      fc.property(
        fc.constantFrom('buy' as const, 'sell' as const),
        price,
        price,
        fc.nat(300),
        fc.nat(300),
        (side, limit, open, up, down) => {
          const high = open + up / 100;
          const low = open - down / 100;
          const px = limitFillPrice(side, limit, open, high, low);
          if (Number.isNaN(px)) return;
          expect(limitFillRole(side, limit, open)).toBe(px === limit ? 'maker' : 'taker');
        },
      ),
      // Prices on a cent grid so that an open equal to the limit is drawn often.
      { seed: 3001, numRuns: 2000 },
    );
  });
});
