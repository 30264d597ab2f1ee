import type { StealHistory } from '../core/policy/steal-history.js';
import type { EntryRequest, StealEvent, TimeMs } from '../core/types.js';
import { placementClash } from './broker-calls.js';
import type { BrokerState, OrderStatus } from './broker.js';
import type { CapacityLedger } from './ledger.js';

/**
 * When a steal counts, in one place for the saga in process (steal-saga.ts) and for restart recovery
 * (src/live/recovery.ts): a steal is recorded when its stealer reached the venue (placed, or found there
 * afterwards: open, filled or partly filled, or closed since), for the victims that were cancelled. A stealer
 * the venue rejected, or one that never arrived, records nothing: the cancels stand, but nothing took the
 * margin they freed, so no victim cools down and nothing counts against the day's steal budget.
 *
 * `stealer`: the stealer's status at the venue (`open` for a placement the venue accepted), null when the
 * venue never received it.
 */
export function stealerReachedVenue(stealer: OrderStatus | null): boolean {
  return stealer !== null && stealer !== 'rejected';
}

/**
 * The victims stolen from under that rule (order ids, or orders with their ids): those of `victims` the venue
 * confirmed cancelled (`cancelled`) when the stealer reached the venue; none otherwise. A victim that filled
 * before its cancel had nothing taken from it. Returns `victims` itself when all of them were cancelled.
 */
export function stolenVictims<V extends string | { readonly id: string }>(
  stealer: OrderStatus | null,
  victims: readonly V[],
  cancelled: readonly string[],
): readonly V[] {
  if (!stealerReachedVenue(stealer)) return NONE;
  const wasCancelled = (v: V): boolean => cancelled.includes(typeof v === 'string' ? v : v.id);
  let all = true;
  for (let i = 0; i < victims.length && all; i++) all = wasCancelled(victims[i]!);
  return all ? victims : victims.filter(wasCancelled);
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * A place whose answer was lost at a venue that cannot look an order up by its client order id: where the
 * venue's whole state (read right after) shows the stealer. Its order is the open entry of the request's
 * symbol and side that `placementClash` takes for this placement (the saga cancelled the symbol's replaced
 * order first, so no other entry of it rests there); its fill, a move of the symbol's position the request's
 * way since the place was sent (`positionBefore`, the ledger's signed quantity then). Null: not there, the
 * order never arrived or was refused.
 */
export function stealerInState(
  state: BrokerState,
  ledger: CapacityLedger,
  request: EntryRequest,
  clientOrderId: string,
  replaced: string | null,
  positionBefore: number,
): OrderStatus | null {
  for (const o of state.orders) {
    if (o.external || o.role !== 'entry' || o.id === replaced) continue;
    if (o.symbol !== request.symbol || o.side !== request.side) continue;
    const placed = {
      symbol: o.symbol,
      side: o.side,
      limitPrice: o.limitPrice,
      qty: o.qty + (o.filledQty ?? 0),
    };
    if (placementClash(ledger, request, clientOrderId, { orderId: o.id, order: placed }) === null)
      return 'open';
  }
  const after = state.positions.find((p) => p.symbol === request.symbol)?.qty ?? 0;
  const moved = request.side === 'buy' ? after > positionBefore : after < positionBefore;
  return moved ? 'filled' : null;
}

/** Where a saga's steals go: the coordinator's history, and whoever listens for steals (the live store). */
export interface StealSink {
  readonly history: StealHistory;
  readonly onSteal: ((event: StealEvent) => void) | undefined;
}

/** One history event per victim symbol: two orders of one symbol stolen at once are one steal from it. */
export function recordSteals(
  host: StealSink,
  thief: string,
  victims: readonly { symbol: string }[],
  at: TimeMs,
): void {
  for (let i = 0; i < victims.length; i++) {
    const victim = victims[i]!.symbol;
    if (victims.findIndex((v) => v.symbol === victim) !== i) continue; // that symbol is recorded
    const event = { at, thief, victim };
    host.history.record(event);
    host.onSteal?.(event);
  }
  host.history.prune(at);
}
