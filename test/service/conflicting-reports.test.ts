/**
 * Reports that contradict what the service holds of an order, and reports that come after their saga ended.
 * A contradiction is refused whole (409, naming the order, both sides and what to do); a late report's answer
 * says whether it counted.
 */
import { describe, expect, it } from 'vitest';
import { ServiceConflict } from '../../src/service/views.js';
import { advisoryService, readyRequest, restingOrder, type Harness, closedAfterEachTest } from './fixture.js';

const { open, dirs } = closedAfterEachTest();
const start = (): Harness => {
  const h = advisoryService({ equity: 10_000 });
  open.push(h);
  dirs.push(h.dir);
  return h;
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The money state a refused report must leave as it was. */
const money = (h: Harness) => {
  const s = h.service.status() as Record<string, unknown>;
  return { used: s.marginUsed, free: s.marginFree, orders: s.orders, positions: s.positions };
};

/** The error a call throws, for its message. */
async function refusal(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('not refused');
}

describe('a report that contradicts what is held', () => {
  it('refuses a fill beyond the order quantity (409 naming both), nothing applied', async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 3_000) }); // 30 at 100
    const before = money(h);
    const error = await refusal(() =>
      h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 50, fillPrice: 100 }),
    );
    expect(error).toBeInstanceOf(ServiceConflict); // before: 200 "fill applied", 30 recorded
    expect(error.message).toMatch(/order eth-1: this fill report says 50 filled.*placed for 30/);
    expect(error.message).toMatch(/position/);
    expect(money(h)).toEqual(before);
    expect(h.service.tables.reports()).toHaveLength(1);
    const cancel = await refusal(() =>
      h.service.event({ kind: 'cancelled', orderId: 'eth-1', filledQty: 31, fillPrice: 100 }),
    );
    expect(cancel).toBeInstanceOf(ServiceConflict);
    expect(h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 30, fillPrice: 100 }).applied).toBe(
      true,
    );
  });

  it('refuses a placement under an open order id with other terms; an exact repeat is a repeat', async () => {
    const h = start();
    const order = restingOrder('eth-1', 'ETH/USD', 3_000);
    h.service.event({ kind: 'placed', order });
    const before = money(h);
    for (const other of [{ symbol: 'SOL/USD' }, { side: 'sell' as const }, { qty: 45 }]) {
      const error = await refusal(() => h.service.event({ kind: 'placed', order: { ...order, ...other } }));
      // Before: 200 applied:false "the order is not open (a repeat or a late report)".
      expect(error).toBeInstanceOf(ServiceConflict);
      expect(error.message).toMatch(/order eth-1 is held as open buy 30 ETH\/USD @ 100; this placement says/);
    }
    expect(money(h)).toEqual(before);
    const repeat = h.service.event({ kind: 'placed', order });
    expect(repeat).toEqual({ applied: false, detail: expect.stringMatching(/a repeat/) });
  });

  it('refuses a saga placement larger than asked, whether on time or late; the saga still waits', async () => {
    const h = start();
    const answer = await h.service.request(readyRequest('BTC/USD', 100)); // 1 at 100
    const saga = answer.saga!;
    const clientOrderId = saga.clientOrderId;
    const before = money(h);
    const error = await refusal(() =>
      h.service.report(saga.sagaId, { kind: 'placed', clientOrderId, orderId: 'v-btc', qty: 500 }),
    );
    expect(error).toBeInstanceOf(ServiceConflict); // before: accepted, marginFree negative
    expect(error.message).toMatch(/order v-btc: qty 500 .* the saga asked for 1 BTC\/USD/);
    expect(money(h)).toEqual(before);
    expect(h.service.sagaView(saga.sagaId)!.waitingFor[0]!.kind).toBe('place');
    const asEvent = await refusal(() =>
      h.service.event({
        kind: 'placed',
        order: { ...restingOrder('v-btc', 'BTC/USD', 50_000), clientOrderId },
      }),
    );
    expect(asEvent).toBeInstanceOf(ServiceConflict);
    h.timers.advance(30_000);
    await tick();
    expect(h.service.sagaView(saga.sagaId)!.state).toBe('compensated');
    const late = await refusal(() =>
      h.service.report(saga.sagaId, { kind: 'placed', clientOrderId, orderId: 'v-btc', qty: 500 }),
    );
    expect(late).toBeInstanceOf(ServiceConflict);
    // The saga's claim is gone with it; nothing was placed.
    expect(money(h)).toEqual({ ...before, free: 10_000 });
  });

  it('refuses a placement at a higher limit than asked (more margin than granted); a tick of rounding passes', async () => {
    const h = start();
    const answer = await h.service.request(readyRequest('BTC/USD', 100)); // 1 at 100
    const saga = answer.saga!;
    const clientOrderId = saga.clientOrderId;
    const before = money(h);
    const error = await refusal(() =>
      h.service.report(saga.sagaId, { kind: 'placed', clientOrderId, orderId: 'v-btc', limitPrice: 110 }),
    );
    expect(error).toBeInstanceOf(ServiceConflict);
    expect(error.message).toMatch(
      /order v-btc: 1 BTC\/USD placed .* at limit 110, but the saga asked for limit 100/,
    );
    expect(money(h)).toEqual(before);
    const rounded = await h.service.report(saga.sagaId, {
      kind: 'placed',
      clientOrderId,
      orderId: 'v-btc',
      limitPrice: 100.01,
    });
    expect(rounded.report.applied).toBe(true);
  });
});

