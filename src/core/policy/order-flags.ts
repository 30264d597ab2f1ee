import { distance } from './distance.js';

/** Bits of `OrderColumns.flags` (src/core/policy/order-columns.ts): an order's fixed facts, one bit each. */
export const ORDER_SELL = 1;
export const ORDER_ENTRY = 2;
export const ORDER_CRYPTO = 4;
export const ORDER_PROBE = 8;
export const ORDER_EXTERNAL = 16;
/** Our order that a saga in flight is cancelling (`OpenOrder.pendingCancelBy`). */
export const ORDER_PENDING_CANCEL = 32;
/** Either bit puts an order off limits to every decision: held margin, no candidate, no replaced order. */
export const ORDER_OFF_LIMITS = ORDER_EXTERNAL | ORDER_PENDING_CANCEL;

/**
 * The distance rule (distance.ts) over a row; the columns hold NaN for an unknown price and for a limit that
 * is not a positive price, so no price gives no distance here too.
 */
export function rowDistance(flags: number, price: number, limit: number): number {
  return distance((flags & ORDER_SELL) === 0 ? 'buy' : 'sell', price, limit);
}

/** 1 when the flags are an entry of ours (neither external nor pending cancel), else 0. */
export function oursOf(flags: number): number {
  return (flags & (ORDER_ENTRY | ORDER_OFF_LIMITS)) === ORDER_ENTRY ? 1 : 0;
}
