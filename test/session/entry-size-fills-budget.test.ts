import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { blankRequest, fillEntryRequest } from '../../src/session/entry.js';
import { DEFAULT_SIZING } from '../../src/session/sizing.js';

/**
 * An entry's size (session/entry.ts): the largest quantity, in the venue's units, whose notional plus the fee
 * on it fits `orderFraction × equity`. Never over the budget, and one more unit would be (no budget left
 * unused beyond one unit). Crypto steps of a millionth of a coin make the edge fine enough to see the fee rule.
 */
const STEP = DEFAULT_SIZING.cryptoQtyStep;

describe('entry size: the most the budget buys with its fee', () => {
  it('crypto: q·L·(1 + fee) ≤ budget < (q + step)·L·(1 + fee)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1_000, max: 1e6, noNaN: true }),
        fc.constantFrom(0.05, 0.1, 0.5),
        fc.constantFrom(0, 0.0015, 0.0025),
        fc.constantFrom(2.5, 3_000, 60_000),
        (equity, fraction, fee, limit) => {
          const req = blankRequest('ETHUSD', 'crypto');
          const signal = { side: 'buy' as const, entry: limit, edge: 0.01, expectedPnl: null };
          expect(
            fillEntryRequest(
              req,
              signal,
              equity,
              DEFAULT_CONFIG.margin,
              fraction,
              limit,
              DEFAULT_SIZING,
              fee,
            ),
          ).toBe(true);
          const budget = fraction * equity;
          const cost = (q: number) => q * req.limitPrice * (1 + fee);
          expect(cost(req.qty)).toBeLessThanOrEqual(budget * (1 + 1e-12));
          expect(cost(req.qty + STEP)).toBeGreaterThan(budget * (1 - 1e-12));
        },
      ),
      { seed: 2934, numRuns: 400 },
    );
  });

  it('example: 10,000 at a 0.25% fee and a limit of 2.5 buys 3,990.024937 coins (÷ 1.0025; × 0.9975 would buy 3,990)', () => {
    const req = blankRequest('DOGEUSD', 'crypto');
    const signal = { side: 'buy' as const, entry: 2.5, edge: 0.01, expectedPnl: null };
    fillEntryRequest(req, signal, 100_000, DEFAULT_CONFIG.margin, 0.1, 2.5, DEFAULT_SIZING, 0.0025);
    expect(req.qty).toBe(3_990.024937);
  });
});
