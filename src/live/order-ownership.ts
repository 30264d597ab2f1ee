import type { OpenOrder } from '../core/types.js';
import type { Logger } from '../ports/log.js';

/**
 * Orders at the venue that say a second run may share the account: an order under one of our client order ids
 * (`ws-…`) that this store did not place (`foreign-orders`), or more than one entry of ours resting on one
 * symbol (`duplicate-entries`). Neither is cancelled here: an order another live run owns is that run's to
 * manage. What the run does with them: a foreign order is held as external (margin held, never cancelled,
 * replaced or stolen); of several entries of ours on a symbol the watcher and a request both take the one
 * the rule names (src/core/policy/symbol-entry.ts) and the others stay as they are.
 */
export interface OwnershipWarning {
  kind: 'foreign-orders' | 'duplicate-entries';
  symbol: string;
  /** The venue's order ids. */
  orders: string[];
  detail: string;
}

const FOREIGN_DETAIL =
  "the venue holds orders under worksteal's client order ids (ws-…) that this run's store did not place: " +
  'likely a second worksteal run on the same account (or one with another --db). They hold margin here and ' +
  'this run never cancels, replaces or steals them; stop the other run, or cancel them at the venue if no ' +
  'run owns them';

const duplicateDetail = (n: number): string =>
  `${n} entries of ours rest on this symbol: the last placed is the symbol's entry (kept, or replaced by ` +
  'its next request); the others are left resting, hold margin and may fill. Is a second run on the same ' +
  'account? Cancel the ones not wanted at the venue';

/** The warnings the venue's open orders give now: foreign orders and symbols with more than one entry of ours. */
export function ownershipWarnings(
  orders: readonly OpenOrder[],
  foreign: readonly OpenOrder[],
): OwnershipWarning[] {
  const out: OwnershipWarning[] = [];
  for (const [symbol, list] of bySymbol(foreign))
    out.push({ kind: 'foreign-orders', symbol, orders: list.map((o) => o.id), detail: FOREIGN_DETAIL });
  const entries = orders.filter((o) => o.role === 'entry' && !o.external);
  for (const [symbol, list] of bySymbol(entries)) {
    if (list.length < 2) continue;
    out.push({
      kind: 'duplicate-entries',
      symbol,
      orders: list.map((o) => o.id),
      detail: duplicateDetail(list.length),
    });
  }
  return out;
}

function bySymbol(orders: readonly OpenOrder[]): Map<string, OpenOrder[]> {
  const map = new Map<string, OpenOrder[]>();
  for (const o of orders) {
    const list = map.get(o.symbol);
    if (list) list.push(o);
    else map.set(o.symbol, [o]);
  }
  return map;
}

/**
 * The warnings as of the last reconcile (/status `orderWarnings`), each logged once when it appears (again
 * only when its orders change), so a second run on the account is seen at once and not at every poll.
 */
export class OwnershipReport {
  warnings: readonly OwnershipWarning[] = [];
  private logged = new Set<string>();

  update(orders: readonly OpenOrder[], foreign: readonly OpenOrder[], log: Logger): void {
    this.warnings = ownershipWarnings(orders, foreign);
    const now = new Set<string>();
    for (const w of this.warnings) {
      const key = `${w.kind}|${w.symbol}|${[...w.orders].sort().join(',')}`;
      now.add(key);
      if (!this.logged.has(key)) log.warn(w.kind, { symbol: w.symbol, orders: w.orders, detail: w.detail });
    }
    this.logged = now;
  }
}