describe('a report after its saga ended', () => {
  it('says whether it counted; a second order under the client order id is refused', async () => {
    const h = start();
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    const saga = answer.saga!;
    const clientOrderId = saga.clientOrderId;
    h.timers.advance(30_000);
    await tick();
    const first = await h.service.report(saga.sagaId, { kind: 'placed', clientOrderId, orderId: 'v-1' });
    expect(first.state).toBe('compensated');
    // Before: the saga alone, the same answer whether or not the report counted.
    expect(first.report).toEqual({
      applied: true,
      detail: expect.stringMatching(/no longer waits .*compensated.*counted as a "placed" order event/),
    });
    expect((h.service.status() as { orders: { id: string }[] }).orders.map((o) => o.id)).toEqual(['v-1']);
    const repeat = await h.service.report(saga.sagaId, { kind: 'placed', clientOrderId, orderId: 'v-1' });
    expect(repeat.report).toEqual({ applied: false, detail: expect.stringMatching(/counted before/) });
    const second = await refusal(() =>
      h.service.report(saga.sagaId, { kind: 'placed', clientOrderId, orderId: 'v-2' }),
    );
    // Before: the identical 200, ignored.
    expect(second).toBeInstanceOf(ServiceConflict);
    expect(second.message).toMatch(/reported placed before as order v-1.*this report says order v-2/);
    const rejected = await h.service.report(saga.sagaId, {
      kind: 'place-rejected',
      clientOrderId,
      reason: 'x',
    });
    expect(rejected.report).toEqual({ applied: false, detail: expect.stringMatching(/nothing changed/) });
  });

  it('refuses a late "placed" event under the saga’s client order id that is not the order asked for', async () => {
    let h = start();
    const saga = (await h.service.request(readyRequest('BTC/USD', 100))).saga!; // 1 at 100
    const clientOrderId = saga.clientOrderId;
    h.timers.advance(30_000);
    await tick();
    expect(h.service.sagaView(saga.sagaId)!.state).toBe('compensated');
    const before = money(h);
    const asked = { ...restingOrder('v-btc', 'BTC/USD', 100), clientOrderId, price: null };
    // Before: each was taken as an order placed outside any saga (500 held where 1 was granted).
    for (const other of [
      { qty: 500 },
      { limitPrice: 110 },
      { symbol: 'ETH/USD' },
      { side: 'sell' as const },
    ]) {
      const error = await refusal(() => h.service.event({ kind: 'placed', order: { ...asked, ...other } }));
      expect(error).toBeInstanceOf(ServiceConflict);
      expect(error.message).toMatch(/v-btc|order\.(symbol|side)/);
      expect(error.message).toMatch(new RegExp(`client order id ${clientOrderId}`));
    }
    expect(money(h)).toEqual(before);
    // So after a restart, and the order as asked is taken.
    await h.service.durable();
    h.store.close();
    open.splice(open.indexOf(h), 1);
    h = advisoryService({ equity: 10_000, dir: h.dir, now: h.timers.now() });
    open.push(h);
    await h.service.ready;
    await expect(
      refusal(() => h.service.event({ kind: 'placed', order: { ...asked, qty: 500 } })),
    ).resolves.toBeInstanceOf(ServiceConflict);
    expect(h.service.event({ kind: 'placed', order: asked }).applied).toBe(true);
    expect(money(h).used).toBe(100);
  });

  it('answers an awaited report with report.applied true', async () => {
    const h = start();
    const saga = (await h.service.request(readyRequest('BTC/USD', 3_000))).saga!;
    const done = await h.service.report(saga.sagaId, {
      kind: 'placed',
      clientOrderId: saga.clientOrderId,
      orderId: 'v-1',
    });
    expect(done.state).toBe('done');
    expect(done.report.applied).toBe(true);
  });
});
