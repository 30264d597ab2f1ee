import type { VenueOrder } from '../ports/venue.js';
import type { BookEffect } from './book.js';
import type { OrderEventBody } from './reports.js';

/**
 * What an order event that counted did, for its answer's `detail`: the order, quote, account or position as the
 * service holds it now. It said "placed applied", "fill applied", which told a bot nothing it could check.
 * `order` is the order as held after the event (null for events that name none).
 */
export function appliedDetail(body: OrderEventBody, order: VenueOrder | null, positionNow = 0): string {
  switch (body.kind) {
    case 'placed':
      return `order ${body.order.id} taken: ${termsText(order ?? body.order)}, ${orderState(order)}`;
    case 'fill':
    case 'cancelled':
      return `order ${body.orderId} ${orderState(order)}`;
    case 'quote':
      return `quote taken: ${body.symbol} bid ${body.bid}, ask ${body.ask}`;
    case 'account':
      return (
        `account taken: equity ${body.equity}` +
        (body.patternDayTrader === undefined ? '' : `, pattern day trader ${body.patternDayTrader}`) +
        (body.cash === undefined ? '' : `, cash ${body.cash}`)
      );
    case 'position': {
      const taken =
        body.qty === 0
          ? `position taken: ${body.symbol} closed (qty 0)`
          : `position taken: ${body.symbol} ${body.qty} @ ${body.price}`;
      const asOf = body.asOf === undefined ? '' : ` as of ${new Date(body.asOf).toISOString()}`;
      // Fills dated after the snapshot that were reported before it stay counted (dated-positions.ts).
      const held =
        Math.abs(positionNow - body.qty) > 1e-9
          ? `; held as ${positionNow} with the fills dated after it`
          : '';
      return taken + asOf + held;
    }
  }
}

const termsText = (o: Pick<VenueOrder, 'side' | 'qty' | 'symbol' | 'limitPrice'>): string =>
  `${o.side} ${o.qty} ${o.symbol} @ ${o.limitPrice}`;

/** open / filled / cancelled, with the cumulative fill. */
function orderState(o: VenueOrder | null): string {
  if (o === null) return 'held';
  const filled = `${o.filledQty} of ${o.qty} filled`;
  if (o.status === 'open') return o.filledQty > 0 ? `open, ${filled}` : 'open';
  if (o.status === 'filled') return `filled (${o.filledQty} of ${o.qty}); no longer open`;
  return `${o.status === 'canceled' ? 'cancelled' : o.status}, ${filled}; no longer open`;
}

/**
 * A fill or cancel of an order never reported placed: held, not applied. It counts once the placement comes, if
 * it agrees with it (the bot's reports took different paths); if no placement ever comes it never counts.
 */
export function heldDetail(body: OrderEventBody & { kind: 'fill' | 'cancelled' }): string {
  return (
    `${body.kind === 'fill' ? 'fill' : 'cancel'} of ${body.orderId} not applied: no order ${body.orderId} was ` +
    'reported placed. It is held and ' +
    `counts once a "placed" event for ${body.orderId} comes, if it agrees with it; report each order placed ` +
    'before its fills and cancels'
  );
}

/** A dropped held report, for a placement's answer and the log: which report, what it said, and why. */
export function describeDropped(dropped: NonNullable<BookEffect['dropped']>): string {
  const r = dropped.report;
  const price = r.fillPrice === undefined ? '' : ` at ${r.fillPrice}`;
  return (
    `the ${r.kind} report of order ${r.orderId} (filledQty ${r.filledQty}${price}) that came before this ` +
    `placement was dropped, not counted: ${dropped.reason}`
  );
}
