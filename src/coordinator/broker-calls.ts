import type { Broker, OrderUpdate, PlaceResult, SyncBroker } from './broker.js';
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
