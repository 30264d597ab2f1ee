import { expect } from 'vitest';
import type { OrderUpdate } from '../../src/coordinator/broker.js';
import type { MemoryBroker } from '../../src/brokers/memory.js';
import { brokerTruth, knownOrders, knownPositions, refUsed, type Harness } from '../support/arbitraries.js';

export const usedMargin = (h: Harness): number =>
  h.coordinator.ledger.usedMargin(h.state.sessionOpen, h.config.margin);

/**
 * The ledger equals the venue: the same open orders (quantity still open AND cumulative filled quantity),
 * the same positions, the same equity, and the margin that truth holds. A position's mark is the price of the
 * last fill each side applied: with updates delivered out of order across orders (no update carries a time),
 * the ledger's last may be another fill than the venue's, and for a symbol filled at 100 and at 1,000 the
 * margins differed by the marks alone (found with another seed). Positions are compared by quantity, so the
 * margin is the venue's orders and positions at the ledger's marks.
 */
export async function expectLedgerIsVenue(h: Harness): Promise<void> {
  const truth = await brokerTruth(h.broker);
  const ledger = h.coordinator.ledger;
  expect(knownOrders(ledger.orders)).toEqual(knownOrders(truth.orders));
  const filled = (ids: string[], of: (id: string) => number): Record<string, number> =>
    Object.fromEntries(ids.map((id) => [id, Math.round(of(id) * 1e9) / 1e9]));
  const ids = truth.orders.map((o) => o.id).sort();
  const venueFilled = new Map(truth.orders.map((o) => [o.id, o.filledQty ?? 0]));
  expect(filled(ids, (id) => ledger.filled(id))).toEqual(filled(ids, (id) => venueFilled.get(id)!));
  expect(knownPositions(ledger.positions)).toEqual(knownPositions(truth.positions));
  expect(ledger.account.equity).toBe(truth.equity);
  const marked = truth.positions.map((p) => ({ ...p, price: ledger.position(p.symbol)?.price ?? p.price }));
  expect(usedMargin(h)).toBeCloseTo(refUsed(truth.orders, marked, h.state, h.config.margin), 6);
}

/**
 * The venue's order stream as a network delivers it: updates queue up and are handed to the coordinator
 * when the test says, in any order, some of them twice.
 */
export class UpdateChannel {
  readonly queued: OrderUpdate[] = [];
  readonly fates: string[] = [];

  constructor(
    broker: MemoryBroker,
    private readonly h: Harness,
  ) {
    broker.onOrderUpdate((u) => this.queued.push(u));
  }

  /** Deliver the queued updates: `pick` chooses the next index, `twice` whether it is delivered again. */
  deliver(pick: (n: number) => number = () => 0, twice: () => boolean = () => false): void {
    while (this.queued.length) {
      const [u] = this.queued.splice(pick(this.queued.length), 1);
      this.fates.push(this.h.coordinator.applyOrderUpdate(u!));
      if (twice()) this.fates.push(this.h.coordinator.applyOrderUpdate({ ...u! }));
    }
  }
}

/** Let pending promise callbacks run (the memory broker's calls resolve over a few ticks). */
export async function ticks(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
