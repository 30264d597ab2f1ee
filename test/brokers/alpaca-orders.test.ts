import { beforeAll, describe, expect, it } from 'vitest';
import type { PlaceLimitRequest } from '../../src/coordinator/broker.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { realSeries, requestsSeen, rig } from './alpaca-rig.js';

/** Alpaca's documented order behaviour the adapter must follow: done_for_day, extended hours, paging, lost answers. */
let series: BarSeries[];
beforeAll(async () => {
  series = await realSeries();
});

const order = (over: Partial<PlaceLimitRequest> = {}): PlaceLimitRequest => ({
  clientOrderId: 'ws-orders-1',
  symbol: 'SOL/USD',
  assetClass: 'crypto',
  side: 'buy',
  role: 'entry',
  limitPrice: 100,
  qty: 10,
  ...over,
});

describe('done_for_day is not an end', () => {
  it('a pending cancel does not resolve on done_for_day: the order can still fill at the next session', async () => {
    const r = await rig(series);
    r.held.add('ws-orders-1');
    const placed = await r.broker.placeLimit(order());
    if (!placed.ok) throw new Error(placed.reason);
    let settled = false;
    const held = new Promise((res) => r.fake.once('cancel-held', res));
    const cancel = r.broker.cancel(placed.orderId).then((x) => {
      settled = true;
      return x;
    });
    await held;
    r.fake.doneForDay(placed.orderId);
    // Two REST checks after the event: both see done_for_day, and the cancel still waits.
    await Promise.race([
      requestsSeen(r, (q) => q.method === 'GET' && q.path === `/v2/orders/${placed.orderId}`, 2),
      cancel,
    ]);
    expect(settled).toBe(false);
    expect(r.events.map((e) => e.kind)).not.toContain('expired');
    expect((await r.broker.openOrders()).map((o) => o.id)).toEqual([placed.orderId]);
    r.fake.releaseCancels();
    expect(await cancel).toEqual({ status: 'cancelled', filledQty: 0 });
  });
});

describe('extended hours (config.extendedHours): Alpaca works only DAY limits with extended_hours there', () => {
  const AFTER_HOURS = Date.parse('2024-03-08T22:30:00Z'); // Friday 17:30 New York
  const PRE_MARKET = Date.parse('2024-03-08T13:00:00Z'); // Friday 08:00 New York
  const REGULAR = Date.parse('2024-03-08T16:00:00Z'); // Friday 11:00 New York
  const OVERNIGHT = Date.parse('2024-03-09T02:00:00Z'); // Friday 21:00 New York
  const stock = (id: string): PlaceLimitRequest =>
    order({ clientOrderId: id, symbol: 'AAPL', assetClass: 'stock', limitPrice: 100, qty: 1 });

  it('in the pre-market and after-hours sessions a stock goes out as DAY + extended_hours; in the regular session GTC', async () => {
    const r = await rig(series, { t0: AFTER_HOURS, broker: { extendedHours: true } });
    expect(await r.broker.placeLimit(stock('ws-eh-1'))).toMatchObject({ ok: true });
    r.time.t = PRE_MARKET;
    expect(await r.broker.placeLimit(stock('ws-eh-2'))).toMatchObject({ ok: true });
    r.time.t = REGULAR;
    expect(await r.broker.placeLimit(stock('ws-eh-3'))).toMatchObject({ ok: true });
    // Crypto trades around the clock: always GTC.
    expect(await r.broker.placeLimit(order({ clientOrderId: 'ws-eh-4', qty: 1 }))).toMatchObject({
      ok: true,
    });
    expect(r.fake.placed.map((b) => [b.client_order_id, b.time_in_force, b.extended_hours])).toEqual([
      ['ws-eh-1', 'day', true],
      ['ws-eh-2', 'day', true],
      ['ws-eh-3', 'gtc', undefined],
      ['ws-eh-4', 'gtc', undefined],
    ]);
  });

  it('outside every session nothing is sent for a stock: the place is refused with the reason', async () => {
    const r = await rig(series, { t0: OVERNIGHT, broker: { extendedHours: true } });
    const result = await r.broker.placeLimit(stock('ws-eh-5'));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/AAPL: not sent .* outside every US equity session/),
    });
    r.time.t = Date.parse('2024-03-09T15:00:00Z'); // Saturday
    expect(await r.broker.placeLimit(stock('ws-eh-6'))).toMatchObject({ ok: false });
    expect(r.fake.placed).toEqual([]);
  });

  it('with extendedHours off nothing changes: GTC at any hour', async () => {
    const r = await rig(series, { t0: AFTER_HOURS });
    expect(await r.broker.placeLimit(stock('ws-eh-7'))).toMatchObject({ ok: true });
    expect(r.fake.placed[0]).toMatchObject({ time_in_force: 'gtc' });
    expect(r.fake.placed[0]!.extended_hours).toBeUndefined();
  });
});

