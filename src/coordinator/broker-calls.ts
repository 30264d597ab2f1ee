import type { EntryRequest } from '../core/types.js';
import type { Broker, OrderUpdate, PlacedOrder, PlaceResult, SyncBroker } from './broker.js';
import type { CapacityLedger } from './ledger.js';
import type { BrokerCall, BrokerReply, LookupReply, Outcome } from './saga.js';

/**
 * The saga's broker calls and the two drivers that perform them. A call that fails (its answer was lost; it
 * may have taken effect) is thrown into the saga, which finds out what happened at the venue.
 */

type Saga = Generator<BrokerCall, Outcome, BrokerReply>;

export function driveSync(saga: Saga, broker: SyncBroker): Outcome {
  let step = saga.next();
  while (!step.done) {
    let reply: BrokerReply;
    try {
      reply = callSync(broker, step.value);
    } catch (error) {
      step = saga.throw(error);
      continue;
    }
    step = saga.next(reply);
  }
  return step.value;
}

export async function driveAsync(saga: Saga, broker: Broker): Promise<Outcome> {
  let step = saga.next();
  while (!step.done) {
    let reply: BrokerReply;
    try {
      reply = await callAsync(broker, step.value);
    } catch (error) {
      step = saga.throw(error);
      continue;
    }
    step = saga.next(reply);
  }
  return step.value;
}

/** Perform one saga call against a broker that answers at once (the simulator's). */
export function callSync(broker: SyncBroker, call: BrokerCall): BrokerReply {
  switch (call.kind) {
    case 'cancel':
      return broker.cancel(call.orderId);
    case 'place':
      return broker.placeLimit(call.request);
    case 'state':
      return { account: broker.account(), orders: broker.openOrders(), positions: broker.positions() };
    case 'lookup':
      return 'unsupported'; // a venue that answers at once never loses an answer
  }
}

/** Perform one saga call against an asynchronous broker. */
export async function callAsync(broker: Broker, call: BrokerCall): Promise<BrokerReply> {
  switch (call.kind) {
    case 'cancel':
      return broker.cancel(call.orderId);
    case 'place':
      return broker.placeLimit(call.request);
    case 'state': {
      const [account, orders, positions] = await Promise.all([
        broker.account(),
        broker.openOrders(),
        broker.positions(),
      ]);
      return { account, orders, positions };
    }
    case 'lookup':
      return broker.orderByClientId ? broker.orderByClientId(call.clientOrderId) : 'unsupported';
  }
}

/** What placing an order came to: the venue's answer, or `unknown` when it was lost and cannot be looked up. */
export type PlaceOutcome = (PlaceResult & { update?: OrderUpdate }) | 'unknown';

/**
 * A place whose answer was lost: look the client order id up rather than trust either outcome or send it
 * again. Without a look-up the result is `unknown`. (The saga sends cancels and places itself, inline; a
 * lost cancel is sent again once, since the venue answers a cancel of a closed order with how it closed.)
 */
export function* lookUpLostPlace(clientOrderId: string): Generator<BrokerCall, PlaceOutcome, BrokerReply> {
  const found = (yield { kind: 'lookup', clientOrderId }) as LookupReply;
  if (found === 'unsupported') return 'unknown';
  if (found === null)
    return { ok: false, reason: 'the place answer was lost and the venue has no such order' };
  if (found.status === 'rejected') return { ok: false, reason: `the venue rejected ${found.id}` };
  return { ok: true, orderId: found.id, update: found };
}

/**
 * How much more margin than asked the venue's order may hold and still be this placement: a venue rounds a
 * limit to its tick and a quantity to its lot (and may take less than asked), never by a whole percent more.
 */
export const PLACEMENT_ROUNDING = 0.01;

const shown = (o: PlacedOrder): string => `${o.symbol} ${o.side} ${o.qty} @ ${o.limitPrice}`;

/**
 * The venue accepted a placement: is the order it named the one asked for? A venue answers a client order id
 * it has seen with the order already placed under it, so an id reused (two coordinators, or a restart, with
 * one idPrefix) names another order, and taking that answer would report a placement that never happened.
 * The order must be of the request's symbol and side and hold no more margin than asked (up to rounding).
 * Compared with what the venue says it holds under that id, else with the ledger's order of that id (whose
 * placed quantity may miss a fill it was not told of: only more is wrong); an id neither knows is taken as
 * the new order. Null when it matches; otherwise what went wrong and what to do.
 */
export function placementClash(
  ledger: CapacityLedger,
  request: EntryRequest,
  clientOrderId: string,
  placed: { orderId: string; order?: PlacedOrder },
): string | null {
  const known = ledger.order(placed.orderId);
  const held: PlacedOrder | undefined =
    placed.order ??
    (known && {
      symbol: known.symbol,
      side: known.side,
      limitPrice: known.limitPrice,
      qty: ledger.placed(known.id),
    });
  if (
    held === undefined ||
    (held.symbol === request.symbol &&
      held.side === request.side &&
      held.qty * held.limitPrice <= request.qty * request.limitPrice * (1 + PLACEMENT_ROUNDING))
  )
    return null;
  const asked = {
    symbol: request.symbol,
    side: request.side,
    qty: request.qty,
    limitPrice: request.limitPrice,
  };
  return (
    `placing ${shown(asked)} under client order id ${clientOrderId}, the broker answered with order ` +
    `${placed.orderId}, ${shown(held)}: an order placed earlier under the same client order id (another ` +
    `coordinator or an earlier run with the same idPrefix). Nothing was placed for ${request.symbol}; the ` +
    `ledger took the broker's state. Give every coordinator and every process start its own idPrefix (the ` +
    `library's Coordinator draws a random one when none is given), then submit again.`
  );
}
