import { describe, expect, it } from 'vitest';
import { candidateRecords } from '../../src/core/policy/record.js';
import { decideIn, order, request, T0 } from '../support/builders.js';

/**
 * The seed system's worked examples, written side-aware: for a buy, a reference price above the limit is
 * the distance. Capacity is short: equity 2,000 without PDT, so stocks need 50% margin; each resting order
 * is 20 × 100 = 2,000 notional = 1,000 margin, two of them use all of it, and a request of 10 × 100 is
 * short by 500.
 */
const EQUITY = 2_000;

describe('seed worked examples', () => {
  it('distance beats PnL: AAPL 100/110 PnL 10 is the victim, not MSFT 100/100.5 PnL 1', () => {
    const d = decideIn({
      equity: EQUITY,
      orders: [
        order({ id: 'aapl', symbol: 'AAPL', price: 110, forecastPnl: 10 }),
        order({ id: 'msft', symbol: 'MSFT', price: 100.5, forecastPnl: 1 }),
      ],
      request: request({ symbol: 'NVDA', price: 100.1, forecastPnl: 1 }),
    });
    expect(d.action).toBe('steal');
    expect(d.victims).toEqual(['aapl']);
    expect(d.shortfall).toBeCloseTo(500, 9);
  });

  it('equal distance: the lower forecast PnL goes (MSFT PnL 1 before AAPL PnL 3)', () => {
    const d = decideIn({
      equity: EQUITY,
      orders: [
        order({ id: 'aapl', symbol: 'AAPL', price: 105, forecastPnl: 3 }),
        order({ id: 'msft', symbol: 'MSFT', price: 105, forecastPnl: 1 }),
      ],
      request: request({ symbol: 'NVDA', price: 100.1, forecastPnl: 1 }),
    });
    expect(d.action).toBe('steal');
    expect(d.victims).toEqual(['msft']);
  });

  it('three orders at 100/100.05 are all inside protection 0.15%: block, nothing cancelled', () => {
    const d = decideIn({
      equity: 3_000, // three orders × 1,000 margin: full
      orders: ['AAPL', 'MSFT', 'TSLA'].map((s) => order({ id: s.toLowerCase(), symbol: s, price: 100.05 })),
      request: request({ symbol: 'NVDA', price: 100.1 }),
      config: { protectionPct: 0.0015 },
    });
    expect(d.action).toBe('block');
    expect(d.reason).toBe('no-eligible-victims');
    expect(d.victims).toEqual([]);
    expect(candidateRecords(d).every((c) => c.reason === 'protected-distance')).toBe(true);
  });

  it('a stealer at 100/110 is not ready: no steal (wait under the default tolerance)', () => {
    const d = decideIn({
      equity: EQUITY,
      orders: [
        order({ id: 'aapl', symbol: 'AAPL', price: 110 }),
        order({ id: 'msft', symbol: 'MSFT', price: 105 }),
      ],
      request: request({ symbol: 'NVDA', price: 110 }),
    });
    expect(d.action).toBe('wait');
    expect(d.reason).toBe('outside-tolerance');
    expect(d.victims).toEqual([]);
  });

  it('a stealer at 100/110 within a wide entry tolerance is blocked as not ready to steal', () => {
    const d = decideIn({
      equity: EQUITY,
      orders: [
        order({ id: 'aapl', symbol: 'AAPL', price: 110 }),
        order({ id: 'msft', symbol: 'MSFT', price: 105 }),
      ],
      request: request({ symbol: 'NVDA', price: 110 }),
      config: { normalTolerance: 0.2 },
    });
    expect(d.action).toBe('block');
    expect(d.reason).toBe('not-ready-to-steal');
    expect(d.victims).toEqual([]);
  });

  it('a symbol just stolen from is not stolen from again within the cooldown, and is stealable after it', () => {
    const orders = [
      order({ id: 'aapl', symbol: 'AAPL', price: 110 }),
      order({ id: 'msft', symbol: 'MSFT', price: 100.5 }),
    ];
    const history = [{ at: T0, thief: 'TSLA', victim: 'AAPL' }];
    const req = request({ symbol: 'NVDA', price: 100.1 });
    const cooldownMs = 166_000;
    const during = decideIn({ now: T0 + cooldownMs - 1, equity: EQUITY, orders, history, request: req });
    expect(during.action).toBe('steal');
    expect(during.victims).toEqual(['msft']);
    expect(candidateRecords(during).find((c) => c.id === 'aapl')?.reason).toBe('cooldown');
    const after = decideIn({ now: T0 + cooldownMs, equity: EQUITY, orders, history, request: req });
    expect(after.victims).toEqual(['aapl']);
  });
});

