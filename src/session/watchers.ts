import type { CapacityLedger } from '../coordinator/ledger.js';
import type { AssetClass, EntryRequest, OpenOrder, Side } from '../core/types.js';
import { blankRequest, fillEntryRequest, type EntrySignal } from './entry.js';
import { roundLimit, type SizingRule } from './sizing.js';

/** A signal as the watchers see it: identity (a resting order placed for this key does not ask again). */
export interface WatchedSignal extends EntrySignal {
  key: string;
  takeProfit: number;
}

/** The best prices now (bars carry no spread: bid = ask = close in a replay). */
export interface WatchedQuote {
  bid: number;
  ask: number;
}

/**
 * The session's watchers over a ledger reconciled with the broker (live), written once: one entry watcher and
 * one exit watcher per symbol. They only say what they want; the
 * runtime carries it out (entries through the coordinator, which alone decides place / steal / block).
 * Each poll they look at the ledger as just reconciled with the broker, so nothing they decide rests on
 * a remembered state.
 */

export interface WatchContext {
  ledger: CapacityLedger;
  now: number;
  quotes: ReadonlyMap<string, WatchedQuote>;
  orderFraction: number;
  sizing: SizingRule;
  signal: (symbol: string) => WatchedSignal | null;
  /** The signal key a resting entry order was placed for (from the store). */
  signalKeyOf: (orderId: string) => string | null;
}

export type EntryPlan =
  | { kind: 'none' }
  | { kind: 'cancel'; orderId: string; reason: string }
  | { kind: 'request'; request: EntryRequest; signal: WatchedSignal };

/** Our resting order of a role for a symbol (never an external one). */
export function ownOrder(ledger: CapacityLedger, symbol: string, role: OpenOrder['role']): OpenOrder[] {
  return ledger.orders.filter((o) => o.symbol === symbol && o.role === role && !o.external);
}

export class EntryWatcher {
  constructor(
    readonly symbol: string,
    readonly assetClass: AssetClass,
    readonly index: number,
  ) {}

  plan(ctx: WatchContext): EntryPlan {
    // While a position exists the exit watcher owns the symbol.
    if (ctx.ledger.position(this.symbol)) return { kind: 'none' };
    const resting = ownOrder(ctx.ledger, this.symbol, 'entry')[0];
    const signal = ctx.signal(this.symbol);
    if (!signal) {
      return resting ? { kind: 'cancel', orderId: resting.id, reason: 'signal-expired' } : { kind: 'none' };
    }
    if (resting && resting.side !== signal.side) {
      return { kind: 'cancel', orderId: resting.id, reason: 'signal-side-changed' };
    }
    if (resting && ctx.signalKeyOf(resting.id) === signal.key) return { kind: 'none' };
    const quote = ctx.quotes.get(this.symbol);
    if (!quote) return { kind: 'none' }; // no price, no request: distance is never invented
    const request = blankRequest(this.symbol, this.assetClass);
    const price = signal.side === 'buy' ? quote.ask : quote.bid;
    const equity = ctx.ledger.account.equity;
    if (!fillEntryRequest(request, signal, equity, ctx.orderFraction, price, ctx.sizing))
      return { kind: 'none' };
    return { kind: 'request', signal, request };
  }
}

export interface ExitPlan {
  cancel: string[];
  place: { side: Side; qty: number; limitPrice: number } | null;
  /** A position without a known take-profit price: nothing to arm (reported once by the runtime). */
  unarmed: boolean;
}

export class ExitWatcher {
  constructor(
    readonly symbol: string,
    readonly assetClass: AssetClass,
  ) {}

  /** Keep exactly one take-profit armed at the forecast price for the whole position, while one exists. */
  plan(ledger: CapacityLedger, takeProfit: number | null): ExitPlan {
    const armed = ownOrder(ledger, this.symbol, 'take-profit');
    const position = ledger.position(this.symbol);
    if (!position) return { cancel: armed.map((o) => o.id), place: null, unarmed: false };
    if (takeProfit === null) return { cancel: [], place: null, unarmed: true };
    const side: Side = position.qty > 0 ? 'sell' : 'buy';
    const qty = Math.abs(position.qty);
    const limitPrice = roundLimit(this.assetClass, side, takeProfit);
    const keep = armed.find((o) => o.side === side && near(o.qty, qty) && near(o.limitPrice, limitPrice));
    return {
      cancel: armed.filter((o) => o !== keep).map((o) => o.id),
      place: keep ? null : { side, qty, limitPrice },
      unarmed: false,
    };
  }
}

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
