import type { OrderRole } from '../core/types.js';
import type { AdvisoryBook } from './book.js';
import { PLACEMENT_ROUNDING } from '../coordinator/broker-calls.js';
import { QTY_SLACK, overfills } from '../coordinator/fill-checks.js';
import type { OrderBody, OrderEventBody, SagaReportBody } from './reports.js';
import { ServiceConflict } from './views.js';

/**
 * Reports that contradict what the service holds of an order: a fill larger than the order, a second
 * placement under an order id with other terms, a second order under one client order id, a placement larger
 * than the saga asked for. Taking any of them would leave the ledger unlike the venue (a fill clipped to the
 * order, a report dropped as a "repeat", margin the decision never granted), so each is refused (409) before
 * anything is written, naming the order, what we hold, what the report says and what to do.
 */

const RECONCILE =
  'compare with the order at the venue; if the venue holds something else, report the truth: a "cancelled" ' +
  'event (with the filled quantity) for what is no longer open, a "placed" event under a new order id for what ' +
  'is, and a "position" event with the venue\'s position';

/** An order event checked against the book: throws ServiceConflict when it contradicts it. */
export function refuseConflictingEvent(event: OrderEventBody, book: AdvisoryBook): void {
  if (event.kind === 'placed') {
    refuseOtherPlacement(event.order, book);
    return refuseOtherClass(event.order.symbol, event.order.assetClass, `order ${event.order.id}`, book);
  }
  if (event.kind === 'position')
    return refuseOtherClass(event.symbol, event.assetClass, `this position of ${event.qty}`, book);
  if (event.kind === 'fill' || event.kind === 'cancelled') {
    refuseOverfill(event.orderId, event.filledQty, event.kind, book);
    refuseFillBeyondLimit(event.orderId, event.filledQty, event.fillPrice, event.kind, book);
  }
}

/**
 * A fill or cancel held back because it came before its order's placement, checked once that placement is in
 * the book by the rules a report after it meets (refuseConflictingEvent): why it must not count, or null. A
 * held report was answered 200 "kept" before its order's quantity and limit were known: without this check
 * the placement released a fill of 50 @ 1005 into a 10 @ 100.5 order, clipped to 10 at 1005.
 */
export function heldReportConflict(
  event: OrderEventBody & { kind: 'fill' | 'cancelled' },
  book: AdvisoryBook,
): string | null {
  try {
    refuseConflictingEvent(event, book);
    return null;
  } catch (error) {
    if (error instanceof ServiceConflict) return error.message;
    throw error;
  }
}

/**
 * A saga report checked against the book and against what the saga asked to place (`asked`, null when the
 * saga asked for nothing under that client order id any more).
 */
export function refuseConflictingReport(
  body: SagaReportBody,
  book: AdvisoryBook,
  asked: { qty: number; symbol: string; limitPrice: number } | null,
): void {
  if (body.kind === 'cancelled' || body.kind === 'filled') {
    refuseOverfill(body.orderId, body.filledQty, body.kind, book);
    return refuseFillBeyondLimit(body.orderId, body.filledQty, body.fillPrice, body.kind, book);
  }
  if (body.kind !== 'placed') return;
  refuseSecondOrder(body.clientOrderId, body.orderId, book);
  if (asked) refuseOversize(body.clientOrderId, body.orderId, body.qty, body.limitPrice, asked);
}

/**
 * A placement reported for a saga's client order id: not more than the saga asked to place, in size or in
 * notional (a higher limit holds more margin than the decision granted). An absent qty or limit is as asked.
 * `stage` says what the bot can do instead (PlacementStage).
 */
