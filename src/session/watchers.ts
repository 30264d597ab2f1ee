import type { CapacityLedger } from '../coordinator/ledger.js';
import type { MarginTable } from '../core/config/schema.js';
import { symbolEntryRow } from '../core/policy/symbol-entry.js';
import type { AssetClass, EntryRequest, OpenOrder, Side } from '../core/types.js';
import { freshPrice, quoteMadeAt } from './asking.js';
import { blankRequest, fillEntryRequest, type EntrySignal } from './entry.js';
import { exitStep, stopReached, takeProfitOrder, type ClosedBar, type ExitLevels } from './exits.js';
import { holdsSignal } from './signals.js';
import type { SizingRule } from './sizing.js';

/** A signal as the watchers see it: identity (a resting order placed for this key does not ask again). */
export interface WatchedSignal extends EntrySignal {
  key: string;
  takeProfit: number;
  validUntil: number;
}

/** The best prices now (bars carry no spread: bid = ask = close in a replay), and when they were made. */
export interface WatchedQuote {
  bid: number;
  ask: number;
  time?: number;
}

/**
 * The session's watchers over a ledger reconciled with the broker (live), written once: one entry watcher and
 * one exit watcher per symbol. They only say what they want; the runtime carries it out (entries through the
 * coordinator, which alone decides place / steal / block). The rules are the simulator's: asked on a fresh
 * price (asking.ts), a held signal (signals.ts), exits (exits.ts), the end-of-day entry rule (asking.ts).
 */

export interface WatchContext {
  ledger: CapacityLedger;
  now: number;
  quotes: ReadonlyMap<string, WatchedQuote>;
  orderFraction: number;
  sizing: SizingRule;
  /** The margin table: a stock short needs a margin account (entryAllowed), judged on the ledger's equity. */
  margin: MarginTable;
  /** The newest signal of a symbol now (taken when the watcher holds none). */
  signal: (symbol: string) => WatchedSignal | null;
  /** The signal key a resting entry order was placed for (from the store). */
  signalKeyOf: (orderId: string) => string | null;
  /** The end-of-day window: no new stock entries (stockEntriesClosed). */
  stockEntriesClosed: boolean;
  /** The fee an entry's budget pays too (the taker rate: the most its fill can pay); 0 without fees. */
  feeRate?: (assetClass: AssetClass) => number;
}

export interface EntryPlan {
  cancel: { orderId: string; reason: string } | null;
  request: { request: EntryRequest; signal: WatchedSignal } | null;
}

const NO_ENTRY: EntryPlan = { cancel: null, request: null };

/** Our resting orders of a role for a symbol (never an external one). */
export function ownOrder(ledger: CapacityLedger, symbol: string, role: OpenOrder['role']): OpenOrder[] {
  return ledger.orders.filter((o) => o.symbol === symbol && o.role === role && !o.external);
}

/**
 * The symbol's entry the watcher looks at: the one on `side` by the rule a request for the symbol is decided
 * by (symbolEntryRow: the order the request replaces), else the one on the other side (a signal whose side
 * changed). Never an external order, so never another program's or another run's.
 */
export function symbolEntry(ledger: CapacityLedger, symbol: string, side: Side): OpenOrder | undefined {
  const columns = ledger.columns;
  const id = columns.symbolId(symbol);
  let row = symbolEntryRow(columns, id, side);
  if (row < 0) row = symbolEntryRow(columns, id, side === 'buy' ? 'sell' : 'buy');
  return row < 0 ? undefined : columns.order(row);
}

/**
 * Why an entry that was not placed for the signal a watcher takes up now is cancelled, in words that are
 * true: its signal was the one the watcher held and it expired; or the symbol has a newer signal (a restart's
 * watcher finds an earlier run's entry placed for another one, or for none it knows); or the symbol has no
 * signal that holds now.
 */
function notCurrentReason(key: string | null, expired: WatchedSignal | null, now: WatchedSignal | null) {
  if (key !== null && key === expired?.key) return 'signal-expired';
  return now ? 'signal-superseded' : 'no-signal';
}

