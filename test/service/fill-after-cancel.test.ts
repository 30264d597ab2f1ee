/**
 * A fill reported after its order's cancel. Nothing fills after a cancel takes effect, so a cumulative fill
 * above what the cancel said filled happened before it: the bot's reports took different paths, or its cancel
 * left `filledQty` out (it reads as 0). The venue holds that position; the book must too. Before, the fill was
 * answered "the order is not open (… a repeat or a late report); nothing changed": a position of 10 at the
 * venue, none in the book, and its margin offered to the next request.
 */
import { describe, expect, it } from 'vitest';
import {
  advisoryService,
  foldReports,
  readyRequest,
  restingOrder,
  serveOverHttp,
  type Harness,
  closedAfterEachTest,
} from './fixture.js';

const { open, dirs } = closedAfterEachTest();
const start = (dir?: string): Harness => {
  const h = advisoryService({ equity: 10_000, ...(dir ? { dir } : {}) });
  open.push(h);
  if (!dir) dirs.push(h.dir);
  return h;
};
const restart = async (h: Harness): Promise<Harness> => {
  await h.service.durable();
  h.store.close(); // a kill: no clean stop
  open.splice(open.indexOf(h), 1);
  const again = start(h.dir);
  await again.service.ready;
  return again;
};
const money = (h: Harness) => {
  const s = h.service.status() as {
    marginUsed: number;
    orders: { id: string; qty: number }[];
    positions: { symbol: string; qty: number }[];
  };
  return {
    used: s.marginUsed,
    orders: s.orders.map((o) => ({ id: o.id, qty: o.qty })),
    positions: s.positions.map((p) => ({ symbol: p.symbol, qty: p.qty })),
  };
};

describe('a fill reported after its order was reported cancelled', () => {
  it('counts what filled beyond the cancel’s filledQty (left out over HTTP), once, and across a restart', async () => {
    let h = start();
    const http = await serveOverHttp(h, 'tok-fill-after-cancel');
    const post = async (body: unknown) => {
      const res = await fetch(`${http.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: 'Bearer tok-fill-after-cancel', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as { applied: boolean; detail: string } };
    };
    await post({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 3_000) }); // 30 at 100
    // The bot's cancel leaves filledQty out; the venue had filled 10 before the cancel took effect.
    expect((await post({ kind: 'cancelled', orderId: 'eth-1' })).json.applied).toBe(true);
    const fill = await post({ kind: 'fill', orderId: 'eth-1', filledQty: 10, fillPrice: 100 });
    await http.close();
    expect(fill.status).toBe(200);
    expect(fill.json).toEqual({
      applied: true,
      detail: expect.stringMatching(/eth-1 cancelled, 10 of 30 filled/),
    });
    const venue = { used: 1_000, orders: [], positions: [{ symbol: 'ETH/USD', qty: 10 }] };
    expect(money(h)).toEqual(venue); // before: used 0, no position
    // The same fill again, or an older one, counts nothing; a later larger one counts its difference.
    expect(h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 10, fillPrice: 100 }).applied).toBe(
      false,
    );
    expect(h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 4, fillPrice: 100 }).applied).toBe(
      false,
    );
    expect(money(h)).toEqual(venue);
    expect(
      h.service.event({ kind: 'cancelled', orderId: 'eth-1', filledQty: 12, fillPrice: 100 }).applied,
    ).toBe(true);
    const after = { used: 1_200, orders: [], positions: [{ symbol: 'ETH/USD', qty: 12 }] };
    expect(money(h)).toEqual(after);
    expect(foldReports(h, 10_000).positions).toEqual([
      expect.objectContaining({ symbol: 'ETH/USD', qty: 12 }),
    ]);
    h = await restart(h);
    expect(money(h)).toEqual(after);
    // All of it, filled before the cancel took effect: held as filled.
    expect(h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 30, fillPrice: 100 }).detail).toBe(
      'order eth-1 filled (30 of 30); no longer open',
    );
    expect(money(h)).toEqual({ used: 3_000, orders: [], positions: [{ symbol: 'ETH/USD', qty: 30 }] });
    // Still no more than the order: 31 of 30 is refused.
    expect(() => h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 31, fillPrice: 100 })).toThrow(
      /placed for 30/,
    );
  });

  it('counts a fill that overtook the placement report and came after a cancel left its quantity out', () => {
    const h = start();
    // Both before the placement: the cancel (filledQty 0: left out), then the fill of 10 that came before it.
    h.service.event({ kind: 'cancelled', orderId: 'eth-1', filledQty: 0 });
    h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 10, fillPrice: 100 });
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 3_000) });
    // Before: the held cancel of 0 won, and the 10 were lost.
    expect(money(h)).toEqual({ used: 1_000, orders: [], positions: [{ symbol: 'ETH/USD', qty: 10 }] });
  });

  it('a victim’s fill after its saga’s cancel was confirmed is a position, and the next decision sees it', async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('sol-1', 'SOL/USD', 6_000, 0.0005) }); // protected
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000, 0.1) });
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    expect(answer.victims).toEqual(['eth-1']);
    let saga = await h.service.report(answer.saga!.sagaId, {
      kind: 'cancelled',
      orderId: 'eth-1',
      filledQty: 0,
    });
    const place = saga.waitingFor[0]!;
    expect(place.kind).toBe('place');
    saga = await h.service.report(saga.sagaId, {
      kind: 'placed',
      clientOrderId: place.kind === 'place' ? place.order.clientOrderId : '',
      orderId: 'v-btc',
    });
    expect(saga.state).toBe('done');
    // The venue filled 5 of eth-1 before the cancel took effect; the bot learns it after.
    const late = await h.service.report(saga.sagaId, {
      kind: 'filled',
      orderId: 'eth-1',
      filledQty: 5,
      fillPrice: 100,
    });
    expect(late.report.applied).toBe(true);
    expect(money(h)).toEqual({
      used: 9_500,
      orders: [
        { id: 'sol-1', qty: 60 },
        { id: 'v-btc', qty: 30 },
      ],
      positions: [{ symbol: 'ETH/USD', qty: 5 }],
    });
    expect(foldReports(h, 10_000).positions).toEqual([
      expect.objectContaining({ symbol: 'ETH/USD', qty: 5 }),
    ]);
    // 500 free, not 1,000: a request for 800 does not place.
    const next = await h.service.request(readyRequest('ADA/USD', 800, 1));
    expect(next.action).not.toBe('place');
  });
});
