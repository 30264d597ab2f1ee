/**
 * Reports whose values no venue produces, over HTTP: a fill beyond its order's limit, a quote that is crossed or
 * absurdly wide, a position that switches its symbol's asset class. Each is refused naming what is wrong, and
 * nothing is stored or changed.
 */
import { describe, expect, it } from 'vitest';
import { restingOrder, servedAfterEachTest, type Harness } from './fixture.js';

const TOKEN = 'test-token-nonsense';
const served = servedAfterEachTest(TOKEN);

type Call = (path: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>;

async function serve(): Promise<{ h: Harness; call: Call }> {
  const { h, http } = await served();
  const call: Call = async (path, body) => {
    const res = await fetch(`${http.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  return { h, call };
}

/** What a refused report must leave as it was, and the stored reports. */
async function state(h: Harness, call: Call) {
  const s = (await call('/v1/status')).json;
  return {
    account: s.account,
    marginUsed: s.marginUsed,
    orders: s.orders,
    positions: s.positions,
    rows: h.service.tables.reports().length,
  };
}

const limitOrder = (id: string, side: 'buy' | 'sell', limitPrice: number, role = 'entry') => ({
  ...restingOrder(id, 'ETH/USD', 1_000),
  side,
  role,
  limitPrice,
  qty: 10,
  price: limitPrice,
});

describe('a fill beyond its limit', () => {
  it('is refused (409) naming the order, its limit and the price; at the limit it counts', async () => {
    const { h, call } = await serve();
    await call('/v1/events', { kind: 'placed', order: limitOrder('b-1', 'buy', 100.5) });
    await call('/v1/events', { kind: 'placed', order: limitOrder('s-1', 'sell', 100.5) });
    const before = await state(h, call);
    const fill = await call('/v1/events', { kind: 'fill', orderId: 'b-1', filledQty: 2, fillPrice: 1005 });
    expect(fill.status).toBe(409); // before: 200 "fill applied", a position of 2 at 1005
    expect(fill.json.error).toMatch(/order b-1: .* filled at 1005, .* buy limit at 100\.5 .* at or below/);
    const cancel = { kind: 'cancelled', orderId: 'b-1', filledQty: 2, fillPrice: 1005 };
    expect((await call('/v1/events', cancel)).status).toBe(409);
    const sell = await call('/v1/events', { kind: 'fill', orderId: 's-1', filledQty: 1, fillPrice: 10.05 });
    expect(sell.status).toBe(409);
    expect(sell.json.error).toMatch(/order s-1: .* filled at 10\.05, .* sell limit at 100\.5 .* at or above/);
    expect(await state(h, call)).toEqual(before);

    const atLimit = await call('/v1/events', {
      kind: 'fill',
      orderId: 'b-1',
      filledQty: 2,
      fillPrice: 100.5,
    });
    expect(atLimit.json).toEqual({ applied: true, detail: 'order b-1 open, 2 of 10 filled' });
    const better = await call('/v1/events', { kind: 'fill', orderId: 's-1', filledQty: 1, fillPrice: 101 });
    expect(better.json.applied).toBe(true);
  });

  it('a fill a unit slip on the better side of its limit is refused too; one 5 times better counts', async () => {
    const { h, call } = await serve();
    await call('/v1/events', { kind: 'placed', order: limitOrder('b-1', 'buy', 100.5) });
    await call('/v1/events', { kind: 'placed', order: limitOrder('s-1', 'sell', 100.5) });
    await call('/v1/events', { kind: 'placed', order: limitOrder('st-1', 'sell', 95, 'stop') });
    const before = await state(h, call);
    // Before: 200, a position of 10 marked at 10.05 (or 1e-300): its margin a tenth (or nothing) of the venue's.
    for (const fillPrice of [10.04, 1e-300]) {
      const fill = await call('/v1/events', { kind: 'fill', orderId: 'b-1', filledQty: 10, fillPrice });
      expect(fill.status).toBe(409);
      expect(fill.json.error).toMatch(
        new RegExp(`order b-1: .* filled at ${fillPrice}, .* buy limit at 100\\.5 .*more than 10 times`),
      );
    }
    const sell = { kind: 'cancelled', orderId: 's-1', filledQty: 2, fillPrice: 1005.1 };
    expect((await call('/v1/events', sell)).status).toBe(409);
    const stop = await call('/v1/events', { kind: 'fill', orderId: 'st-1', filledQty: 1, fillPrice: 9.4 });
    expect(stop.status).toBe(409);
    expect(await state(h, call)).toEqual(before);
    // The bounds of a bad value are the schema's: 400 naming fillPrice.
    for (const fillPrice of [-1, 0, 'NaN', null, 1e16]) {
      const bad = await call('/v1/events', { kind: 'fill', orderId: 'b-1', filledQty: 1, fillPrice });
      expect(bad.status).toBe(400);
      expect(bad.json.issues).toEqual([expect.objectContaining({ field: 'fillPrice' })]);
    }
    expect(await state(h, call)).toEqual(before);
    const crash = await call('/v1/events', { kind: 'fill', orderId: 'b-1', filledQty: 10, fillPrice: 20.1 });
    expect(crash.json.applied).toBe(true);
  });

  it('a stop order may fill past its price (a triggered stop does)', async () => {
    const { call } = await serve();
    await call('/v1/events', { kind: 'placed', order: limitOrder('st-1', 'sell', 95, 'stop') });
    const fill = await call('/v1/events', { kind: 'fill', orderId: 'st-1', filledQty: 1, fillPrice: 94 });
    expect(fill.json).toEqual({ applied: true, detail: 'order st-1 open, 1 of 10 filled' });
  });

  it('an exit order may fill past its price (the runtime exits with orders that trade now)', async () => {
    const { h, call } = await serve();
    await call('/v1/events', { kind: 'placed', order: limitOrder('x-1', 'sell', 100, 'exit') });
    await call('/v1/events', { kind: 'placed', order: limitOrder('x-2', 'buy', 100, 'exit') });
    const sold = await call('/v1/events', { kind: 'fill', orderId: 'x-1', filledQty: 10, fillPrice: 97.2 });
    expect(sold.json).toEqual({
      applied: true,
      detail: 'order x-1 filled (10 of 10); no longer open',
    }); // before: 409 "beyond its limit"
    const bought = await call('/v1/events', { kind: 'fill', orderId: 'x-2', filledQty: 4, fillPrice: 103 });
    expect(bought.json).toEqual({ applied: true, detail: 'order x-2 open, 4 of 10 filled' });
    expect(h.service.coordinator.ledger.position('ETH/USD')?.qty).toBe(-6);
  });
});

describe('a quote', () => {
  it('crossed or wider than ask/bid 1.5 is refused (400) naming the field; 1.4 is taken', async () => {
    const { h, call } = await serve();
    await call('/v1/events', { kind: 'placed', order: limitOrder('b-1', 'buy', 100.5) });
    const before = await state(h, call);
    const wide = await call('/v1/events', { kind: 'quote', symbol: 'ETH/USD', bid: 1e-7, ask: 1e15 });
    expect(wide.status).toBe(400); // before: 200, every ETH order priced at 1e15
    expect(wide.json.error).toMatch(/quote for ETH\/USD/);
    expect(wide.json.issues).toEqual([
      expect.objectContaining({
        field: 'ask',
        value: 1e15,
        message: expect.stringMatching(/at most 1\.5 times/),
      }),
    ]);
    const crossed = await call('/v1/events', { kind: 'quote', symbol: 'ETH/USD', bid: 101, ask: 100 });
    expect(crossed.status).toBe(400);
    // As the other 400s: one line naming the field and its value, and the issue's value (before: the ledger's
    // "Quote for ETH/USD refused (the ledger is unchanged):\n  - bid: …", its issue without a value).
    expect(crossed.json).toEqual({
      error:
        'bad request (quote for ETH/USD, nothing changed): bid = 101: is above the ask 100: send the bid and ' +
        'the ask in their places',
      issues: [
        {
          field: 'bid',
          message: 'is above the ask 100: send the bid and the ask in their places',
          value: 101,
        },
      ],
    });
    expect(await state(h, call)).toEqual(before);
    const ok = await call('/v1/events', { kind: 'quote', symbol: 'ETH/USD', bid: 100, ask: 140 });
    expect(ok.json.applied).toBe(true);
  });
});

describe("a symbol's asset class", () => {
  it('a position or a placement that switches it is refused (409) naming the symbol and both classes', async () => {
    const { h, call } = await serve();
    const crypto = { kind: 'position', symbol: 'ETH/USD', assetClass: 'crypto', qty: 2, price: 100 };
    await call('/v1/events', crypto);
    const before = await state(h, call);
    const stock = await call('/v1/events', { ...crypto, assetClass: 'stock' });
    expect(stock.status).toBe(409); // before: 200, the position's margin switched from 1x to stock rates
    expect(stock.json.error).toMatch(/ETH\/USD is held as crypto .* says stock/);
    const order = { ...limitOrder('b-1', 'buy', 100.5), assetClass: 'stock' };
    const placed = await call('/v1/events', { kind: 'placed', order });
    expect(placed.status).toBe(409);
    expect(placed.json.error).toMatch(/ETH\/USD is held as crypto .*order b-1 says stock/);
    expect(await state(h, call)).toEqual(before);

    // An order alone holds the class too; closing the position under its own class is taken.
    await call('/v1/events', {
      kind: 'placed',
      order: { ...limitOrder('a-1', 'buy', 10), symbol: 'AAPL', assetClass: 'stock' },
    });
    const aapl = await call('/v1/events', { ...crypto, symbol: 'AAPL', qty: 1 });
    expect(aapl.json.error).toMatch(
      /AAPL is held as stock \(its open order a-1\); this position of 1 says crypto/,
    );
    expect((await call('/v1/events', { ...crypto, qty: 0 })).json.applied).toBe(true);
  });
});
