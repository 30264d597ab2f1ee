import { isTerminalStatus, type OrderUpdate } from './broker.js';
import type { CapacityLedger } from './ledger.js';

/** How many early updates are kept for orders whose place answer has not come back yet. */
const EARLY_MEMORY = 1_000;

export type UpdateFate = 'applied' | 'late' | 'early';

/**
 * Order updates from the venue (a stream event or a look-up) applied to the ledger. Fills are cumulative, so
 * a repeated or reordered update is counted once; a status that is not terminal (`done_for_day` included)
 * keeps the order open. An update for an order the ledger does not know yet — its fill raced the place
 * answer — is kept until the saga adds that order, then applied; one for an order already closed is late and
 * ignored (the closing update carried the cumulative fill).
 */
export class OrderUpdates {
  /** Early updates by order id and by `c:` + client order id (the place answer may not have come back). */
  private readonly early = new Map<string, OrderUpdate>();

  constructor(
    private readonly ledger: CapacityLedger,
    private readonly memory = EARLY_MEMORY,
  ) {}

  apply(update: OrderUpdate): UpdateFate {
    if (this.ledger.hasOrder(update.id)) {
      applyTo(this.ledger, update);
      return 'applied';
    }
    if (this.ledger.wasClosed(update.id)) return 'late';
    this.keep(update.id, update);
    if (update.clientOrderId !== undefined) this.keep(`c:${update.clientOrderId}`, update);
    return 'early';
  }

  /**
   * The order is in the ledger now (its place answer came back, or its placer recorded it): apply what
   * arrived for it before. Without a client order id, the one an early update of the order carried.
   */
  settle(orderId: string, clientOrderId?: string): void {
    const byId = this.early.get(orderId);
    const client = clientOrderId ?? byId?.clientOrderId;
    const byClient = client === undefined ? undefined : this.early.get(`c:${client}`);
    this.early.delete(orderId);
    if (client !== undefined) this.early.delete(`c:${client}`);
    const update = newer(byId, byClient);
    if (update && this.ledger.hasOrder(orderId))
      applyTo(this.ledger, Object.assign({}, update, { id: orderId }));
  }

  /** After a reconcile: updates for orders the ledger now holds are applied (cumulative: no double count). */
  afterReset(): void {
    for (const [key, update] of this.early) {
      if (key.startsWith('c:') || !this.ledger.hasOrder(update.id)) continue;
      this.early.delete(key);
      if (update.clientOrderId !== undefined) this.early.delete(`c:${update.clientOrderId}`);
      applyTo(this.ledger, update);
    }
  }

  private keep(key: string, update: OrderUpdate): void {
    const kept = newer(this.early.get(key), update)!;
    this.early.delete(key); // re-inserted last: the oldest key is the first to go
    this.early.set(key, kept);
    if (this.early.size > 2 * this.memory) this.early.delete(this.early.keys().next().value!);
  }
}

/** The update that says more: the larger cumulative fill, or at equal fills a terminal status. */
function newer(a: OrderUpdate | undefined, b: OrderUpdate | undefined): OrderUpdate | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.filledQty !== b.filledQty) return a.filledQty > b.filledQty ? a : b;
  return isTerminalStatus(b.status) ? b : a;
}

function applyTo(ledger: CapacityLedger, update: OrderUpdate): void {
  const order = ledger.order(update.id);
  if (!order) return;
  if (update.filledQty > 0)
    ledger.applyFill(update.id, update.filledQty, update.fillPrice ?? order.limitPrice);
  if (isTerminalStatus(update.status)) ledger.removeOrder(update.id);
}
