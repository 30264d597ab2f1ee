/**
 * A saga's order reported placed before the saga asked for it, after a restart: the saga is an earlier
 * process's, recovered and still waiting for its victims' cancels, with no claim in memory. Its order is now
 * checked against the terms the saga stored (sagas.order_terms), as in the saga's own process
 * (placed-before-cancels.test.ts): an oversized order or one of another symbol is refused (409) naming the
 * saga, with what to do; the order asked for counts once and the recovery adopts it. Before, any order under the
 * saga's client order id was taken unchecked. Equity 10,000 at 1x; every order is a crypto buy at limit 100.
 */
import { describe, expect, it } from 'vitest';
import { ServiceConflict } from '../../src/service/views.js';
import { advisoryService, closedAfterEachTest, restingOrder, type Harness } from './fixture.js';
import { stealV1 } from './steal-setup.js';

const { open } = closedAfterEachTest();

const status = (h: Harness) =>
  h.service.status() as {
    marginUsed: number;
    orders: { id: string; qty: number }[];
    sagas: { sagaId: string; waitingFor: { kind: string; orderId?: string }[] }[];
  };

/**
 * v1 (SOL/USD, 3,000) and v2 (BTC/USD, 5,000) rest; a request for 5,000 of ETH/USD steals v1; then the service
 * is killed while the saga waits for v1's cancel, and started again on its store.
 */
async function restartedMidSaga(): Promise<{ h: Harness; sagaId: string; clientOrderId: string }> {
  const first = advisoryService({ equity: 10_000 });
  open.push(first);
  const saga = await stealV1(first);
  await first.service.durable();
  first.store.close(); // a kill: no clean stop
  open.length = 0;
  const h = advisoryService({ equity: 10_000, dir: first.dir, now: first.timers.now() });
  open.push(h);
  await new Promise((resolve) => setImmediate(resolve)); // the recovery asks the bot again
  const recovered = status(h).sagas.find((s) => s.sagaId === saga.sagaId);
  expect(recovered?.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'v1' })]);
  return { h, sagaId: saga.sagaId, clientOrderId: saga.clientOrderId };
}

const placedUnder = (clientOrderId: string, symbol: string, margin: number) => ({
  kind: 'placed' as const,
  order: { ...restingOrder('x1', symbol, margin, 0.001), clientOrderId },
});

describe('a recovered saga’s order reported placed before it asked for it', () => {
  it('is refused when larger than the saga asked, naming the saga and what to do', async () => {
    const { h, sagaId, clientOrderId } = await restartedMidSaga();
    const before = status(h);
    let refused: unknown;
    try {
      h.service.event(placedUnder(clientOrderId, 'ETH/USD', 8_000));
    } catch (error) {
      refused = error;
    }
    // Before: counted unchecked, 8,000 of margin where the decision granted 5,000.
    expect(refused).toBeInstanceOf(ServiceConflict);
    expect((refused as Error).message).toBe(
      `order x1: qty 80 placed under client order id ${clientOrderId}, but the saga asked for 50 ETH/USD ` +
        '(a venue rounds a size down, never up to 80); nothing changed, the margin of 80 was never granted. ' +
        'Cancel the order at the venue and let the saga end (the saga, interrupted by a restart, places ' +
        'nothing itself; once its cancels are answered without its order at the venue it ends aborted, and ' +
        'the watcher asks again); if part of it filled first, send a "position" event with the venue\'s position',
    );
    expect(status(h).orders).toEqual(before.orders);
    expect(sagaId).toBe(clientOrderId);
  });

  it('is refused when of another symbol than the saga’s', async () => {
    const { h, sagaId, clientOrderId } = await restartedMidSaga();
    expect(() => h.service.event(placedUnder(clientOrderId, 'SOL/USD', 5_000))).toThrow(
      `order.symbol: SOL/USD, but saga ${sagaId} asked for ETH/USD under client order id ${clientOrderId}`,
    );
  });

  it('counts once when it is the order asked for, and the recovery adopts it', async () => {
    const { h, sagaId, clientOrderId } = await restartedMidSaga();
    const answer = h.service.event(placedUnder(clientOrderId, 'ETH/USD', 5_000));
    expect(answer.applied).toBe(true);
    expect(status(h).marginUsed).toBe(13_000); // v1 still rests until its cancel is confirmed
    const done = await h.service.report(sagaId, { kind: 'cancelled', orderId: 'v1', filledQty: 0 });
    expect(done).toMatchObject({ state: 'done', orderId: 'x1', cancelled: ['v1'] });
    expect(status(h).orders.map((o) => [o.id, o.qty])).toEqual([
      ['v2', 50],
      ['x1', 50],
    ]);
    expect(status(h).marginUsed).toBe(10_000);
  });
});
