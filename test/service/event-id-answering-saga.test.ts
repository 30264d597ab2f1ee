/**
 * An order event with an `eventId` that answers what a saga waits for (a victim's cancel confirmation, its whole
 * fill, the stealer's placement) keeps its id, as any event does: sent again it counts once, and another body
 * under the same id is refused (409), also after a restart. Before, the saga recorded the event in its own terms
 * without the id, and a later report under it was taken as new (found by the money model with another seed).
 * Equity 10,000 at 1x; every order is a crypto buy at limit 100.
 */
import { describe, expect, it } from 'vitest';
import { orderEventSchema, type OrderEventBody } from '../../src/service/reports.js';
import { ServiceConflict } from '../../src/service/views.js';
import { advisoryService, closedAfterEachTest, foldReports, restingOrder, type Harness } from './fixture.js';
import { stealV1 } from './steal-setup.js';

const { open } = closedAfterEachTest();
const send = (h: Harness, body: unknown) => h.service.event(orderEventSchema.parse(body) as OrderEventBody);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A fresh service whose saga steals v1 and waits for its cancel (steal-setup.ts). */
async function stealing(): Promise<{ h: Harness; sagaId: string; clientOrderId: string }> {
  const h = advisoryService({ equity: 10_000 });
  open.push(h);
  const saga = await stealV1(h);
  return { h, sagaId: saga.sagaId, clientOrderId: saga.clientOrderId };
}

/** Another body under `eventId`, which must be refused. */
const otherBody = (eventId: string) => ({
  kind: 'fill',
  eventId,
  orderId: 'v2',
  filledQty: 10,
  fillPrice: 100,
});

function refusedUnder(h: Harness, eventId: string): void {
  expect(() => send(h, otherBody(eventId))).toThrow(ServiceConflict);
  expect(() => send(h, otherBody(eventId))).toThrow(`event ${eventId} was applied before with another body`);
}

describe('an order event that answers a saga keeps its eventId', () => {
  it('a cancel confirmation: a repeat counts once, another body under its id is refused', async () => {
    const { h } = await stealing();
    const cancel = { kind: 'cancelled', eventId: 'c-1', orderId: 'v1', filledQty: 0 };
    expect(send(h, cancel).detail).toMatch(/which waited for this cancel/);
    await settle();
    expect(send(h, cancel)).toEqual({ applied: false, detail: 'event c-1 was applied before; counted once' });
    // Before: taken as new, 10 of BTC/USD filled under an id that named the cancel of v1.
    refusedUnder(h, 'c-1');
    const positions = (h.service.status() as { positions: unknown[] }).positions;
    expect(positions).toEqual([]);
  });

  it('a whole fill and a placement as order events, and after a restart', async () => {
    const { h, clientOrderId } = await stealing();
    send(h, { kind: 'fill', eventId: 'f-1', orderId: 'v1', filledQty: 30, fillPrice: 100 });
    await settle();
    const answer = (h.service.status() as { sagas: { waitingFor: { kind: string }[] }[] }).sagas[0];
    // v1 filled first: the saga decided again and now cancels v2.
    expect(answer?.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'v2' })]);
    send(h, { kind: 'cancelled', eventId: 'c-2', orderId: 'v2', filledQty: 0 });
    await settle();
    const placed = {
      kind: 'placed',
      eventId: 'p-1',
      order: { ...restingOrder('x1', 'ETH/USD', 5_000, 0.001), clientOrderId },
    };
    expect(send(h, placed).detail).toMatch(/which waited for this placement/);
    await settle();
    for (const id of ['f-1', 'c-2', 'p-1']) refusedUnder(h, id);
    const before = foldReports(h, 10_000);
    await h.service.durable();
    h.store.close(); // a kill: no clean stop
    open.length = 0;
    const again = advisoryService({ equity: 10_000, dir: h.dir, now: h.timers.now() });
    open.push(again);
    await again.service.ready;
    for (const id of ['f-1', 'c-2', 'p-1']) refusedUnder(again, id);
    expect(send(again, placed)).toEqual({
      applied: false,
      detail: 'event p-1 was applied before; counted once',
    });
    // The ids kept beside the sagas' records fold in as the repeats they are: the same book.
    expect(foldReports(again, 10_000)).toEqual(before);
    const status = again.service.status() as {
      orders: { id: string; qty: number }[];
      positions: { symbol: string; qty: number }[];
    };
    expect(status.orders.map((o) => [o.id, o.qty])).toEqual([['x1', 50]]);
    expect(status.positions.map((p) => [p.symbol, p.qty])).toEqual([['SOL/USD', 30]]);
  });
});
