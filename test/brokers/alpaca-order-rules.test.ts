import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { onStep, wireLimit, wireQty } from '../../src/brokers/alpaca/order-rules.js';
import type { PlaceLimitRequest } from '../../src/coordinator/broker.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { realSeries, rig } from './alpaca-rig.js';

/**
 * Every order the adapter sends is one Alpaca takes: prices on the tick (rounded the safe way for the side),
 * quantities with at most 9 decimals in plain notation, fractional stock only as `day`. The fake Alpaca
 * answers a breach with Alpaca's own 422 (test/support/fake-alpaca-rules.ts).
 */
let series: BarSeries[];
beforeAll(async () => {
  series = await realSeries();
});

let seq = 0;
const order = (over: Partial<PlaceLimitRequest>): PlaceLimitRequest => ({
  clientOrderId: `ws-rules-${++seq}`,
  symbol: 'AAPL',
  assetClass: 'stock',
  side: 'buy',
  role: 'entry',
  limitPrice: 100,
  qty: 1,
  ...over,
});

const lastSent = (r: Awaited<ReturnType<typeof rig>>) => r.fake.placed.at(-1)!;

describe('limit prices go out on Alpaca’s tick, never more aggressive than asked', () => {
  it.each([
    ['buy', 11.055, '11.05'],
    ['sell', 11.055, '11.06'],
    ['buy', 0.60137, '0.6013'],
    ['sell', 0.60137, '0.6014'],
    ['buy', 11.05, '11.05'],
  ] as const)('a stock %s limit of %s is sent as %s and accepted', async (side, price, sent) => {
    const r = await rig(series);
    const placed = await r.broker.placeLimit(order({ side, limitPrice: price }));
    expect(placed).toMatchObject({ ok: true });
    expect(lastSent(r).limit_price).toBe(sent);
  });

  it('an end-of-day trim of a stock under a cent keeps a price (not a limit of 0)', async () => {
    const r = await rig(series);
    const placed = await r.broker.placeMarket({
      clientOrderId: 'ws-rules-penny',
      symbol: 'AAPL',
      assetClass: 'stock',
      side: 'buy',
      role: 'exit',
      qty: 3,
      price: 0.008,
    });
    expect(placed).toMatchObject({ ok: true });
    expect(lastSent(r).limit_price).toBe('0.008');
  });

  it('a crypto marketable limit goes out at seven significant digits, not the raw product', async () => {
    const r = await rig(series);
    const placed = await r.broker.placeMarket({
      clientOrderId: 'ws-rules-crypto-mkt',
      symbol: 'SOL/USD',
      assetClass: 'crypto',
      side: 'buy',
      role: 'exit',
      qty: 1,
      price: 101.23456789,
    });
    expect(placed).toMatchObject({ ok: true });
    expect(lastSent(r).limit_price).toBe('102.2469');
  });
});

describe('quantities go out as Alpaca reads them', () => {
  it('a fractional stock quantity goes out as a DAY order (Alpaca refuses a fractional GTC)', async () => {
    const r = await rig(series);
    const placed = await r.broker.placeLimit(order({ side: 'sell', qty: 2.5, limitPrice: 200 }));
    expect(placed).toMatchObject({ ok: true });
    expect([lastSent(r).qty, lastSent(r).time_in_force]).toEqual(['2.5', 'day']);
  });

  it('a whole stock quantity a hair off its integer is the integer, and stays GTC', async () => {
    const r = await rig(series);
    expect(await r.broker.placeLimit(order({ qty: 3 * 1.1 - 0.3 }))).toMatchObject({ ok: true });
    expect([lastSent(r).qty, lastSent(r).time_in_force]).toEqual(['3', 'gtc']);
  });

  it.each([
    [0.123456789123, '0.123456789'],
    [1e-7, '0.0000001'],
    [2.675, '2.675'],
  ])('a crypto quantity of %s goes out as %s', async (qty, sent) => {
    const r = await rig(series);
    const placed = await r.broker.placeLimit(
      order({ symbol: 'SOL/USD', assetClass: 'crypto', qty, limitPrice: 100 }),
    );
    expect(placed).toMatchObject({ ok: true });
    expect(lastSent(r).qty).toBe(sent);
  });

  it('a quantity that is not a positive number is refused before sending, naming the symbol and value', async () => {
    const r = await rig(series);
    for (const qty of [0, Number.NaN, -1, 1e-12]) {
      const placed = await r.broker.placeLimit(order({ symbol: 'SOL/USD', assetClass: 'crypto', qty }));
      expect(placed.ok).toBe(false);
      if (!placed.ok) expect(placed.reason).toContain(`SOL/USD: quantity ${qty}`);
    }
    expect(r.fake.placed).toHaveLength(0);
  });
});

