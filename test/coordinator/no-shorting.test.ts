import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/policy/decide.js';
import { StealHistory } from '../../src/core/policy/steal-history.js';
import { bookArb, bookInput, harness, requestArb, SYMBOLS } from '../support/arbitraries.js';
import { config, order, request } from '../support/builders.js';

/**
 * A sell entry that would open a short the venue refuses (any crypto: cash-only, no coin lent; a stock below
 * margin.stock.marginMinEquity: no margin account) is blocked `no-shorting` by decide() itself, before any
 * victim is cancelled for it: a bot of the service or a library user may ask for one, and a steal for an
 * order the venue then rejects would lose its victims for nothing.
 */
describe('no-shorting: decide blocks a short the venue would refuse', () => {
  it('blocks exactly the crypto sells and the stock sells below marginMinEquity, and cancels nothing for them', () => {
    const cfg = config();
    let blockedCount = 0;
    fc.assert(
      fc.property(
        bookArb(),
        fc.constantFrom(500, 1_999.99, 2_000, 10_000),
        fc.integer({ min: 0, max: 1_000 }),
        (book, equity, seed) => {
          const b = { ...book, equity };
          const r = fc.sample(requestArb({ equity, symbols: SYMBOLS }), { seed, numRuns: 1 })[0]!;
          const d = decide({ ...bookInput(b), history: new StealHistory(cfg), request: r }, cfg);
          const refused = r.side === 'sell' && (r.assetClass === 'crypto' || equity < 2_000);
          expect(d.reason === 'no-shorting').toBe(refused);
          if (refused) {
            blockedCount++;
            expect(d.action).toBe('block');
            expect(d.victims).toEqual([]);
            expect(d.replaces).toBeNull();
          }
        },
      ),
      { numRuns: 300, seed: 41 },
    );
    expect(blockedCount).toBeGreaterThan(0);
  });

  it('a crypto sell in a full book steals nothing: no cancel reaches the broker', async () => {
    // Two resting stock entries fill an account of 2,000; a crypto sell near its limit would have stolen.
    const h = await harness({
      book: {
        equity: 2_000,
        patternDayTrader: false,
        sessionOpen: true,
        orders: [
          order({ id: 'aapl', symbol: 'AAPL', price: 110 }),
          order({ id: 'msft', symbol: 'MSFT', price: 105 }),
        ],
        positions: [],
      },
    });
    const out = await h.coordinator.submit(
      request({ symbol: 'ETH/USD', assetClass: 'crypto', side: 'sell', price: 99.9 }),
      h.broker,
    );
    expect([out.status, out.decision.reason]).toEqual(['blocked', 'no-shorting']);
    expect(h.broker.calls.cancel).toBe(0);
    expect(h.broker.calls.placeLimit).toBe(0);
    // The same request as a buy steals (the book was full): only the short is refused.
    const buy = await h.coordinator.submit(
      request({ symbol: 'ETH/USD', assetClass: 'crypto', side: 'buy', price: 100.1 }),
      h.broker,
    );
    expect(buy.status).toBe('stole');
  });
});
