/**
 * A victim fills while its saga waits for the cancel (QA race1.sh): the saga decides again and may move to
 * another victim. The bot that was told to cancel the first victim reports on it all the same; that report is
 * taken (it was a 409 "not an order saga … asked to cancel"), answered with the saga as it is now, and the new
 * victim is in the answer. A request's own answer shows the saga as it is when the answer leaves.
 */
import { describe, expect, it } from 'vitest';
import type { OrderBody } from '../../src/service/reports.js';
import { advisoryService, closedAfterEachTest, T0, type Harness } from './fixture.js';

const { open } = closedAfterEachTest();
const start = (): Harness => {
  const h = advisoryService({ equity: 25_000 });
  open.push(h);
  return h;
};

const resting = (id: string, symbol: string, qty: number): OrderBody => ({
  id,
  symbol,
  assetClass: 'crypto',
  side: 'buy',
  role: 'entry',
  limitPrice: 90,
  qty,
  price: 100,
  forecastPnl: 0,
  placedAt: T0 - 3_600_000 - qty, // a-v1 (150) is the older: the victims tie on distance and PnL
  probe: false,
  external: false,
});

const request = {
  symbol: 'AS/USD',
  assetClass: 'crypto' as const,
  side: 'buy' as const,
  limitPrice: 100,
  qty: 100,
  price: 100.2,
  forecastPnl: 50,
  cryptoRank: null,
};

/** Two resting victims; a request that must steal one (a-v1 first). */
async function raced(h: Harness) {
  h.service.event({ kind: 'placed', order: resting('a-v1', 'AV1/USD', 150) });
  h.service.event({ kind: 'placed', order: resting('a-v2', 'AV2/USD', 100) });
  const answer = await h.service.request(request);
  expect(answer.saga?.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'a-v1' })]);
  return answer.saga!.sagaId;
}

/** Let the saga move on after an event (its steps are promise jobs). */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('a victim that fills while its saga waits for the cancel', () => {
  it("takes the bot's report on the victim it was told to cancel and tells it the new victim", async () => {
    const h = start();
    const sagaId = await raced(h);
    const fill = h.service.event({ kind: 'fill', orderId: 'a-v1', filledQty: 150, fillPrice: 90 });
    expect(fill.applied).toBe(true);
    expect(fill.detail).toMatch(new RegExp(`saga ${sagaId}`));
    await settle();
    expect(h.service.sagaView(sagaId)).toMatchObject({
      victims: ['a-v2'],
      earlierVictims: ['a-v1'],
      waitingFor: [expect.objectContaining({ kind: 'cancel', orderId: 'a-v2' })],
    });

    // Before: 409 "a-v1 is not an order saga … asked to cancel (its victims: a-v2)", and the bot never heard of a-v2.
    const filled = await h.service.report(sagaId, {
      kind: 'filled',
      orderId: 'a-v1',
      filledQty: 150,
      fillPrice: 90,
    });
    expect(filled.report.applied).toBe(false); // the fill event counted it already
    expect(filled.report.detail).toMatch(/a-v1 filled during its cancel/);
    expect(filled.report.detail).toMatch(/Now: saga \S+ waits for the cancel of a-v2/);
    expect(filled.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'a-v2' })]);
    const cancelled = await h.service.report(sagaId, { kind: 'cancelled', orderId: 'a-v1', filledQty: 150 });
    expect(cancelled.report).toEqual({ applied: false, detail: expect.stringMatching(/a-v2/) });
    const rejected = await h.service.report(sagaId, {
      kind: 'cancel-rejected',
      orderId: 'a-v1',
      reason: 'order already filled',
    });
    expect(rejected.report.applied).toBe(false);

    // The bot goes on with what the answer asks: the steal completes on a-v2.
    const next = await h.service.report(sagaId, { kind: 'cancelled', orderId: 'a-v2', filledQty: 0 });
    expect(next.waitingFor).toEqual([expect.objectContaining({ kind: 'place' })]);
    const done = await h.service.report(sagaId, {
      kind: 'placed',
      clientOrderId: next.clientOrderId,
      orderId: 'as-1',
    });
    expect(done).toMatchObject({ state: 'done', outcome: 'stole', earlierVictims: ['a-v1'] });
    // Money: a-v1 a position of 150 at 90, a-v2 gone, the stealer's order held.
    const status = h.service.status() as { marginUsed: number; orders: { id: string }[] };
    expect(status.orders.map((o) => o.id)).toEqual(['as-1']);
    expect(status.marginUsed).toBeCloseTo(150 * 90 + 100 * 100, 6);
  });

  it('a report on the first victim after the saga ended is still taken and says how it ended', async () => {
    const h = start();
    const sagaId = await raced(h);
    h.service.event({ kind: 'fill', orderId: 'a-v1', filledQty: 150, fillPrice: 90 });
    await settle();
    h.timers.advance(30_000); // nobody cancels a-v2: the saga aborts at its deadline
    await settle();
    const late = await h.service.report(sagaId, {
      kind: 'filled',
      orderId: 'a-v1',
      filledQty: 150,
      fillPrice: 90,
    });
    expect(late).toMatchObject({ state: 'aborted', outcome: 'aborted' });
    expect(late.report.applied).toBe(false);
    expect(late.report.detail).toMatch(/ended aborted/);
  });

  it("a request's answer shows the saga as it is when the answer leaves, not when it was first asked", async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: resting('a-v1', 'AV1/USD', 150) });
    h.service.event({ kind: 'placed', order: resting('a-v2', 'AV2/USD', 100) });
    const pending = h.service.request(request);
    // The saga asks for a-v1's cancel; the victim's fill arrives before the answer's commit (QA run4, saga 19).
    const asked = () =>
      (h.service.status() as { sagas: { waitingFor: unknown[] }[] }).sagas[0]?.waitingFor.length ?? 0;
    for (let i = 0; i < 1000 && asked() === 0; i++) await Promise.resolve();
    expect(asked()).toBe(1);
    h.service.event({ kind: 'fill', orderId: 'a-v1', filledQty: 150, fillPrice: 90 });
    const answer = await pending;
    expect(answer.victims).toEqual(['a-v2']); // before: a-v1, which the saga had left
    expect(answer.saga).toMatchObject({
      victims: ['a-v2'],
      waitingFor: [expect.objectContaining({ kind: 'cancel', orderId: 'a-v2' })],
    });
  });
});