export class EntryWatcher {
  /** The time of the last price looked at: the run's start before the first look. */
  private seen: number;
  /** The signal this watcher trades on until it expires. */
  held: WatchedSignal | null = null;

  constructor(
    readonly symbol: string,
    readonly assetClass: AssetClass,
    readonly index: number,
    start: number,
  ) {
    this.seen = start;
  }

  /** Whether the symbol's price now is newer than the last one looked at (then it is seen). */
  look(quote: WatchedQuote | undefined, now: number): boolean {
    if (!quote) return false; // no price, nothing to look at: distance is never invented
    const time = quoteMadeAt(quote, now);
    if (!freshPrice(time, this.seen)) return false;
    this.seen = time;
    return true;
  }

  /** The entry filled: its signal is used once. */
  consumed(key: string): void {
    if (this.held?.key === key) this.held = null;
  }

  /**
   * Not asked (no fresh price), at any look of the driver: the entry resting for the signal this watcher held,
   * once that signal has expired. An entry must not outlive its signal, and a symbol without a new price (a
   * gap in its bars, an outage) may not be asked again before it could fill; `plan` takes up the next signal
   * at the next fresh price. An entry it cannot tie to the held signal (an earlier run's) waits for `plan`.
   */
  expiredEntry(ctx: Pick<WatchContext, 'ledger' | 'now' | 'signalKeyOf'>): EntryPlan['cancel'] {
    const held = this.held;
    if (held === null || holdsSignal(held, ctx.now) || ctx.ledger.position(this.symbol)) return null;
    const resting = symbolEntry(ctx.ledger, this.symbol, held.side);
    if (!resting || ctx.signalKeyOf(resting.id) !== held.key) return null;
    return { orderId: resting.id, reason: 'signal-expired' };
  }

  /** Asked at a fresh price: what to cancel (an entry of a signal that no longer holds) and what to request. */
  plan(ctx: WatchContext): EntryPlan {
    // While a position exists the exit watcher owns the symbol.
    if (ctx.ledger.position(this.symbol)) return NO_ENTRY;
    let cancel: EntryPlan['cancel'] = null;
    if (!holdsSignal(this.held, ctx.now)) {
      const before = this.held;
      this.held = ctx.signal(this.symbol);
      // The entry resting for a signal that no longer holds goes; one placed for the signal taken up now (an
      // earlier run's, found by a restart) stays.
      const side = this.held?.side ?? before?.side ?? 'buy';
      const resting = symbolEntry(ctx.ledger, this.symbol, side);
      const key = resting ? ctx.signalKeyOf(resting.id) : null;
      if (resting && !(this.held && key === this.held.key))
        cancel = { orderId: resting.id, reason: notCurrentReason(key, before, this.held) };
    }
    const signal = this.held;
    if (!signal) return cancel ? { ...NO_ENTRY, cancel } : NO_ENTRY;
    // The order the request replaces (symbolEntryRow), unless it is already being cancelled above.
    const resting = cancel ? undefined : symbolEntry(ctx.ledger, this.symbol, signal.side);
    if (resting && ctx.signalKeyOf(resting.id) === signal.key) return NO_ENTRY;
    // An order not placed for this signal (an earlier run's): the request replaces it, or it goes first.
    if (resting && resting.side !== signal.side)
      cancel = { orderId: resting.id, reason: 'signal-side-changed' };
    if (ctx.stockEntriesClosed && this.assetClass === 'stock') return { ...NO_ENTRY, cancel };
    const quote = ctx.quotes.get(this.symbol);
    if (!quote) return { ...NO_ENTRY, cancel };
    const request = blankRequest(this.symbol, this.assetClass);
    const price = signal.side === 'buy' ? quote.ask : quote.bid;
    const equity = ctx.ledger.account.equity;
    const feeRate = ctx.feeRate?.(this.assetClass) ?? 0;
    if (!fillEntryRequest(request, signal, equity, ctx.margin, ctx.orderFraction, price, ctx.sizing, feeRate))
      return { ...NO_ENTRY, cancel };
    return { cancel, request: { request, signal } };
  }
}

