import type { CapacityLedger } from '../coordinator/ledger.js';
import type { AdvisoryBroker } from './advisory-broker.js';
import type { OrderEventBody } from './reports.js';
import type { ServiceTables } from './service-tables.js';

export interface AdvisoryEventContext {
  advisory: AdvisoryBroker;
  ledger: CapacityLedger;
  tables: ServiceTables;
  /** Apply an event outside any saga to the book and the ledger; false when it changed nothing. */
  apply: (event: OrderEventBody) => boolean;
}

/**
 * An order event in advisory mode (anything the bot saw). An event id seen before counts once; the cancel
 * confirmation (or the full fill) a saga waits for answers that saga; anything else goes to the book and
 * the ledger.
 */
export function advisoryEvent(
  body: OrderEventBody,
  c: AdvisoryEventContext,
): { applied: boolean; detail: string } {
  if (body.eventId !== undefined && c.tables.hasEvent(body.eventId))
    return { applied: false, detail: `event ${body.eventId} was applied before; counted once` };
  // The confirmation a saga waits for, sent as an order event: it answers the saga.
  if (body.kind === 'cancelled' && c.advisory.awaitsCancel(body.orderId)) {
    c.advisory.report({
      kind: 'cancelled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
    });
    return { applied: true, detail: 'answered the saga waiting for this cancel' };
  }
  const order = body.kind === 'fill' ? c.ledger.order(body.orderId) : undefined;
  if (body.kind === 'fill' && order && c.advisory.awaitsCancel(body.orderId) && body.filledQty >= order.qty) {
    c.advisory.report({
      kind: 'filled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
    });
    return { applied: true, detail: 'answered the saga waiting for this cancel: the order filled first' };
  }
  if (c.apply(body)) return { applied: true, detail: `${body.kind} applied` };
  return {
    applied: false,
    detail: `${body.kind}: the order is not open (a repeat or a late report); nothing changed`,
  };
}
