import type { PlaceResult } from '../../coordinator/broker.js';
import type { Logger } from '../../ports/log.js';
import { shownOrder } from './order-rules.js';
import { AlpacaError, type AlpacaRest } from './rest.js';
import type { AlpacaOrder } from './stream.js';
import { replacement } from './wire.js';

/**
 * Sending a place to Alpaca, never twice blind: when no answer came (network failure, timeout, 5xx) it may
 * have reached the venue, so its client order id is looked up first; only a venue that never saw it gets it
 * again (and a duplicate would be refused by the venue anyway: client order ids are unique there).
 */

/** What sending a place needs of the broker. */
export interface PlaceSender {
  rest: AlpacaRest;
  log: Logger;
  /** How many times a place whose answer was lost is looked up and sent again before giving up. */
  attempts: number;
  /** Ask the runtime to take the venue's whole state (the broker's `resync`). */
  resync: () => void;
}

/** The order Alpaca holds under a client order id, as it shows it; null when it has none. */
export async function orderWithClientId(
  rest: AlpacaRest,
  clientOrderId: string,
): Promise<AlpacaOrder | null> {
  try {
    const { data } = await rest.request<AlpacaOrder>('GET', '/v2/orders:by_client_order_id', {
      query: { client_order_id: clientOrderId },
    });
    return data;
  } catch (error) {
    if (error instanceof AlpacaError && error.status === 404) return null;
    throw error;
  }
}

/** Place an order (its JSON body) under its client order id: the venue's answer, found again if it was lost. */
export async function sendPlace(
  s: PlaceSender,
  clientOrderId: string,
  body: Record<string, unknown>,
): Promise<PlaceResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await s.rest.request<AlpacaOrder>('POST', '/v2/orders', { body, once: true });
      return { ok: true, orderId: data.id };
    } catch (error) {
      if (!(error instanceof AlpacaError)) throw error;
      if (error.mayHaveReached) {
        const existing = await orderWithClientId(s.rest, clientOrderId);
        if (existing) {
          const found = { clientOrderId, orderId: existing.id, found: true };
          if (existing.status === 'replaced')
            Object.assign(found, { replacedBy: existing.replaced_by ?? null });
          s.log.warn('place-answer-lost', found);
          return foundPlaced(s, clientOrderId, existing);
        }
        s.log.warn('place-answer-lost', { clientOrderId, found: false, attempt });
        if (attempt < s.attempts) continue;
        throw new AlpacaError(
          error.status,
          'POST',
          '/v2/orders',
          `place of ${clientOrderId} got no answer ${s.attempts} times and the venue has no order with that client order id; ${error.venueMessage}`,
          null,
          true,
        );
      }
      // The same client order id twice: the first one reached the venue. That order is the answer.
      if (error.status === 422 && /client_order_id/i.test(error.venueMessage)) {
        const existing = await orderWithClientId(s.rest, clientOrderId);
        if (existing) return foundPlaced(s, clientOrderId, existing);
      }
      return { ok: false, reason: `Alpaca refused ${shownOrder(body)}: ${error.venueMessage}` };
    }
  }
}

/**
 * The answer to a place from the order found under its client order id. One replaced at Alpaca before we
 * heard of it (by hand or another program) no longer works and its margin is held by the replacing order:
 * not placed, and a reconcile asked for, so the ledger takes the venue's state (the saga does too, on a place
 * that did not go through) instead of freeing that margin or holding it for an order that is gone.
 */
function foundPlaced(s: PlaceSender, clientOrderId: string, existing: AlpacaOrder): PlaceResult {
  const by = replacement(existing);
  if (by === null) return { ok: true, orderId: existing.id };
  s.resync();
  return {
    ok: false,
    reason: `${clientOrderId} reached Alpaca as order ${existing.id}, which was replaced there by ${by} before its answer came; the replacing order holds the margin, so the ledger takes the venue's state`,
  };
}
