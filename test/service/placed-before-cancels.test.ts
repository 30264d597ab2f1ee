/**
 * A bot that places a saga's order (under its client order id) before the saga asks for it: it did not wait for
 * the victims' cancels, or its reports crossed. The venue holds the order, so the `placed` event counts at once,
 * once, as that saga's order; the saga finishes its cancels and takes it as its own. Equity 10,000 at 1x; every
 * order is a crypto buy at limit 100, so margin = quantity × 100. (money-model.test.ts meets these among random
 * sequences; here each on its own.)
 */
import { describe, expect, it } from 'vitest';
import { ServiceConflict } from '../../src/service/views.js';
import {
  advisoryService,
  closedAfterEachTest,
  foldReports,
  readyRequest,
  restingOrder,
  type Harness,
} from './fixture.js';
import { stealV1 } from './steal-setup.js';

const { open } = closedAfterEachTest();
const status = (h: Harness) =>
  h.service.status() as {
    marginUsed: number;
    marginClaimed: number;
    orders: { id: string; qty: number }[];
    positions: { symbol: string; qty: number }[];
  };
const held = (s: {
  orders: readonly { id: string; qty: number }[];
  positions: readonly { symbol: string; qty: number }[];
}) => ({
  orders: s.orders.map((o) => [o.id, o.qty]),
  positions: s.positions.map((p) => [p.symbol, p.qty]),
});

/** The saga of steal-setup.ts steals v1 (3,000) beside v2 (5,000); x1 placed for it early. */
async function placedEarly(h: Harness, qty = 50) {
  const saga = await stealV1(h);
  const order = { ...restingOrder('x1', 'ETH/USD', qty * 100, 0.001), clientOrderId: saga.clientOrderId };
  return { saga, placed: () => h.service.event({ kind: 'placed', order }) };
}

const start = (): Harness => {
  const h = advisoryService({ equity: 10_000 });
  open.push(h);
  return h;
};

describe('a saga’s order reported placed while the saga waits for its cancels', () => {
  it('counts once, as the saga’s: its claim adds nothing more, and the saga adopts it', async () => {
    const h = start();
    const { saga, placed } = await placedEarly(h);
    expect(status(h).marginClaimed).toBe(2_000); // 5,000 for the stealer less v1's 3,000
    const answer = placed();
    expect(answer.applied).toBe(true);
    expect(answer.detail).toMatch(
      new RegExp(
        `counted once, as the order of saga ${saga.sagaId}, placed before it asked for it \\(it waits for the cancel of v1\\)`,
      ),
    );
    // Before: 2,000 still claimed beside x1's 5,000 in the ledger: the stealer counted twice for other requests.
    expect(status(h)).toMatchObject({ marginUsed: 13_000, marginClaimed: 0 });
    const done = await h.service.report(saga.sagaId, { kind: 'cancelled', orderId: 'v1', filledQty: 0 });
    expect(done).toMatchObject({ state: 'done', outcome: 'stole', orderId: 'x1', waitingFor: [] });
    expect(held(status(h))).toEqual({
      orders: [
        ['v2', 50],
        ['x1', 50],
      ],
      positions: [],
    });
  });

  for (const [how, report, position] of [
    ['filled whole', { kind: 'fill', orderId: 'x1', filledQty: 50, fillPrice: 100 }, 50],
    [
      'cancelled after a partial fill',
      { kind: 'cancelled', orderId: 'x1', filledQty: 20, fillPrice: 100 },
      20,
    ],
  ] as const)
    it(`counts its fills once when it ${how} before the saga moved on`, async () => {
      const h = start();
      const { saga, placed } = await placedEarly(h);
      placed();
      h.service.event(report);
      await h.service.report(saga.sagaId, { kind: 'cancelled', orderId: 'v1', filledQty: 0 });
      // Before: the saga added the closed x1 back and applied its fill again: a position of 100 (or 40).
      const venue = { orders: [['v2', 50]], positions: [['ETH/USD', position]] };
      expect(held(status(h))).toEqual(venue);
      expect(held(foldReports(h, 10_000))).toEqual(venue);
    });

  it('does not decide again when a victim fills during its cancel: it keeps the order it has', async () => {
    const h = start();
    const { saga, placed } = await placedEarly(h);
    placed();
    // 20 of v1's 30 filled before its cancel took effect.
    const after = await h.service.report(saga.sagaId, {
      kind: 'cancelled',
      orderId: 'v1',
      filledQty: 20,
      fillPrice: 100,
    });
    // Before: the saga decided again, took x1 for the symbol's older order it replaces and asked the bot to
    // cancel it; confirmed, it ended "stole" naming x1, with no order of ETH/USD left at the venue.
    expect(after).toMatchObject({ state: 'done', outcome: 'stole', orderId: 'x1', waitingFor: [] });
    expect(held(status(h))).toEqual({
      orders: [
        ['v2', 50],
        ['x1', 50],
      ],
      positions: [['SOL/USD', 20]],
    });
  });

  it('records the steals of the victims it cancelled when a later cancel is refused: its order reached the venue', async () => {
    const h = start();
    h.service.event({ kind: 'placed', order: restingOrder('v1', 'SOL/USD', 3_000, 0.1) });
    h.service.event({ kind: 'placed', order: restingOrder('v2', 'BTC/USD', 5_000, 0.2) });
    // 8,000 of 10,000 used: a request of 8,000 takes both victims, v2 (the further) first.
    const saga = (await h.service.request(readyRequest('ETH/USD', 8_000))).saga!;
    const order = { ...restingOrder('x1', 'ETH/USD', 8_000, 0.001), clientOrderId: saga.clientOrderId };
    h.service.event({ kind: 'placed', order });
    await h.service.report(saga.sagaId, { kind: 'cancelled', orderId: 'v2', filledQty: 0 });
    const after = await h.service.report(saga.sagaId, {
      kind: 'cancel-rejected',
      orderId: 'v1',
      reason: 'already filled',
    });
    expect(after).toMatchObject({ state: 'aborted' });
    // The venue holds x1 (it took v2's margin) and v1: x1 stole from BTC/USD, as any stealer that reached the
    // venue does (steal-record.ts). Before: nothing recorded, so no cooldown and no fight count for the pair.
    const steals = h.service.coordinator.history.all().map((e) => [e.thief, e.victim]);
    expect(steals).toEqual([['ETH/USD', 'BTC/USD']]);
    expect(held(status(h)).orders).toEqual([
      ['v1', 30],
      ['x1', 80],
    ]);
  });

  it('is refused (409, naming the saga) when it is not the order the saga will ask for', async () => {
    const h = start();
    const { saga, placed } = await placedEarly(h, 90);
    // Before: taken; the saga then ended compensated, blaming an idPrefix shared by two coordinators.
    expect(placed).toThrow(ServiceConflict);
    expect(placed).toThrow(
      `order x1: qty 90 placed under client order id ${saga.clientOrderId}, but the saga asked for 50 ETH/USD`,
    );
    // What to do: the saga has asked for no placement yet, so there is none to report rejected.
    expect(placed).toThrow(/Cancel the order at the venue and place 50 when the saga asks for it; if part/);
    expect(placed).not.toThrow(/place-rejected/);
    expect(held(status(h)).orders).toEqual([
      ['v1', 30],
      ['v2', 50],
    ]);
    expect(h.service.sagaView(saga.sagaId)!.waitingFor).toEqual([expect.objectContaining({ orderId: 'v1' })]);
  });
});
