import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Coordinator,
  MemoryBroker,
  ValidationError,
  nyseCalendar,
  resolveConfig,
  type OrderUpdate,
} from '../../src/index.js';
import { README_ACCOUNT, README_ETH, README_NOW } from '../support/readme-book.js';

/**
 * Fills and order updates the service refuses (409) are refused by the coordinator itself: a fill above the
 * order's quantity (it was clipped to the order, the position left unlike the venue's), a fill of an order
 * the ledger never held (ignored), an update with an unknown status or a NaN fill (applied as "applied").
 * Each refusal names the order, the field and the value and leaves the ledger and the broker unchanged.
 */
const { config } = resolveConfig();
const now = README_NOW;
const account = README_ACCOUNT;
const eth = README_ETH;

async function fresh(): Promise<{ broker: MemoryBroker; coordinator: Coordinator }> {
  const broker = new MemoryBroker({ account, orders: [eth], now: () => now });
  const coordinator = new Coordinator({
    config,
    clock: { now: () => now },
    calendar: nyseCalendar(),
    account,
  });
  await coordinator.reconcile(broker);
  return { broker, coordinator };
}

/** The refusal `call` throws, with the ledger and the broker checked unchanged by it. */
async function refused(call: (c: Coordinator) => unknown): Promise<ValidationError> {
  const { broker, coordinator } = await fresh();
  const ledgerBefore = coordinator.ledger.snapshot();
  const venue = async (): Promise<string> =>
    JSON.stringify([
      await broker.openOrders(),
      await broker.positions(),
      broker.calls.placeLimit,
      broker.calls.cancel,
    ]);
  const brokerBefore = await venue();
  let error: unknown;
  try {
    call(coordinator);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect(coordinator.ledger.snapshot()).toEqual(ledgerBefore);
  expect(await venue()).toBe(brokerBefore);
  return error as ValidationError;
}

const update = (patch: Partial<OrderUpdate>): OrderUpdate => ({
  id: 'eth-1',
  status: 'open',
  filledQty: 1,
  fillPrice: 2_400,
  ...patch,
});

describe('Coordinator.applyFill', () => {
  it('refuses a cumulative fill above the order (5 of 3), naming the order and the value', async () => {
    const error = await refused((c) => c.applyFill('eth-1', 5, 2_400));
    expect(error.message).toContain('eth-1');
    expect(error.issues).toEqual([expect.objectContaining({ where: 'cumulativeQty', value: 5 })]);
    expect(error.issues[0]!.message).toContain('placed for 3');
  });

  it('refuses a fill of an order the ledger never held, naming the id', async () => {
    const error = await refused((c) => c.applyFill('ghost', 10, 2_400));
    expect(error.issues).toEqual([expect.objectContaining({ where: 'orderId', value: 'ghost' })]);
    expect(error.issues[0]!.message).toContain('applyOrderUpdate');
  });

  it('takes a fill of exactly the order, and a repeat of it once the order closed changes nothing', async () => {
    const { coordinator } = await fresh();
    coordinator.applyFill('eth-1', 3, 2_400);
    expect(coordinator.ledger.position('ETH/USD')?.qty).toBe(3);
    const after = coordinator.ledger.snapshot();
    coordinator.applyFill('eth-1', 3, 2_400);
    expect(coordinator.ledger.snapshot()).toEqual(after);
  });
});

describe('Coordinator.applyOrderUpdate', () => {
  it('refuses an unknown status, a NaN fill and a NaN price, each by its field', async () => {
    const error = await refused((c) =>
      c.applyOrderUpdate(update({ status: 'weird' as never, filledQty: Number.NaN, fillPrice: Number.NaN })),
    );
    expect(error.message).toContain('eth-1');
    expect(error.issues.map((i) => i.where).sort()).toEqual([
      'update.fillPrice',
      'update.filledQty',
      'update.status',
    ]);
  });

  it('refuses a cumulative fill above the order (99 of 3) instead of clipping it', async () => {
    const error = await refused((c) =>
      c.applyOrderUpdate(update({ status: 'open', filledQty: 99, fillPrice: 2_400 })),
    );
    expect(error.issues).toEqual([expect.objectContaining({ where: 'update.filledQty', value: 99 })]);
  });

  it('keeps a valid update of an order not placed yet (its fill may race the place answer)', async () => {
    const { coordinator } = await fresh();
    expect(coordinator.applyOrderUpdate(update({ id: 'later', status: 'open' }))).toBe('early');
  });

  it('applies any fill up to the placed quantity and refuses any above it, with the ledger unchanged', async () => {
    const { coordinator } = await fresh();
    const before = coordinator.ledger.snapshot();
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10, noNaN: true }), (filledQty) => {
        const c = new Coordinator({
          config,
          clock: { now: () => now },
          calendar: nyseCalendar(),
          account,
          startsEmpty: true,
        });
        c.ledger.reset(before);
        const u = update({ status: 'open', filledQty });
        if (filledQty > 3 * (1 + 1e-9)) {
          expect(() => c.applyOrderUpdate(u)).toThrow(ValidationError);
          expect(c.ledger.snapshot()).toEqual(before);
        } else {
          expect(c.applyOrderUpdate(u)).toBe('applied');
          expect(c.ledger.filled('eth-1') + (c.ledger.order('eth-1')?.qty ?? 0)).toBeCloseTo(3, 9);
        }
      }),
      { seed: 2931, numRuns: 300 },
    );
  });
});
