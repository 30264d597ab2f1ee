/**
 * Sequences that broke "the ledger equals the sum of the reports" in advisory mode, each on its own (the
 * model-based test, money-model.test.ts, finds them among random sequences). Equity 10,000 at 1x; every
 * order is a crypto buy at limit 100, so margin = quantity × 100.
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
/**
 * kill -9 once the answers so far have left (each waited for its commit), then a new process, once its
 * recovery is over (unless a saga it recovers waits for the bot).
 */
const restart = async (h: Harness, recovered = true): Promise<Harness> => {
  await h.service.durable();
  h.store.close();
  open.splice(open.indexOf(h), 1);
  const again = advisoryService({ equity: 10_000, dir: h.dir, now: h.timers.now() });
  open.push(again);
  if (recovered) await again.service.ready;
  return again;
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const status = (h: Harness) =>
  h.service.status() as {
    marginUsed: number;
    marginCapacity: number;
    orders: { id: string; qty: number }[];
    positions: { symbol: string; qty: number }[];
  };
describe('advisory money state, sequences that broke it', () => {
  it('a fill told as an order event during a cancel is not freed again when the confirmation leaves it out', async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('sol-1', 'SOL/USD', 6_000, 0.0005) }); // protected
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000, 0.1) });
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    expect(answer.victims).toEqual(['eth-1']);
    // 30 of eth-1's 40 fill while the bot cancels it; its confirmation says filledQty 0 (the default).
    h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 30, fillPrice: 100 });
    const saga = await h.service.report(answer.saga!.sagaId, {
      kind: 'cancelled',
      orderId: 'eth-1',
      filledQty: 0,
    });
    if (saga.waitingFor[0]?.kind === 'place')
      await h.service.report(saga.sagaId, {
        kind: 'placed',
        clientOrderId: saga.waitingFor[0].order.clientOrderId,
        orderId: 'v-btc',
      });
    const s = status(h);
    // Before: the saga asked for the stealer's order, and once placed 12,000 was in use against 10,000.
    expect(s.marginUsed).toBe(9_000);
    expect(s.marginUsed).toBeLessThanOrEqual(s.marginCapacity);
    // The cancel freed 1,000, not 4,000: the stealer's 3,000 no longer fits, so the coordinator decided again.
    expect(saga.outcome).toBe('blocked');
    expect(s.positions).toEqual([expect.objectContaining({ symbol: 'ETH/USD', qty: 30 })]);
  });

  it('a fill after a restart counts only beyond what filled before it', async () => {
    let h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
    h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 20, fillPrice: 100 });
    h = await restart(h);
    h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 25, fillPrice: 100 });
    // Before: the coordinator took 25 as new after the restart: a position of 40 and no order.
    expect(status(h).positions).toEqual([expect.objectContaining({ symbol: 'ETH/USD', qty: 25 })]);
    expect(status(h).orders).toEqual([expect.objectContaining({ id: 'eth-1', qty: 15 })]);
  });

  it('a placement reported again after a restart, its order closed since, counts nothing', async () => {
    let h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
    h.service.event({ kind: 'cancelled', orderId: 'eth-1', filledQty: 0 });
    h = await restart(h);
    expect(h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) }).applied).toBe(
      false,
    );
    expect(status(h).marginUsed).toBe(0); // before: 4,000 held by an order the reports closed
  });

  it('fills and cancels that overtake their placement report count once it comes', async () => {
    const h = start();
    // An order event: cancelled (with 10 filled) before its placement is reported.
    const early = h.service.event({ kind: 'cancelled', orderId: 'eth-1', filledQty: 10, fillPrice: 100 });
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
    // The stealer's order fills (12 of 30) before the bot reports its placement.
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    const order = answer.saga!.waitingFor[0]!;
    expect(order.kind).toBe('place');
    h.service.event({ kind: 'fill', orderId: 'v-btc', filledQty: 12, fillPrice: 100 });
    const end = await h.service.report(answer.saga!.sagaId, {
      kind: 'placed',
      clientOrderId: order.kind === 'place' ? order.order.clientOrderId : '',
      orderId: 'v-btc',
    });
    expect(end.state).toBe('done');
    const s = status(h);
    // Before: eth-1 open with 40 and v-btc open with 30, no positions.
    expect(s.orders).toEqual([expect.objectContaining({ id: 'v-btc', qty: 18 })]);
    expect(s.positions).toEqual([
      expect.objectContaining({ symbol: 'BTC/USD', qty: 12 }),
      expect.objectContaining({ symbol: 'ETH/USD', qty: 10 }),
    ]);
    expect(s.marginUsed).toBe(4_000);
    expect(early).toEqual({
      applied: false,
      detail: expect.stringMatching(
        /^cancel of eth-1 not applied: .* counts once a "placed" event for eth-1 comes/,
      ),
    });
    expect(status(await restart(h)).marginUsed).toBe(4_000);
  });

  it('a placement reported after its deadline, or after a restart, still counts', async () => {
    let h = start();
    const first = await h.service.request(readyRequest('BTC/USD', 3_000));
    h.timers.advance(30_000);
    await tick();
    expect(h.service.sagaView(first.saga!.sagaId)!.state).toBe('compensated');
    const clientOrderId = first.saga!.clientOrderId;
    await h.service.report(first.saga!.sagaId, { kind: 'placed', clientOrderId, orderId: 'v-btc' });
    expect(status(h).orders).toEqual([expect.objectContaining({ id: 'v-btc', qty: 30 })]); // before: none

    const second = await h.service.request(readyRequest('SOL/USD', 2_000));
    h = await restart(h); // the bot placed it, and the process died before it could say so
    await h.service.report(second.saga!.sagaId, {
      kind: 'placed',
      clientOrderId: second.saga!.clientOrderId,
      orderId: 'v-sol',
    });
    expect(status(h).marginUsed).toBe(5_000); // before: 3,000 (v-sol lost)
  });

  it('a placement told as an order event under the saga’s client order id ends the saga done', async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    const saga = await h.service.report(answer.saga!.sagaId, {
      kind: 'cancelled',
      orderId: 'eth-1',
      filledQty: 0,
    });
    const place = saga.waitingFor[0]!;
    expect(place.kind).toBe('place');
    const clientOrderId = place.kind === 'place' ? place.order.clientOrderId : '';
    h.service.event({
      kind: 'placed',
      order: { ...restingOrder('v-btc', 'BTC/USD', 3_000, 0.001), clientOrderId },
    });
    await tick();
    // Before: the saga kept waiting and ended compensated at its deadline, the steal never recorded.
    expect(h.service.sagaView(saga.sagaId)).toMatchObject({
      state: 'done',
      outcome: 'stole',
      orderId: 'v-btc',
    });
    expect(h.service.coordinator.history.all()).toEqual([expect.objectContaining({ victim: 'ETH/USD' })]);
    expect(status(h).marginUsed).toBe(3_000);
  });

  it('an event id reused for another report is refused (409), not silently dropped', () => {
    const h = start();
    h.service.event({ kind: 'placed', eventId: 'e1', order: restingOrder('eth-1', 'ETH/USD', 4_000) });
    expect(
      h.service.event({ kind: 'placed', eventId: 'e1', order: restingOrder('eth-1', 'ETH/USD', 4_000) }),
    ).toEqual({ applied: false, detail: 'event e1 was applied before; counted once' });
    expect(() =>
      h.service.event({ kind: 'fill', eventId: 'e1', orderId: 'eth-1', filledQty: 5, fillPrice: 100 }),
    ).toThrow(ServiceConflict);
  });

  it('a fill beyond what is open but short of the order does not answer a cancel as "filled first"', async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 40, fillPrice: 100 });
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    expect(answer.victims).toEqual(['eth-1']);
    // 45 of 80: more than the 40 still open before, not the whole order.
    expect(h.service.event({ kind: 'fill', orderId: 'eth-1', filledQty: 45, fillPrice: 100 }).detail).toBe(
      'order eth-1 open, 45 of 80 filled',
    );
    await tick();
    expect(h.service.sagaView(answer.saga!.sagaId)!.state).toBe('requested'); // before: decided again
  });

  it('a saga recovered after a restart whose bot never confirms ends aborted at its deadline, margin kept', async () => {
    let h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const answer = await h.service.request(readyRequest('BTC/USD', 3_000));
    h = await restart(h, false); // while the saga waits for the cancel of eth-1
    await tick();
    expect(h.service.sagaView(answer.saga!.sagaId)!.waitingFor).toEqual([
      expect.objectContaining({ kind: 'cancel', orderId: 'eth-1' }),
    ]);
    h.timers.advance(30_000);
    await tick();
    // Before: the saga stayed open with nothing to wait for, until the next restart asked again.
    expect(h.service.sagaView(answer.saga!.sagaId)).toMatchObject({
      state: 'aborted',
      waitingFor: [],
      detail: expect.stringMatching(/cancel of eth-1 rejected: no report of the cancel of eth-1 within 30 s/),
    });
    expect(status(h).orders).toEqual([expect.objectContaining({ id: 'eth-1', qty: 80 })]);
    expect(h.service.coordinator.history.all()).toEqual([]);
  });

  it('a placement the venue rounded holds the margin of what was placed, not of what was asked', async () => {
    let h = start();
    h.service.event({ kind: 'placed', order: restingOrder('eth-1', 'ETH/USD', 8_000) });
    const first = await h.service.request(readyRequest('BTC/USD', 3_000));
    const saga = await h.service.report(first.saga!.sagaId, {
      kind: 'cancelled',
      orderId: 'eth-1',
      filledQty: 0,
    });
    const place = saga.waitingFor[0]!;
    expect(place).toMatchObject({ kind: 'place', order: { qty: 30, limitPrice: 100 } });
    // Told as an order event: 20 at 99 where 30 at 100 was asked.
    h.service.event({
      kind: 'placed',
      order: {
        ...restingOrder('v-btc', 'BTC/USD', 2_000, 0.001),
        limitPrice: 99,
        clientOrderId: place.kind === 'place' ? place.order.clientOrderId : '',
      },
    });
    await tick();
    expect(h.service.sagaView(saga.sagaId)).toMatchObject({ state: 'done', orderId: 'v-btc' });
    // Before: 30 at 100 (3,000) held, in the ledger and in the stored report.
    expect(status(h).orders).toEqual([expect.objectContaining({ id: 'v-btc', qty: 20, limitPrice: 99 })]);
    expect(status(h).marginUsed).toBeCloseTo(1_980, 6);

    // Told as the saga's report, with the size the venue took: 15 of 25.
    const second = await h.service.request(readyRequest('SOL/USD', 2_500));
    const end = await h.service.report(second.saga!.sagaId, {
      kind: 'placed',
      clientOrderId: second.saga!.clientOrderId,
      orderId: 'v-sol',
      qty: 15,
    });
    expect(end.state).toBe('done');
    expect(status(h).marginUsed).toBeCloseTo(3_480, 6); // before: 4,480
    h = await restart(h);
    expect(status(h).marginUsed).toBeCloseTo(3_480, 6); // before: 5,500 (both as asked, from the store)
  });

  it('a placement under a saga’s client order id for another symbol or side is refused and changes nothing', async () => {
    const h = start();
    const first = await h.service.request(readyRequest('BTC/USD', 3_000));
    const clientOrderId = first.saga!.clientOrderId;
    const wrong = { ...restingOrder('v-eth', 'ETH/USD', 3_000, 0.001), clientOrderId };
    expect(() => h.service.event({ kind: 'placed', order: wrong })).toThrow(
      /order\.symbol: ETH\/USD, but saga \S+ asked for BTC\/USD under client order id/,
    );
    expect(() =>
      h.service.event({ kind: 'placed', order: { ...wrong, symbol: 'BTC/USD', side: 'sell' } }),
    ).toThrow(/order\.side: sell, but saga \S+ asked for buy/);
    await tick();
    expect(h.service.sagaView(first.saga!.sagaId)!.waitingFor).toEqual([
      expect.objectContaining({ kind: 'place' }),
    ]);
    expect(status(h).marginUsed).toBe(0);
    expect(h.service.tables.reports()).toEqual([]);
  });

  it('a report sent to another saga is refused and answers nothing; a placement under a wrong id is not dropped', async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('sol-1', 'SOL/USD', 9_000, 0.1) });
    const first = await h.service.request(readyRequest('BTC/USD', 1_000));
    const asked = first.saga!.waitingFor[0]!;
    // Before: a typo in the client order id answered 200 and counted nothing; the saga ended compensated at
    // its deadline and v-btc, resting at the venue, was never counted.
    await expect(
      h.service.report(first.saga!.sagaId, { kind: 'placed', clientOrderId: 'typo', orderId: 'v-btc' }),
    ).rejects.toThrow(/^clientOrderId: typo is not the order saga \S+ asked to place/);
    expect(h.service.sagaView(first.saga!.sagaId)!.waitingFor).toEqual([asked]);
    await h.service.report(first.saga!.sagaId, {
      kind: 'placed',
      clientOrderId: first.saga!.clientOrderId,
      orderId: 'v-btc',
    });
    const second = await h.service.request(readyRequest('ADA/USD', 3_000));
    expect(second.saga!.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'sol-1' })]);
    // Before: the cancel of sol-1 reported to the first (done) saga answered the second one.
    await expect(
      h.service.report(first.saga!.sagaId, { kind: 'cancelled', orderId: 'sol-1', filledQty: 0 }),
    ).rejects.toThrow(
      new RegExp(
        `^orderId: sol-1 is not an order saga \\S+ asked to cancel .* Saga ${second.saga!.sagaId} waits for it`,
      ),
    );
    await tick();
    expect(h.service.sagaView(second.saga!.sagaId)).toMatchObject({ state: 'requested', cancelled: [] });
    expect(status(h).orders.map((o) => o.id)).toEqual(['sol-1', 'v-btc']);
  });
});
