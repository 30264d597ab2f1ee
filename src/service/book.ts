import { CapacityLedger, type LedgerSnapshot } from '../coordinator/ledger.js';
import { orderTerms, type Account } from '../core/types.js';
import type { VenueOrder, VenueOrderStatus } from '../ports/venue.js';
import { DatedPositions, type SnapshotRefusal } from './dated-positions.js';
import { reportOnClock } from './event-times.js';
import { applyToLedger } from './ledger-events.js';
import type { OrderEventBody } from './reports.js';
import { QuoteTimes } from '../live/quote-times.js';
import { quoteEventTime } from './quote-times.js';
import { SymbolSpellings } from './symbol-spelling.js';

type HeldReport = OrderEventBody & { kind: 'fill' | 'cancelled' };

/**
 * What one report did to the book: the events as they take effect, for another ledger to follow (the
 * coordinator's), and the report held back for this order that its placement showed to be wrong (more filled
 * than placed, a fill beyond the limit), which is dropped: why, as the 409 a report after the placement gets.
 */
export interface BookEffect {
  effects: OrderEventBody[];
  dropped: { report: HeldReport; reason: string } | null;
}

/**
 * Advisory mode's picture of the venue, built only from what the bots report (order events and saga
 * reports, in the order they arrived). It plays the broker's truth for the coordinator: a restart folds the
 * stored reports into a fresh book, and the coordinator's ledger is reset from it.
 */
export class AdvisoryBook {
  readonly ledger: CapacityLedger;
  /** Every order ever reported, with its last known status (what recovery asks about by client order id). */
  private readonly venue = new Map<string, VenueOrder>();
  private readonly byClientId = new Map<string, string>();
  /** Fills and cancels that arrived before their order's placement, by order id. */
  private readonly early = new Map<string, HeldReport>();
  /** The dated ones' [asOf, cumulative] each, by order id: one held report keeps the latest word only. */
  private readonly earlyDates = new Map<string, [number, number][]>();
  /** Each symbol's latest position snapshot and its orders' fills beside it (dated-positions.ts). */
  private readonly dated = new DatedPositions();
  /** Each symbol's last quote and when it was made (a restart's replay rebuilds it). */
  readonly quotes = new QuoteTimes();

  /**
   * @param heldConflict why a report held back for an order contradicts it once its placement shows it
   *   (report-checks.ts heldReportConflict: the rules a report after the placement is refused by), or null.
   *   Passed in, so that the book and the checks, which read the book, do not import each other.
   * @param spellings each market's one spelling: the configured ones, then the first each report names.
   */
  constructor(
    account: Account,
    private readonly heldConflict: (report: HeldReport, book: AdvisoryBook) => string | null,
    readonly spellings = new SymbolSpellings([]),
  ) {
    // Remember closed ids for as long as the service runs: a late report for one is never counted again.
    this.ledger = new CapacityLedger(account, 100_000);
  }

  /**
   * Take one report in. Its effects: none for a repeat, a late report or one held back; a placement followed
   * by what was reported of that order before it (fills and cancels that overtook its placement report), when
   * that agrees with the order as placed. One that does not is dropped (`dropped`), by the same checks as live
   * and in the same order on a restart's replay, so the book comes out the same. Its times are taken on the
   * service's clock as of `at`, when it arrived (event-times.ts): live and at a replay alike.
   */
  apply(sent: OrderEventBody, at: number): BookEffect {
    const event = reportOnClock(sent, at);
    const symbol = event.kind === 'placed' ? event.order.symbol : 'symbol' in event ? event.symbol : null;
    if (symbol !== null) this.spellings.note(symbol);
    switch (event.kind) {
      case 'placed': {
        const o = event.order;
        // An order is placed once: a repeat (before or after it closed, before or after a restart) is nothing.
        if (this.venue.has(o.id)) return { effects: [], dropped: null };
        applyToLedger(this.ledger, event, at);
        const clientOrderId = o.clientOrderId ?? o.id;
        this.byClientId.set(clientOrderId, o.id);
        this.venue.set(o.id, {
          id: o.id,
          clientOrderId,
          ...orderTerms(o),
          filledQty: 0,
          fillPrice: null,
          status: 'open',
          placedAt: o.placedAt ?? at,
        });
        const early = this.early.get(o.id);
        if (!early) return { effects: [event], dropped: null };
        this.early.delete(o.id);
        const dates = this.earlyDates.get(o.id) ?? [];
        this.earlyDates.delete(o.id);
        const reason = this.heldConflict(early, this);
        if (reason !== null) return { effects: [event], dropped: { report: early, reason } };
        this.applyOrderEvent(early, at);
        return { effects: [event, early, ...this.datedPosition(early, dates)], dropped: null };
      }
      case 'fill':
      case 'cancelled':
        if (!this.venue.has(event.orderId)) {
          this.holdBack(event);
          return { effects: [], dropped: null };
        }
        if (!this.ledger.hasOrder(event.orderId))
          return { effects: [...this.filledBeforeClose(event), ...this.datedPosition(event)], dropped: null };
        this.applyOrderEvent(event, at);
        return { effects: [event, ...this.datedPosition(event)], dropped: null };
      case 'position': {
        if (this.dated.refusedSnapshot(event.symbol, event.asOf) !== null)
          return { effects: [], dropped: null };
        this.dated.snapshot(event.symbol, event.qty, event.asOf, this.filledOf);
        // With the fills dated after it (reported before it came) still counted.
        const qty = tiny(this.dated.position(event.symbol, this.filledOf)!);
        const taken = qty === event.qty ? event : Object.assign({}, event, { qty });
        applyToLedger(this.ledger, taken, at);
        return { effects: [taken], dropped: null };
      }
      case 'quote':
        applyToLedger(this.ledger, event, at);
        this.quotes.take(event.symbol, event.bid, event.ask, quoteEventTime(event, at));
        return { effects: [event], dropped: null };
      default:
        applyToLedger(this.ledger, event, at);
        return { effects: [event], dropped: null };
    }
  }