describe('a pair’s own steps and minimum, from Alpaca’s asset entity', () => {
  const coarse = {
    fake: {
      assets: {
        'SOL/USD': { price_increment: '0.05', min_trade_increment: '0.01', min_order_size: '0.1' },
        AAPL: { fractionable: false },
      },
    },
  };
  const sol = (over: Partial<PlaceLimitRequest>) =>
    order({ symbol: 'SOL/USD', assetClass: 'crypto', ...over });

  it('prices go onto the pair’s step the safe way, quantities are cut to its step; Alpaca takes both', async () => {
    const r = await rig(series, coarse);
    expect(await r.broker.placeLimit(sol({ side: 'buy', limitPrice: 100.03, qty: 1.237 }))).toMatchObject({
      ok: true,
    });
    expect([lastSent(r).limit_price, lastSent(r).qty]).toEqual(['100', '1.23']);
    expect(await r.broker.placeLimit(sol({ side: 'sell', limitPrice: 100.03, qty: 1 }))).toMatchObject({
      ok: true,
    });
    expect(lastSent(r).limit_price).toBe('100.05');
    // The asset is read once for both orders.
    expect(r.fake.requests.filter((q) => q.path.startsWith('/v2/assets/'))).toHaveLength(1);
  });

  it('an order below the pair’s minimum is refused before sending, naming the symbol, quantity and minimum', async () => {
    const r = await rig(series, coarse);
    const placed = await r.broker.placeLimit(sol({ qty: 0.05 }));
    expect(placed).toEqual({
      ok: false,
      reason: expect.stringContaining(
        "SOL/USD: quantity 0.05 is below Alpaca's minimum order size for SOL/USD (0.1)",
      ) as unknown,
    });
    expect(r.fake.placed).toHaveLength(0);
  });

  it('a fraction of a stock Alpaca trades in whole shares only is refused, naming the symbol and quantity', async () => {
    const r = await rig(series, coarse);
    const placed = await r.broker.placeLimit(order({ side: 'sell', qty: 2.5 }));
    expect(placed).toEqual({
      ok: false,
      reason: expect.stringContaining(
        'AAPL: Alpaca trades AAPL in whole shares only; quantity 2.5',
      ) as unknown,
    });
    expect(r.fake.placed).toHaveLength(0);
  });
});

describe('when the asset entity cannot be read', () => {
  it('the order goes out under the general rules after one try, and the next order asks again', async () => {
    const r = await rig(series);
    r.fake.faults = { failWith: (m, p) => (m === 'GET' && p.startsWith('/v2/assets/') ? 500 : null) };
    const sol = (id: string) =>
      order({
        clientOrderId: id,
        symbol: 'SOL/USD',
        assetClass: 'crypto',
        qty: 0.5,
        limitPrice: 100.1234567,
      });
    expect(await r.broker.placeLimit(sol('ws-assets-1'))).toMatchObject({ ok: true });
    expect(lastSent(r).limit_price).toBe('100.1234');
    expect(await r.broker.placeLimit(sol('ws-assets-2'))).toMatchObject({ ok: true });
    const reads = r.fake.requests.filter((q) => q.path.startsWith('/v2/assets/'));
    expect(reads.map((q) => q.status)).toEqual([500, 500]);
  });
});