describe('open orders are read page by page', () => {
  it('all 1,200 open orders are seen, not only the first 500', async () => {
    const r = await rig(series);
    for (let i = 0; i < 1200; i++) {
      r.time.t += 1000;
      const placed = r.venue.place({
        clientOrderId: `ws-page-${i}`,
        symbol: 'SOL/USD',
        side: 'buy',
        role: 'entry',
        limitPrice: 1,
        qty: 0.01,
      });
      expect(placed.ok).toBe(true);
    }
    const open = await r.broker.openOrders();
    expect(open).toHaveLength(1200);
    expect(new Set(open.map((o) => o.id)).size).toBe(1200);
    expect(r.fake.requests.filter((q) => q.path === '/v2/orders').length).toBeGreaterThanOrEqual(3);
  });

  it('orders that share a submission time across a page boundary are each seen once', async () => {
    const r = await rig(series);
    for (let i = 0; i < 700; i++) {
      if (i % 7 === 0) r.time.t += 1000; // seven orders per millisecond stamp
      r.venue.place({
        clientOrderId: `ws-tie-${i}`,
        symbol: 'SOL/USD',
        side: 'buy',
        role: 'entry',
        limitPrice: 1,
        qty: 0.01,
      });
    }
    const open = await r.broker.openOrders();
    expect(open).toHaveLength(700);
    expect(new Set(open.map((o) => o.id)).size).toBe(700);
  });
});

describe('a place whose answer was lost is looked up by client order id, never sent again blind', () => {
  for (const lose of ['drop', 500] as const) {
    it(`the venue took it (answer ${lose === 'drop' ? 'dropped' : '500'}): stored with the venue's order id, sent once`, async () => {
      const r = await rig(series);
      let first = true;
      r.fake.faults = {
        lose,
        loseAnswer: (m, p) => {
          const hit = first && m === 'POST' && p === '/v2/orders';
          if (hit) first = false;
          return hit;
        },
      };
      const result = await r.broker.placeLimit(order());
      const venueOrder = r.venue.orderByClientId('ws-orders-1')!;
      expect(result).toEqual({ ok: true, orderId: venueOrder.id });
      expect(r.fake.created.get('ws-orders-1')).toBe(1);
      // The pair's asset rules are read once, before its first order.
      expect(r.fake.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
        'GET /v2/assets/SOLUSD 200',
        'POST /v2/orders 0',
        'GET /v2/orders:by_client_order_id 200',
      ]);
    });
  }

  it('the venue never took it (503 before acting): looked up, not found, then sent again', async () => {
    const r = await rig(series);
    let first = true;
    r.fake.faults = {
      failWith: (m, p) => {
        const hit = first && m === 'POST' && p === '/v2/orders';
        if (hit) first = false;
        return hit ? 503 : null;
      },
    };
    const result = await r.broker.placeLimit(order());
    expect(result).toEqual({ ok: true, orderId: r.venue.orderByClientId('ws-orders-1')!.id });
    expect(r.fake.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      'GET /v2/assets/SOLUSD 200',
      'POST /v2/orders 503',
      'GET /v2/orders:by_client_order_id 404',
      'POST /v2/orders 200',
    ]);
  });
});

describe('a partly filled order, seen again after a restart', () => {
  it('openOrders gives the open quantity and the venue cumulative fill, so a later cumulative report counts once', async () => {
    const r = await rig(series);
    const placed = await r.broker.placeLimit(order({ clientOrderId: 'ws-part-1', qty: 10 }));
    if (!placed.ok) throw new Error(placed.reason);
    // The venue filled 4 of 10 (the bar venue fills whole orders; a partial fill is set on its book here).
    const book = (r.venue as unknown as { orders: Map<string, { filledQty: number }> }).orders;
    book.get(placed.orderId)!.filledQty = 4;
    const [open] = await r.broker.openOrders();
    expect(open).toMatchObject({ id: placed.orderId, qty: 6, filledQty: 4 });
  });
});
