import type { EntryRequest } from '../core/types.js';

/** A watcher's entry request of this step, with the watcher's fixed position (the last tie-break). */
export interface Ranked {
  readonly index: number;
  request: EntryRequest | null;
}

/**
 * Most valuable request first (forecast PnL; ties by symbol, so the order the symbols were given in never
 * decides which of two equal requests gets the capacity; then by watcher order), then the 1-based forecast
 * rank among cryptos that the out-of-hours force-immediate tier is defined over (README "The rules in one
 * table"). Every item must carry a request. In place, by insertion: there are as many requests as symbols, and
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
      if (op > pnl || (op === pnl && goesFirst(o, item))) break;
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

/** Between two requests of one forecast PnL: the smaller symbol first, then the watcher first in order. */
function goesFirst(a: Ranked, b: Ranked): boolean {
  const sa = a.request!.symbol;
  const sb = b.request!.symbol;
  return sa < sb || (sa === sb && a.index < b.index);
}
