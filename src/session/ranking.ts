import type { EntryRequest } from '../core/types.js';

/** A watcher's entry request of this step, with the watcher's fixed position for ties. */
export interface Ranked {
  readonly index: number;
  request: EntryRequest | null;
}

/**
 * Most valuable request first (forecast PnL, ties by watcher order), then the 1-based forecast rank among
 * cryptos that the out-of-hours force-immediate tier is defined over (README "The rules in one table"). Every
 * item must carry a request. In place, by insertion: there are as many requests as symbols, and
 * Array.prototype.sort would allocate a work area at every simulator step.
 */
export function rankRequests<T extends Ranked>(items: T[]): T[] {
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    const pnl = item.request!.forecastPnl;
    let j = i - 1;
    while (j >= 0) {
      const o = items[j]!;
      const op = o.request!.forecastPnl;
      if (op > pnl || (op === pnl && o.index < item.index)) break;
      items[j + 1] = o;
      j--;
    }
    items[j + 1] = item;
  }
  let rank = 0;
  for (let i = 0; i < items.length; i++) {
    const req = items[i]!.request!;
    req.cryptoRank = req.assetClass === 'crypto' ? ++rank : null;
  }
  return items;
}