export function refuseOversize(
  clientOrderId: string,
  orderId: string,
  reportedQty: number | undefined,
  reportedLimit: number | undefined,
  asked: { qty: number; symbol: string; limitPrice: number },
  stage: PlacementStage = 'asked',
): void {
  const qty = reportedQty ?? asked.qty;
  const limit = reportedLimit ?? asked.limitPrice;
  if (
    qty <= asked.qty * (1 + QTY_SLACK) &&
    qty * limit <= asked.qty * asked.limitPrice * (1 + PLACEMENT_ROUNDING)
  )
    return;
  if (qty <= asked.qty * (1 + QTY_SLACK)) {
    throw new ServiceConflict(
      `order ${orderId}: ${qty} ${asked.symbol} placed under client order id ${clientOrderId} at limit ${limit}, ` +
        `but the saga asked for limit ${asked.limitPrice}: ${qty * limit} of notional where ` +
        `${asked.qty * asked.limitPrice} was granted; nothing changed. ` +
        (stage === 'before-asking'
          ? 'Cancel the order at the venue and place it at the limit asked when the saga asks for it'
          : stage === 'recovered'
            ? `Cancel the order at the venue: ${RECOVERED_PLACES_NOTHING}`
            : "Cancel the order at the venue and report the saga's placement as place-rejected, or place it " +
              'again at the limit asked'),
    );
  }
  throw new ServiceConflict(
    `order ${orderId}: qty ${qty} placed under client order id ${clientOrderId}, but the saga asked for ` +
      `${asked.qty} ${asked.symbol} (a venue rounds a size down, never up to ${qty}); nothing changed, the ` +
      `margin of ${qty} was never granted. Cancel the order at the venue and ` +
      (stage === 'before-asking'
        ? `place ${asked.qty} when the saga asks for it`
        : stage === 'recovered'
          ? `let the saga end (${RECOVERED_PLACES_NOTHING})`
          : "report the saga's placement as place-rejected") +
      '; if part of it filled first, send a "position" event with the venue\'s position',
  );
}

/**
 * Where the saga stands when its order is reported placed: `asked` (it asked for the placement), `before-asking`
 * (it waits for its cancels: there is no placement to report rejected; the bot places when the saga asks), or
 * `recovered` (a saga of an earlier process, interrupted by a restart and still waiting for its cancels, which
 * never asks for a placement).
 */
export type PlacementStage = 'asked' | 'before-asking' | 'recovered';

const RECOVERED_PLACES_NOTHING =
  'the saga, interrupted by a restart, places nothing itself; once its cancels are answered without its order ' +
  'at the venue it ends aborted, and the watcher asks again';

function refuseOtherPlacement(order: OrderBody, book: AdvisoryBook): void {
  const held = book.order(order.id);
  if (held) {
    const fields = (['symbol', 'assetClass', 'side', 'qty', 'limitPrice'] as const).filter(
      (f) => held[f] !== order[f],
    );
    if (fields.length === 0) return; // a repeat: counted once
    throw new ServiceConflict(
      `order ${order.id} is held as ${held.status} ${describe(held)}; this placement says ` +
        `${describe(order)} (${fields.join(', ')} differ); nothing changed. An order id names one order: ` +
        RECONCILE,
    );
  }
  if (order.clientOrderId !== undefined) refuseSecondOrder(order.clientOrderId, order.id, book);
}

/** One client order id names one order at the venue (it refuses a second): a second id under it is a mix-up. */
function refuseSecondOrder(clientOrderId: string, orderId: string, book: AdvisoryBook): void {
  const held = book.byClient(clientOrderId);
  if (!held || held.id === orderId) return;
  throw new ServiceConflict(
    `clientOrderId ${clientOrderId} was reported placed before as order ${held.id} (${describe(held)}); ` +
      `this report says order ${orderId}; nothing changed. A venue takes one order per client order id: ` +
      `check which id the venue holds; an order placed outside a saga is a "placed" event with its own ` +
      'clientOrderId (or none)',
  );
}

function refuseOverfill(orderId: string, filledQty: number, kind: string, book: AdvisoryBook): void {
  const held = book.order(orderId);
  if (!held || !overfills(filledQty, held.qty)) return;
  throw new ServiceConflict(
    `order ${orderId}: this ${kind} report says ${filledQty} filled, but the order is held as placed for ` +
      `${held.qty} (${describe(held)}); nothing changed. filledQty is the order's cumulative fill, at most its ` +
      `quantity: ${RECONCILE}`,
  );
}

/**
 * Relative slack on a fill price: the last digits of an average price that a venue rounds. A limit order
 * fills at its limit or better, so an average of its fills beyond it by more is a wrong price (a unit slip:
 * 1005 for 100.5) or a report meant for another order.
 */
const PRICE_SLACK = 1e-6;

/**
 * Roles whose fills may land past the order's price: a triggered stop fills past it by nature, and an exit
 * is an order that trades now (the runtime's time stops and end-of-day trims place market orders, role 'exit',
 * the price a reference only). Their fills were refused as beyond their limit.
 */
