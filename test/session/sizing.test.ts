import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blankRequest, fillEntryRequest } from '../../src/session/entry.js';
import { rankRequests } from '../../src/session/ranking.js';
import { entryQty, roundLimit, DEFAULT_SIZING } from '../../src/session/sizing.js';

const SEED = { seed: 20261204, numRuns: 500 };
const price = fc.double({ min: 0.01, max: 100_000, noNaN: true });
const notional = fc.double({ min: 0, max: 1e7, noNaN: true });

describe('the one sizing rule', () => {
  it('stocks get whole shares, crypto the venue increment; never more than the notional buys', () => {
    fc.assert(
      fc.property(notional, price, fc.constantFrom('stock' as const, 'crypto' as const), (n, p, cls) => {
        const q = entryQty(cls, n, p);
        expect(q).toBeGreaterThanOrEqual(0);
        expect(q * p).toBeLessThanOrEqual(n * (1 + 1e-12));
        if (cls === 'stock') expect(Number.isInteger(q)).toBe(true);
        else expect(Math.abs(q * 1e6 - Math.round(q * 1e6))).toBeLessThan(1e-6);
      }),
      SEED,
    );
  });

  it('a configured crypto step is honoured', () => {
    expect(entryQty('crypto', 1000, 3, { cryptoQtyStep: 0.01 })).toBe(333.33);
    expect(entryQty('crypto', 1000, 3, { cryptoQtyStep: 0.5 })).toBe(333);
  });

  it('a request never asks a limit more aggressive than its signal', () => {
    fc.assert(
      fc.property(price, fc.constantFrom('buy' as const, 'sell' as const), (entry, side) => {
        const req = blankRequest('X', 'crypto');
        const signal = { side, entry, edge: 0.01, expectedPnl: null };
        if (!fillEntryRequest(req, signal, 1e6, 0.25, entry, DEFAULT_SIZING)) return;
        // Float noise of a billionth is not a tick (0.010000000000000002 is the 0.01 tick).
        if (side === 'buy') expect(req.limitPrice).toBeLessThanOrEqual(entry * (1 + 1e-9));
        else expect(req.limitPrice).toBeGreaterThanOrEqual(entry * (1 - 1e-9));
        expect(req.limitPrice).toBe(roundLimit('crypto', side, entry));
        expect(req.forecastPnl).toBeCloseTo(0.01 * req.qty * req.limitPrice, 9);
      }),
      SEED,
    );
  });

  it('a size that rounds to nothing is no request', () => {
    const req = blankRequest('AAPL', 'stock');
    expect(
      fillEntryRequest(
        req,
        { side: 'buy', entry: 500, edge: 0.01, expectedPnl: null },
        1000,
        0.25,
        500,
        DEFAULT_SIZING,
      ),
    ).toBe(false);
  });
});

describe('ranking', () => {
  it('most valuable first, ties by watcher order; crypto ranks count cryptos only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pnl: fc.integer({ min: -5, max: 5 }), crypto: fc.boolean() }), {
          maxLength: 12,
        }),
        (rows) => {
          const items = rows.map((r, index) => ({
            index,
            request: { ...blankRequest(`S${index}`, r.crypto ? 'crypto' : 'stock'), forecastPnl: r.pnl },
          }));
          const ranked = rankRequests([...items].reverse());
          const expected = [...items].sort(
            (a, b) => b.request.forecastPnl - a.request.forecastPnl || a.index - b.index,
          );
          expect(ranked.map((x) => x.index)).toEqual(expected.map((x) => x.index));
          let rank = 0;
          for (const x of ranked)
            expect(x.request.cryptoRank).toBe(x.request.assetClass === 'crypto' ? ++rank : null);
        },
      ),
      SEED,
    );
  });
});
