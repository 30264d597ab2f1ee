import type {
  Broker,
  CancelResult,
  OrderUpdate,
  PlaceLimitRequest,
  PlaceResult,
  SyncBroker,
} from './broker.js';
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

/**
 * Cancel, confirmed. When the answer is lost the cancel is sent again: the venue answers a cancel of an
 * order it already closed with how it closed (the port's contract), so the cancel counts once. A second
 * loss leaves the saga (the next request reconciles first).
 */
export function* cancelOnce(orderId: string): Generator<BrokerCall, CancelResult, BrokerReply> {
  try {
    return (yield { kind: 'cancel', orderId }) as CancelResult;
  } catch {
    return (yield { kind: 'cancel', orderId }) as CancelResult;
  }
}

/**
 * Place; when the answer is lost, look the client order id up rather than trust either outcome or send
 * it again. Without a look-up the result is `unknown`.
 */
export function* placeOnce(
  request: PlaceLimitRequest,
): Generator<BrokerCall, (PlaceResult & { update?: OrderUpdate }) | 'unknown', BrokerReply> {
  try {
    return (yield { kind: 'place', request }) as PlaceResult;
  } catch {
    const found = (yield { kind: 'lookup', clientOrderId: request.clientOrderId }) as LookupReply;
    if (found === 'unsupported') return 'unknown';
    if (found === null)
      return { ok: false, reason: 'the place answer was lost and the venue has no such order' };
    if (found.status === 'rejected') return { ok: false, reason: `the venue rejected ${found.id}` };
    return { ok: true, orderId: found.id, update: found };
  }
}