describe('an order Alpaca refuses', () => {
  it('is reported with its symbol, side, quantity and limit as sent, and Alpaca’s reason', async () => {
    const r = await rig(series);
    const placed = await r.broker.placeLimit(order({ qty: 1000, limitPrice: 100.005 }));
    expect(placed).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^Alpaca refused buy 1000 AAPL @ 100 \(gtc\): insufficient buying power/,
      ) as unknown,
    });
  });
});

describe('the wire numbers (property, seed 32)', () => {
  it('a stock limit is on its tick, on the safe side of the asked price, within one tick of it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.0001, max: 100_000, noNaN: true }),
        fc.constantFrom('buy' as const, 'sell' as const),
        (price, side) => {
          const w = wireLimit('X', 'stock', side, price);
          if (!w.ok) return false;
          const tick = w.value >= 1 ? 0.01 : 0.0001;
          const decimals = w.text.split('.')[1]?.length ?? 0;
          expect(decimals).toBeLessThanOrEqual(w.value >= 1 ? 2 : 4);
          expect(Number(w.text)).toBe(w.value);
          const slack = tick * 1e-6;
          if (side === 'buy') expect(w.value).toBeLessThanOrEqual(price + slack);
          else expect(w.value).toBeGreaterThanOrEqual(price - slack);
          expect(Math.abs(w.value - price)).toBeLessThan(tick + slack);
          return true;
        },
      ),
      { seed: 32, numRuns: 2000 },
    );
  });

  it('onto an asset step: a whole multiple of it, on the asked side, less than one step away', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.constantFrom('1', '0.5', '0.05', '0.01', '0.0001', '0.000001', '0.000000001'),
        fc.constantFrom('down' as const, 'up' as const),
        (x, step, dir) => {
          const w = onStep(x, step, dir);
          const places = step.split('.')[1]?.length ?? 0;
          const [i, f = ''] = w.text.split('.');
          expect(f.length).toBeLessThanOrEqual(places);
          const units = BigInt(i! + f.padEnd(places, '0'));
          expect(units % BigInt(step.replace('.', ''))).toBe(0n);
          const slack = Number(step) * 1e-6 + x * 1e-15;
          if (dir === 'down') expect(w.value).toBeLessThanOrEqual(x + slack);
          else expect(w.value).toBeGreaterThanOrEqual(x - slack);
          expect(Math.abs(w.value - x)).toBeLessThan(Number(step) + slack);
          return true;
        },
      ),
      { seed: 32, numRuns: 2000 },
    );
  });

  it('a quantity has at most 9 decimals in plain notation, never more than asked, less by under 1e-9', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 1e6, noNaN: true }),
        fc.constantFrom('stock' as const, 'crypto' as const),
        (qty, assetClass) => {
          const w = wireQty('X', assetClass, qty);
          if (!w.ok) return qty < 1e-9 + 1e-18;
          expect(w.text).toMatch(/^\d+(\.\d{1,9})?$/);
          expect(Number(w.text)).toBe(w.value);
          const whole = assetClass === 'stock' && Number.isInteger(w.value);
          // A whole stock quantity is the integer within a hair (1e-9 relative) either side of the asked one;
          // anything else is never more than asked and less by under one 1e-9 step.
          if (whole) expect(Math.abs(w.value - qty)).toBeLessThanOrEqual(1e-9 * Math.max(1, qty));
          else {
            expect(w.value).toBeLessThanOrEqual(qty + 1e-12);
            expect(qty - w.value).toBeLessThan(1e-9 + 1e-12 * Math.max(1, qty));
          }
          return true;
        },
      ),
      { seed: 32, numRuns: 2000 },
    );
  });
});
