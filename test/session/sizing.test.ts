import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { blankRequest, entryLimit, fillEntryRequest } from '../../src/session/entry.js';
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
        // A whole number of steps, to the double's precision: at 1.7e10 steps one ulp is 3.8e-6 (found with
        // another seed: 16,665.452193 is the double nearest its multiple of 1e-6).
        else
          expect(Math.abs(q * 1e6 - Math.round(q * 1e6))).toBeLessThanOrEqual(
            Math.max(1e-6, 2 * Number.EPSILON * q * 1e6),
          );
      }),
      SEED,
    );
  });

  it('a configured crypto step is honoured', () => {
    expect(entryQty('crypto', 1000, 3, { cryptoQtyStep: 0.01 })).toBe(333.33);
    expect(entryQty('crypto', 1000, 3, { cryptoQtyStep: 0.5 })).toBe(333);
  });

  it('limits are the tick rule written out: the step 10^(⌊log10 price⌋ − 6) for crypto, a cent for stocks', () => {
    // The rule as first written, with pow and a second log10 at every call; roundLimit reads its powers of ten
    // from a table and must give exactly the same doubles.
    const reference = (cls: 'stock' | 'crypto', side: 'buy' | 'sell', p: number): number => {
      const step = cls === 'stock' ? (p >= 1 ? 0.01 : 0.0001) : 10 ** (Math.floor(Math.log10(p)) - 6);
      const units = side === 'buy' ? Math.floor(p / step + 1e-9) : Math.ceil(p / step - 1e-9);
      const places = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
      if (places === 0 || places > 22 || units === 0) return Number((units * step).toFixed(places));
      return units / 10 ** places;
    };
    // Any price from a billionth to a trillion, and prices within a few ulps of a power of ten (where the
    // exponent changes).
    const anyPrice = fc.double({ min: 1e-9, max: 1e12, noNaN: true, noDefaultInfinity: true });
    const nearPowerOfTen = fc
      .tuple(fc.integer({ min: -9, max: 12 }), fc.integer({ min: -8, max: 8 }))
      .map(([e, ulps]) => 10 ** e * (1 + ulps * Number.EPSILON));
    fc.assert(
      fc.property(
        fc.oneof(anyPrice, nearPowerOfTen),
        fc.constantFrom('stock' as const, 'crypto' as const),
        fc.constantFrom('buy' as const, 'sell' as const),
        (p, cls, side) => {
          expect(Object.is(roundLimit(cls, side, p), reference(cls, side, p))).toBe(true);
        },
      ),
      { seed: 20261205, numRuns: 20_000 },
    );
    expect(roundLimit('crypto', 'buy', 61234.5678)).toBe(61234.56);
    expect(roundLimit('crypto', 'sell', 0.123456789)).toBe(0.1234568);
    expect(roundLimit('stock', 'buy', 0.56789)).toBe(0.5678);
    expect(roundLimit('stock', 'sell', 187.123)).toBe(187.13);
  });

  it('a held signal rounded once asks the same request as one rounded at every step', () => {
    fc.assert(
      fc.property(price, fc.constantFrom('buy' as const, 'sell' as const), (entry, side) => {
        const signal = { side, entry, edge: 0.01, expectedPnl: null };
        const each = blankRequest('X', 'crypto');
        const once = blankRequest('X', 'crypto');
        const a = fillEntryRequest(
          each,
          signal,
          1e6,
          DEFAULT_CONFIG.margin,
          0.25,
          entry,
          DEFAULT_SIZING,
          0.0025,
        );
        const limit = entryLimit('crypto', signal);
        const b = fillEntryRequest(
          once,
          signal,
          1e6,
          DEFAULT_CONFIG.margin,
          0.25,
          entry,
          DEFAULT_SIZING,
          0.0025,
          limit,
        );
        expect(b).toBe(a);
        expect(once).toEqual(each);
      }),
      SEED,
    );
  });

  it('a request never asks a limit more aggressive than its signal', () => {
    fc.assert(
      fc.property(price, fc.constantFrom('buy' as const, 'sell' as const), (entry, side) => {
        const req = blankRequest('X', 'crypto');
        const signal = { side, entry, edge: 0.01, expectedPnl: null };
        if (!fillEntryRequest(req, signal, 1e6, DEFAULT_CONFIG.margin, 0.25, entry, DEFAULT_SIZING)) return;
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
        DEFAULT_CONFIG.margin,
        0.25,
        500,
        DEFAULT_SIZING,
      ),
    ).toBe(false);
  });
});

describe('ranking', () => {
  it('most valuable first, ties by symbol, then by watcher order; crypto ranks count cryptos only', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pnl: fc.integer({ min: -5, max: 5 }),
            crypto: fc.boolean(),
            symbol: fc.constantFrom('AAPL', 'BTCUSD', 'ETHUSD', 'MSFT'),
          }),
          { maxLength: 12 },
        ),
        (rows) => {
          const items = rows.map((r, index) => ({
            index,
            request: { ...blankRequest(r.symbol, r.crypto ? 'crypto' : 'stock'), forecastPnl: r.pnl },
          }));
          const ranked = rankRequests([...items].reverse());
          const bySymbol = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
          const expected = [...items].sort(
            (a, b) =>
              b.request.forecastPnl - a.request.forecastPnl ||
              bySymbol(a.request.symbol, b.request.symbol) ||
              a.index - b.index,
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