/** What the exit watcher knows of its position's entry (from the store live). */
export interface KnownEntry extends ExitLevels {
  takeProfit: number | null;
  /** When the entry filled (a stop counts bars from there). */
  filledAt: number | null;
}

export interface ExitPlan {
  cancel: string[];
  place: { side: Side; qty: number; limitPrice: number } | null;
  /** Leave now by an order that trades now. */
  exitNow: 'time-stop' | 'stop' | null;
  /** A position without a known take-profit price: nothing to arm (reported once by the runtime). */
  unarmed: boolean;
}

const NO_EXIT: ExitPlan = { cancel: [], place: null, exitNow: null, unarmed: false };

/**
 * The numbers a venue holds for an order it is sent (its own price and quantity steps). A resting
 * take-profit is compared with what the venue would hold for the wanted one, so one on the venue's steps is
 * kept rather than cancelled and placed again at every poll. null: the venue's numbers are not known now (its
 * steps not read, or the order could not be sent): a resting take-profit is then not judged, it is kept.
 */
export type VenueNumbers = (order: {
  symbol: string;
  assetClass: AssetClass;
  side: Side;
  qty: number;
  limitPrice: number;
}) => { qty: number; limitPrice: number } | null;

export class ExitWatcher {
  constructor(
    readonly symbol: string,
    readonly assetClass: AssetClass,
    private readonly venueNumbers: VenueNumbers | null = null,
  ) {}

  /**
   * Without a position, no take-profit rests. Asked at a fresh price (`asked`), with a position and no exit
   * already under way: past its time stop (or a stop the last bar reached) it leaves now; otherwise exactly
   * one take-profit is armed at the forecast price for the whole position.
   */
  plan(
    ledger: CapacityLedger,
    entry: KnownEntry,
    now: number,
    asked: boolean,
    lastBar: ClosedBar | null,
  ): ExitPlan {
    const armed = ownOrder(ledger, this.symbol, 'take-profit');
    const position = ledger.position(this.symbol);
    if (!position) return { ...NO_EXIT, cancel: armed.map((o) => o.id) };
    if (!asked || ownOrder(ledger, this.symbol, 'exit').length) return NO_EXIT;
    const positionSide: Side = position.qty > 0 ? 'buy' : 'sell';
    if (stopReached(positionSide, entry.stopPrice, entry.filledAt, lastBar))
      return { ...NO_EXIT, cancel: armed.map((o) => o.id), exitNow: 'stop' };
    if (entry.takeProfit === null) {
      if (exitStep(entry.timeStopAt, now, true) === 'time-stop') return { ...NO_EXIT, exitNow: 'time-stop' };
      return { ...NO_EXIT, unarmed: true };
    }
    const tp = takeProfitOrder(this.assetClass, positionSide, position.qty, entry.takeProfit);
    const held = this.venueNumbers
      ? this.venueNumbers({ symbol: this.symbol, assetClass: this.assetClass, ...tp })
      : tp;
    const same = (o: { qty: number; limitPrice: number }, t: { qty: number; limitPrice: number }) =>
      near(o.qty, t.qty) && near(o.limitPrice, t.limitPrice);
    const sided = armed.filter((o) => o.side === tp.side);
    // Without the venue's numbers a take-profit on its side is not judged: it stays until they are known.
    const keep =
      sided.find((o) => same(o, tp) || (held !== null && same(o, held))) ?? (held ? undefined : sided[0]);
    const step = exitStep(entry.timeStopAt, now, keep !== undefined);
    if (step === 'time-stop') return { ...NO_EXIT, cancel: armed.map((o) => o.id), exitNow: 'time-stop' };
    return { ...NO_EXIT, cancel: armed.filter((o) => o !== keep).map((o) => o.id), place: keep ? null : tp };
  }
}

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
