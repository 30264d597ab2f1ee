import type { CapacityLedger } from '../coordinator/ledger.js';
import { orderTerms, type OpenOrder } from '../core/types.js';
import type { OrderEventBody } from './reports.js';

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
        ...orderTerms(o),
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
      // An omitted flag keeps what the account is (docs/service.md): a report of equity alone is no news of it.
      ledger.setAccount({
        equity: event.equity,
        ...(event.patternDayTrader === undefined ? {} : { patternDayTrader: event.patternDayTrader }),
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
