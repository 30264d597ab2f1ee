import { CapacityLedger } from '../coordinator/ledger.js';
import type { Account, OpenOrder } from '../core/types.js';
import type { VenueOrder, VenueOrderStatus } from '../ports/venue.js';
import type { OrderEventBody } from './reports.js';

/**
 * Advisory mode's picture of the venue, built only from what the bots report (order events and saga
 * reports, in the order they arrived). It plays the broker's truth for the coordinator: a restart folds the
 * stored reports into a fresh book, and the coordinator's ledger is reset from it.
 */
export class AdvisoryBook {
  readonly ledger: CapacityLedger;
  /** Every order ever reported, with its last known status (what recovery asks about by client order id). */
  private readonly venue = new Map<string, VenueOrder>();
  private readonly byClientId = new Map<string, string>();

  constructor(account: Account) {
    // Remember closed ids for as long as the service runs: a late report for one is never counted again.
    this.ledger = new CapacityLedger(account, 100_000);
  }

  apply(event: OrderEventBody, at: number): void {
    applyToLedger(this.ledger, event, at);
    switch (event.kind) {
      case 'placed': {
        const o = event.order;
        if (this.venue.has(o.id)) return;
        const clientOrderId = o.clientOrderId ?? o.id;
        this.byClientId.set(clientOrderId, o.id);
        this.venue.set(o.id, {
          id: o.id,
          clientOrderId,
          symbol: o.symbol,
          assetClass: o.assetClass,
          side: o.side,
          role: o.role,
          limitPrice: o.limitPrice,
          qty: o.qty,
          filledQty: 0,
          fillPrice: null,
          status: 'open',
          placedAt: o.placedAt ?? at,
        });
        return;
      }
      case 'fill':
        return this.setStatus(event.orderId, null, event.filledQty, event.fillPrice);
      case 'cancelled':
        return this.setStatus(event.orderId, 'canceled', event.filledQty, event.fillPrice ?? null);
      default:
        return;
    }
  }

  /** The order placed with this client order id (or with this order id when it had none), if reported. */
  byClient(clientOrderId: string): VenueOrder | null {
    const id = this.byClientId.get(clientOrderId);
    const order = id === undefined ? undefined : this.venue.get(id);
    return order ? { ...order } : null;
  }

  isOpen(orderId: string): boolean {
    return this.ledger.hasOrder(orderId);
  }

  private setStatus(
    orderId: string,
    status: VenueOrderStatus | null,
    filledQty: number,
    fillPrice: number | null,
  ): void {
    const o = this.venue.get(orderId);
    if (!o) return;
    o.filledQty = Math.max(o.filledQty, filledQty);
    if (fillPrice !== null) o.fillPrice = fillPrice;
    o.status = status ?? (o.filledQty >= o.qty - 1e-12 ? 'filled' : 'open');
  }
}

/**
 * One report applied to a capacity ledger: the book's and (outside a saga) the coordinator's, so that both
 * follow one rule. Fills are cumulative, so a repeated report counts once; a late report for a closed order
 * changes nothing.
 */
export function applyToLedger(ledger: CapacityLedger, event: OrderEventBody, at: number): void {
  switch (event.kind) {
    case 'placed': {
      const o = event.order;
      if (ledger.hasOrder(o.id) || ledger.wasClosed(o.id)) return;
      const order: OpenOrder = {
        id: o.id,
        symbol: o.symbol,
        assetClass: o.assetClass,
        side: o.side,
        role: o.role,
        limitPrice: o.limitPrice,
        qty: o.qty,
        price: o.price,
        forecastPnl: o.forecastPnl,
        placedAt: o.placedAt ?? at,
        probe: o.probe,
        external: o.external,
      };
      ledger.addOrder(order);
      return;
    }
    case 'fill':
      ledger.applyFill(event.orderId, event.filledQty, event.fillPrice);
      return;
    case 'cancelled': {
      const order = ledger.order(event.orderId);
      if (order && event.filledQty > 0)
        ledger.applyFill(event.orderId, event.filledQty, event.fillPrice ?? order.limitPrice);
      ledger.removeOrder(event.orderId);
      return;
    }
    case 'quote':
      ledger.markQuote(event.symbol, event.bid, event.ask);
      return;
    case 'account':
      ledger.setAccount({
        equity: event.equity,
        patternDayTrader: event.patternDayTrader,
        ...(event.cash === undefined ? {} : { cash: event.cash }),
      });
      return;
    case 'position':
      ledger.setPosition({
        symbol: event.symbol,
        assetClass: event.assetClass,
        qty: event.qty,
        price: event.price,
      });
      return;
  }
}