  /**
   * Why this position snapshot changes nothing (older than the one held, or dated before a fill of an order the
   * book no longer itemises: DatedPositions.refusedSnapshot), else null.
   */
  refusedSnapshot(event: OrderEventBody & { kind: 'position' }): SnapshotRefusal | null {
    return this.dated.refusedSnapshot(event.symbol, event.asOf);
  }

  /**
   * Whether a fill or cancel report that says no more filled than the book holds still changes something: dated,
   * it tells how much of the order had filled by its time, which the dates did not hold (DatedPositions.isNews).
   * A snapshot dated after it, held or still to come, holds that fill; dropped, the fill was counted again
   * beyond such a snapshot.
   */
  newlyDated(event: HeldReport): boolean {
    const o = this.venue.get(event.orderId);
    if (!o || event.asOf === undefined) return false;
    return this.dated.isNews(o.symbol, o.id, Math.min(o.qty, event.filledQty), event.asOf);
  }

  /** Whether this order was ever reported placed (open or closed since). */
  knows(orderId: string): boolean {
    return this.venue.has(orderId);
  }

  /** The order as reported: placed quantity, cumulative fill, status. */
  order(orderId: string): VenueOrder | null {
    const order = this.venue.get(orderId);
    return order ? { ...order } : null;
  }

  /**
   * What the reports say now, each open order with its cumulative fill: a ledger reset from it counts no fill
   * twice.
   */
  state(): LedgerSnapshot {
    const snapshot = this.ledger.snapshot();
    for (const o of snapshot.orders) o.filledQty = this.ledger.filled(o.id);
    return snapshot;
  }

  /** The order placed with this client order id (or with this order id when it had none), if reported. */
  byClient(clientOrderId: string): VenueOrder | null {
    const id = this.byClientId.get(clientOrderId);
    const order = id === undefined ? undefined : this.venue.get(id);
    return order ? { ...order } : null;
  }

  isOpen(orderId: string): boolean {
    return this.ledger.hasOrder(orderId);
  }

  /**
   * What a fill or cancel of a closed order adds: its cumulative fill beyond what the book holds of it, up to
   * the order's quantity (0: nothing, a repeat or an older report). Nothing fills after a cancel takes effect, so
   * a larger cumulative fill happened before it: the cancel's report left it out (`filledQty` omitted reads as
   * 0) or came first by another path. The venue holds that position.
   */
  filledAfterClose(orderId: string, filledQty: number): number {
    const o = this.venue.get(orderId);
    if (!o || this.ledger.hasOrder(orderId)) return 0;
    return Math.max(0, Math.min(o.qty, filledQty) - o.filledQty);
  }

  /**
   * A closed order's fill beyond what the book holds of it (filledAfterClose) becomes a position, the order stays
   * closed. The effect for another ledger, where the order is closed too: the position as the book holds it now.
   */
  private filledBeforeClose(event: HeldReport): OrderEventBody[] {
    const delta = this.filledAfterClose(event.orderId, event.filledQty);
    const o = this.venue.get(event.orderId);
    if (!(delta > 0) || !o) return [];
    const price = event.fillPrice ?? o.limitPrice;
    this.ledger.adjustPosition(o.symbol, o.assetClass, o.side === 'buy' ? delta : -delta, price);
    o.filledQty += delta;
    if (event.fillPrice !== undefined) o.fillPrice = event.fillPrice;
    if (o.filledQty >= o.qty - 1e-12) o.status = 'filled'; // all of it filled before the cancel took effect
    const p = this.ledger.position(o.symbol);
    return [
      {
        kind: 'position',
        symbol: o.symbol,
        assetClass: o.assetClass,
        qty: p?.qty ?? 0,
        price: p?.price ?? price,
      },
    ];
  }

