import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASSET_CLASSES, ORDER_ROLES, SIDES, orderTerms } from '../../src/core/types.js';

/**
 * orderTerms is the one copy of an order's terms into a place request, a venue's order, a stored row and an
 * open order: it must carry exactly the six terms, never another key of its source (those objects are
 * serialised, stored and compared whole).
 */
const TERMS = ['symbol', 'assetClass', 'side', 'role', 'limitPrice', 'qty'];
const RUNS = { seed: 33, numRuns: 200 } as const;

const termsArb = fc.record({
  symbol: fc.string({ minLength: 1, maxLength: 12 }),
  assetClass: fc.constantFrom(...ASSET_CLASSES),
  side: fc.constantFrom(...SIDES),
  role: fc.constantFrom(...ORDER_ROLES),
  limitPrice: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
  qty: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
});
/** What the shapes carry beside their terms (an open order's, a venue order's, a stored row's fields). */
const extrasArb = fc.record({
  id: fc.string(),
  clientOrderId: fc.string(),
  filledQty: fc.double({ noNaN: true }),
  price: fc.option(fc.double({ noNaN: true })),
  placedAt: fc.nat(),
  status: fc.string(),
});

describe('orderTerms', () => {
  it('copies the six terms of any shape, in their order, and no other key', () => {
    fc.assert(
      fc.property(termsArb, extrasArb, (terms, extras) => {
        const copy = orderTerms(Object.assign({}, extras, terms));
        expect(Object.keys(copy)).toEqual(TERMS);
        expect(copy).toStrictEqual({ ...terms });
      }),
      RUNS,
    );
  });

  it('gives a shape without a role (an entry request) the role it is told', () => {
    const request = {
      symbol: 'ETH/USD',
      assetClass: 'crypto' as const,
      side: 'buy' as const,
      limitPrice: 2,
      qty: 3,
    };
    const copy = orderTerms(
      Object.assign({ price: 2.1, forecastPnl: 1, cryptoRank: null }, request),
      'entry',
    );
    expect(copy).toStrictEqual({ ...request, role: 'entry' });
    expect(Object.keys(copy)).toEqual(TERMS);
  });
});
