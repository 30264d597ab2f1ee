import type { Side } from '../types.js';
import type { OrderColumns } from './order-columns.js';
import { ORDER_ENTRY, ORDER_OFF_LIMITS, ORDER_SELL } from './order-flags.js';

/**
 * The symbol's entry on a side, one rule for everyone who asks: of our resting entry orders of the symbol on
 * that side (neither external nor being cancelled by a saga in flight), the last row of the columns; −1 when
 * there is none (a symbol that never had an order has no index, −1, and no row). It is the order a request
 * for the symbol replaces (decide()'s `replaces`) and the order the symbol's entry watcher keeps, cancels or
 * lets a request replace (src/session/watchers.ts). Both asking the same rule over the same rows is what keeps
 * a symbol with two entries of ours from being cancelled and placed again at every poll: the watcher would
 * look at one, the request replace the other, and the order the watcher looked at would still rest.
 */
export function symbolEntryRow(columns: OrderColumns, symbolId: number, side: Side): number {
  const { flags, symbol } = columns;
  const key = ORDER_ENTRY | (side === 'buy' ? 0 : ORDER_SELL);
  const mask = ORDER_ENTRY | ORDER_SELL | ORDER_OFF_LIMITS;
  let row = -1;
  for (let i = 0; symbolId >= 0 && i < columns.length; i++) {
    if (symbol[i] === symbolId && (flags[i]! & mask) === key) row = i;
  }
  return row;
}