  /** An order's cumulative fill as the book holds it (at most its quantity; 0 when unknown). */
  private readonly filledOf = (orderId: string): number => {
    const o = this.venue.get(orderId);
    return o ? Math.min(o.qty, o.filledQty) : 0;
  };

  /**
   * After a fill or cancel report of a known order: its fill noted with its date, and where the symbol has a
   * snapshot, the position it and the fills beyond it make (dated-positions.ts) when the fill alone made another
   * (a fill inside the snapshot: counted once). The effect for another ledger: that position.
   */
  private datedPosition(event: HeldReport, heldDates: readonly [number, number][] = []): OrderEventBody[] {
    const o = this.venue.get(event.orderId);
    if (!o) return [];
    const sign = o.side === 'buy' ? 1 : -1;
    for (const [asOf, filled] of heldDates)
      this.dated.noteFill(o.symbol, o.id, sign, Math.min(o.qty, filled), asOf);
    this.dated.noteFill(o.symbol, o.id, sign, Math.min(o.qty, event.filledQty), event.asOf);
    const target = this.dated.position(o.symbol, this.filledOf);
    const held = this.ledger.position(o.symbol);
    if (target === null || Math.abs(target - (held?.qty ?? 0)) <= 1e-9) return [];
    const price = held?.price ?? event.fillPrice ?? o.limitPrice;
    const position = { symbol: o.symbol, assetClass: o.assetClass, qty: tiny(target), price };
    this.ledger.setPosition(position);
    return [Object.assign({ kind: 'position' as const }, position)];
  }

  private applyOrderEvent(event: HeldReport, at: number): void {
    applyToLedger(this.ledger, event, at);
    if (event.kind === 'fill') this.setStatus(event.orderId, null, event.filledQty, event.fillPrice);
    else this.setStatus(event.orderId, 'canceled', event.filledQty, event.fillPrice ?? null);
  }

  /**
   * A fill or cancel of an order whose placement is not reported yet (the bot's reports took different
   * paths): kept, as its latest cumulative word, until the placement comes. Bounded, oldest out first.
   */
  private holdBack(event: HeldReport): void {
    const before = this.early.get(event.orderId);
    this.early.delete(event.orderId);
    this.early.set(event.orderId, before ? latest(before, event) : event);
    if (event.asOf !== undefined) {
      const dates = this.earlyDates.get(event.orderId) ?? [];
      this.earlyDates.set(event.orderId, [...dates, [event.asOf, event.filledQty]]);
    }
    if (this.early.size > EARLY_MEMORY) {
      const oldest = this.early.keys().next().value!;
      this.early.delete(oldest);
      this.earlyDates.delete(oldest);
    }
  }

  private setStatus(
    orderId: string,
    status: VenueOrderStatus | null,
    filledQty: number,
    fillPrice: number | null,
  ): void {
    const o = this.venue.get(orderId);
    if (!o) return;
    o.filledQty = Math.max(o.filledQty, filledQty);
    if (fillPrice !== null) o.fillPrice = fillPrice;
    o.status = status ?? (o.filledQty >= o.qty - 1e-12 ? 'filled' : 'open');
  }
}

/** A sum of fills that should be 0 and is off by rounding (0.8 + 0.8 − 1.6) is 0. */
const tiny = (qty: number): number => (Math.abs(qty) <= 1e-9 ? 0 : qty);

/** How many orders' early reports are kept (a bot reporting fills of orders it never reports placed). */
const EARLY_MEMORY = 10_000;

/**
 * Two reports of one order that came before its placement, as one: fills are cumulative (the larger counts,
 * with its price), and a cancel closes the order whichever came first. A cancel that said less filled than a
 * fill, before or after it, left that fill out: nothing fills after a cancel takes effect (before, a cancel
 * that came first kept its 0 and the fill after it was lost).
 */
function latest(before: HeldReport, now: HeldReport): HeldReport {
  const larger = now.filledQty >= before.filledQty ? now : before;
  if (before.kind !== 'cancelled' && now.kind !== 'cancelled') return larger;
  return larger.kind === 'cancelled' ? larger : Object.assign({}, larger, { kind: 'cancelled' as const });
}