describe('precise rules', () => {
  it('multi-victim: takes the next in rank until the freed margin covers the shortfall', () => {
    const d = decideIn({
      equity: 3_000,
      orders: [
        order({ id: 'a', symbol: 'A', qty: 10, price: 110 }), // 500 margin, furthest
        order({ id: 'b', symbol: 'B', qty: 10, price: 108 }), // 500
        order({ id: 'c', symbol: 'C', qty: 20, price: 105 }), // 1,000
        order({ id: 'd', symbol: 'D', qty: 20, price: 101 }), // 1,000
      ],
      request: request({ symbol: 'NVDA', qty: 20, price: 100.1 }), // needs 1,000, free 0
    });
    expect(d.action).toBe('steal');
    expect(d.victims).toEqual(['a', 'b']);
    expect(d.freedMargin).toBeCloseTo(1_000);
  });

  it('victims-insufficient: all eligible together free too little, nothing is cancelled', () => {
    const d = decideIn({
      equity: 1_000,
      orders: [
        order({ id: 'a', symbol: 'A', qty: 2, price: 110 }),
        order({ id: 'p', symbol: 'P', qty: 18, price: 100.01 }),
      ],
      request: request({ symbol: 'NVDA', qty: 10, price: 100.1 }),
    });
    expect(d.action).toBe('block');
    expect(d.reason).toBe('victims-insufficient');
    expect(d.victims).toEqual([]);
  });

  it('margin: nothing of ours to steal from at all', () => {
    const d = decideIn({
      equity: 1_000,
      positions: [{ symbol: 'AAPL', assetClass: 'stock', qty: 20, price: 100 }],
      orders: [order({ id: 'x', symbol: 'X', external: true, price: 120 })],
      request: request({ symbol: 'NVDA', price: 100.1 }),
    });
    expect(d.action).toBe('block');
    expect(d.reason).toBe('margin');
  });

  it('stealing disabled blocks with its own reason', () => {
    const d = decideIn({
      equity: EQUITY,
      orders: [order({ id: 'a', symbol: 'A', price: 110 }), order({ id: 'b', symbol: 'B', price: 110 })],
      request: request({ symbol: 'NVDA', price: 100.1 }),
      config: { stealingEnabled: false },
    });
    expect(d.reason).toBe('stealing-disabled');
  });

  it('a cooling requester cannot steal but may place into free margin', () => {
    const history = [{ at: T0 - 10_000, thief: 'X', victim: 'NVDA' }];
    const orders = [order({ id: 'a', symbol: 'A', price: 110 }), order({ id: 'b', symbol: 'B', price: 110 })];
    const short = decideIn({
      equity: EQUITY,
      orders,
      history,
      request: request({ symbol: 'NVDA', price: 100.1 }),
    });
    expect(short.reason).toBe('on-cooldown');
    const free = decideIn({
      equity: EQUITY * 2,
      orders,
      history,
      request: request({ symbol: 'NVDA', price: 100.1 }),
    });
    expect(free.action).toBe('place');
  });

  it('replaces this symbol’s own resting entry: its margin counts as free', () => {
    const d = decideIn({
      equity: EQUITY,
      orders: [order({ id: 'old', symbol: 'NVDA', price: 101 }), order({ id: 'b', symbol: 'B', price: 101 })],
      request: request({ symbol: 'NVDA', price: 100.1 }),
    });
    expect(d.action).toBe('place');
    expect(d.replaces).toBe('old');
    expect(d.usedAfter).toBeCloseTo(2_000 - 1_000 + 500);
  });

  it('stocks outside the regular session wait (market-closed) unless extendedHours', () => {
    const closed = decideIn({ equity: 10_000, sessionOpen: false, request: request({ symbol: 'NVDA' }) });
    expect(closed).toMatchObject({ action: 'wait', reason: 'market-closed' });
    const ext = decideIn({
      equity: 10_000,
      sessionOpen: false,
      request: request({ symbol: 'NVDA' }),
      config: { extendedHours: true },
    });
    expect(ext.action).toBe('place');
  });

  it('PDT 4x only while open with E ≥ 25k; 2x otherwise; 1x below 2k', () => {
    const r = request({ symbol: 'NVDA', qty: 100 }); // 10,000 notional
    expect(decideIn({ equity: 30_000, patternDayTrader: true, request: r }).marginNeeded).toBeCloseTo(2_500);
    expect(decideIn({ equity: 30_000, patternDayTrader: false, request: r }).marginNeeded).toBeCloseTo(5_000);
    expect(decideIn({ equity: 20_000, patternDayTrader: true, request: r }).marginNeeded).toBeCloseTo(5_000);
    expect(
      decideIn({
        equity: 30_000,
        patternDayTrader: true,
        sessionOpen: false,
        request: r,
        config: { extendedHours: true },
      }).marginNeeded,
    ).toBeCloseTo(5_000);
    expect(decideIn({ equity: 1_999, request: r }).marginNeeded).toBeCloseTo(10_000);
    expect(
      decideIn({ equity: 1_000_000, request: { ...r, assetClass: 'crypto', symbol: 'BTC/USD' } })
        .marginNeeded,
    ).toBeCloseTo(10_000);
  });

  it('crypto tiers: normal in session, out-of-hours tolerance, force-immediate top N by rank', () => {
    const crypto = (rank: number | null, price: number) =>
      request({ symbol: 'SOL/USD', assetClass: 'crypto', price, cryptoRank: rank });
    expect(decideIn({ equity: 1e6, sessionOpen: true, request: crypto(null, 101) }).tier).toBe(
      'crypto-normal',
    );
    expect(decideIn({ equity: 1e6, sessionOpen: true, request: crypto(null, 101) }).action).toBe('place'); // 1% ≤ 1.3%
    expect(decideIn({ equity: 1e6, sessionOpen: true, request: crypto(null, 102) }).action).toBe('wait');
    expect(decideIn({ equity: 1e6, sessionOpen: false, request: crypto(null, 104) }).action).toBe('place'); // 4% ≤ 4.7%
    const forced = decideIn({ equity: 1e6, sessionOpen: false, request: crypto(3, 150) });
    expect(forced).toMatchObject({ tier: 'force-immediate', action: 'place' });
    expect(decideIn({ equity: 1e6, sessionOpen: false, request: crypto(4, 150) }).action).toBe('wait');
    expect(decideIn({ equity: 1e6, sessionOpen: true, request: crypto(1, 150) }).action).toBe('wait');
  });

  it('force-immediate skips readiness but never the margin check', () => {
    const d = decideIn({
      equity: 1_000,
      sessionOpen: false,
      orders: [order({ id: 'a', symbol: 'ETH/USD', assetClass: 'crypto', qty: 10, price: 120 })],
      request: request({ symbol: 'SOL/USD', assetClass: 'crypto', price: 150, cryptoRank: 1 }),
    });
    expect(d.action).toBe('steal');
    expect(d.readyToSteal).toBe(true);
  });

  it('sell side distance is (limit − bid)/limit; a marketable order has distance ≤ 0', () => {
    const d = decideIn({
      equity: 1e6,
      request: request({ symbol: 'X', side: 'sell', limitPrice: 100, price: 99.5 }),
    });
    expect(d.distance).toBeCloseTo(0.005, 12);
    expect(decideIn({ equity: 1e6, request: request({ symbol: 'X', price: 99 }) }).distance).toBeLessThan(0);
  });

  it('protection is inclusive and ties within 1e-9 fall to PnL, then age, then id', () => {
    const inclusive = decideIn({
      equity: EQUITY,
      orders: [
        order({ id: 'a', symbol: 'A', price: 100.15 }),
        order({ id: 'b', symbol: 'B', price: 100.15 }),
      ],
      request: request({ symbol: 'NVDA', price: 100.1 }),
    });
    expect(inclusive.reason).toBe('no-eligible-victims');
    const ties = decideIn({
      equity: EQUITY,
      orders: [
        order({ id: 'b', symbol: 'B', price: 105 + 1e-8, placedAt: T0 - 1000 }),
        order({ id: 'a', symbol: 'A', price: 105, placedAt: T0 - 1000 }),
      ],
      request: request({ symbol: 'NVDA', price: 100.1 }),
    });
    expect(ties.victims).toEqual(['a']); // same distance within 1e-9, same PnL and age: id decides
  });

  it('probe, non-entry, external, too-young and no-price orders are never victims', () => {
    const d = decideIn({
      equity: 5_000,
      orders: [
        order({ id: 'probe', symbol: 'P', price: 120, probe: true }),
        order({ id: 'tp', symbol: 'Q', price: 120, role: 'take-profit', side: 'sell' }),
        order({ id: 'ext', symbol: 'R', price: 120, external: true }),
        order({ id: 'young', symbol: 'S', price: 120, placedAt: T0 - 5_000 }),
        order({ id: 'noprice', symbol: 'U', price: null }),
        order({ id: 'ok', symbol: 'V', price: 101 }),
      ],
      request: request({ symbol: 'NVDA', price: 100.1 }),
      config: { minOrderAgeSec: 60 },
    });
    const why = Object.fromEntries(candidateRecords(d).map((c) => [c.id, c.reason]));
    expect(why).toMatchObject({
      probe: 'probe',
      tp: 'not-entry',
      ext: 'external',
      young: 'too-young',
      noprice: 'no-price',
      ok: null,
    });
    expect(d.victims).toEqual(['ok']);
  });
});
