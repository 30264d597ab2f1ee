import type { CancelResult } from '../../src/coordinator/broker.js';
import type { VenueOrder } from '../../src/ports/venue.js';

/** A venue that only answers what recovery asks: how an order ended (by client order id), and a cancel. */
export class AskedVenue {
  readonly name = 'paper';
  readonly cancels: string[] = [];
  constructor(private readonly known: Map<string, VenueOrder>) {}
  orderByClientId(clientOrderId: string): Promise<VenueOrder | null> {
    return Promise.resolve(this.known.get(clientOrderId) ?? null);
  }
  cancel(orderId: string): Promise<CancelResult> {
    this.cancels.push(orderId);
    return Promise.resolve({ status: 'cancelled', filledQty: 0 });
  }
}