const FILLS_PAST_PRICE: readonly OrderRole[] = ['stop', 'exit'];

/**
 * The farthest a fill may be from its order's price on any side: a decimal unit slip (10.05 or 1005 for 100.5)
 * is 10 times. Within it a limit order fills at its limit or better, and a gap through it (a stock opening 80%
 * lower) still counts; beyond it the position would be marked at a tenth of the venue's price, or at 1e-300,
 * its margin next to nothing, and the next decision would spend margin the account does not have.
 */
const MAX_FILL_RATIO = 10;

/**
 * A fill price beyond the order's limit: a buy fills at or below its limit, a sell at or above. Stop and exit
 * orders are not checked (FILLS_PAST_PRICE); any fill more than MAX_FILL_RATIO from its order's price, better or
 * worse, is (a unit slip). Fills of an order not yet reported placed are checked when its placement comes
 * (heldReportConflict).
 */
function refuseFillBeyondLimit(
  orderId: string,
  filledQty: number,
  fillPrice: number | undefined,
  kind: string,
  book: AdvisoryBook,
): void {
  const held = book.order(orderId);
  if (!held || fillPrice === undefined || !(filledQty > 0)) return;
  refuseUnitSlip(orderId, fillPrice, kind, held);
  if (FILLS_PAST_PRICE.includes(held.role)) return;
  const limit = held.limitPrice;
  const beyond =
    held.side === 'buy' ? fillPrice > limit * (1 + PRICE_SLACK) : fillPrice < limit * (1 - PRICE_SLACK);
  if (!beyond) return;
  throw new ServiceConflict(
    `order ${orderId}: this ${kind} report says it filled at ${fillPrice}, but it is held as a ${held.side} ` +
      `limit at ${limit} (${describe(held)}), which fills at or ${held.side === 'buy' ? 'below' : 'above'} ` +
      `its limit; nothing changed. Check the price's units and that the report is for this order, and send ` +
      "the venue's average fill price",
  );
}

/** A fill price more than MAX_FILL_RATIO from the order's price, on either side: refused (409) naming it. */
function refuseUnitSlip(
  orderId: string,
  fillPrice: number,
  kind: string,
  held: { side: string; role: string; qty: number; symbol: string; limitPrice: number },
): void {
  const limit = held.limitPrice;
  if (fillPrice * MAX_FILL_RATIO >= limit && fillPrice <= limit * MAX_FILL_RATIO) return;
  throw new ServiceConflict(
    `order ${orderId}: this ${kind} report says it filled at ${fillPrice}, but it is held as a ${held.side} ` +
      `${held.role === 'entry' ? 'limit' : held.role} at ${limit} (${describe(held)}): more than ` +
      `${MAX_FILL_RATIO} times ${fillPrice < limit ? 'below' : 'above'} it, a unit slip, not a fill; nothing ` +
      "changed. Check the price's units and that the report is for this order, and send the venue's average " +
      'fill price',
  );
}

/**
 * A symbol has one asset class: its margin rate (crypto 1x, stocks 4x/2x) and its session follow from it. A
 * position or a placement naming another class than the symbol's position or open orders hold would switch
 * it (the ledger took the last word) and change the margin of everything held in that symbol. Refused (409).
 */
function refuseOtherClass(symbol: string, assetClass: string, what: string, book: AdvisoryBook): void {
  const position = book.ledger.position(symbol);
  const order = position ? undefined : book.ledger.orders.find((o) => o.symbol === symbol);
  const held = position
    ? { assetClass: position.assetClass, as: `its position of ${position.qty}` }
    : order && { assetClass: order.assetClass, as: `its open order ${order.id}` };
  if (!held || held.assetClass === assetClass) return;
  throw new ServiceConflict(
    `${symbol} is held as ${held.assetClass} (${held.as}); ${what} says ${assetClass}; nothing changed. A ` +
      `symbol has one asset class: send ${held.assetClass}, or if ${held.assetClass} was wrong, first close ` +
      `what is held under it (a "position" event of qty 0 as ${held.assetClass}, cancels for its orders)`,
  );
}

function describe(o: { side: string; qty: number; symbol: string; limitPrice: number }): string {
  return `${o.side} ${o.qty} ${o.symbol} @ ${o.limitPrice}`;
}
