import type { CapacityLedger } from '../coordinator/ledger.js';
import type { LiveStore } from '../live/store.js';
import type { Logger } from '../ports/log.js';
import type { AdvisoryBook } from './book.js';
import { describeDropped } from './event-details.js';
import { ORDERS_PER_SYMBOL } from './dated-positions.js';
import { reportOnClock } from './event-times.js';
import { applyToLedger } from './ledger-events.js';
import { quoteEventTime } from './quote-times.js';
import type { OrderEventBody } from './reports.js';
import { mirrorToStore, type ServiceTables } from './service-tables.js';

/** How many filled orders back a symbol's fills are no longer told apart (DatedPositions), as a message says it. */
const FORGOTTEN_AFTER = ORDERS_PER_SYMBOL.toLocaleString('en-US');

/**
 * How advisory mode keeps what the bots report: each report is checked, then stored with its mirror in the
 * orders table, then the book follows it, and for an event outside any saga the coordinator's ledger too; the
 * store's writes and the ledgers' are one transaction: a report a ledger refuses (a number it cannot hold) rolls
 * its row back, so nothing refused is ever stored. Before, the row was written first: a refused quote answered
 * 400 "the ledger is unchanged" and stayed in `service_reports`, and every restart replayed it and exited 2.
 *
 * A rollback undoes the rows, not memory. What holds: the reports are refused before the transaction (the
 * schema's bounds, refuseImpossibleEvent, refuseConflictingEvent); inside it each ledger call checks its values
 * before it changes anything (but a fill's position, checked after the order's filled quantity moved: with
 * numbers within the schema's 1e15 its value stays finite and passes), and the book's ledger runs first, so a
 * refusal there leaves memory as it was. The coordinator's ledger then runs the same checks on the same values,
 * which the book's just passed; were one to refuse there all the same, the book would keep the report while its
 * row rolls back, until a restart rebuilds the book from the stored rows.
 */
export class AdvisoryReports {
  constructor(
    private readonly d: {
      store: LiveStore;
      tables: ServiceTables;
      book: AdvisoryBook;
      ledger: () => CapacityLedger;
      now: () => number;
      /** Runs before anything is written (the decision log writes the decision it holds). */
      beforeWrite: () => void;
      log: Logger;
    },
  ) {}

  /** The held report the last placement dropped, described, until taken (for that placement's answer). */
  private dropped: string | null = null;

  takeDropped(): string | null {
    const dropped = this.dropped;
    this.dropped = null;
    return dropped;
  }

  /**
   * A report a saga waited for (the AdvisoryBroker's record): the saga moves the ledger itself, except for a
   * placement, which only the report knows as the venue holds it (a broker may round the size): its order
   * goes into the coordinator's ledger as placed, with what the book applied with it, and the saga, finding it
   * there, adds none of its own.
   */
  record(event: OrderEventBody): void {
    this.d.beforeWrite();
    this.write(event, this.d.now(), 'saga');
  }

  /**
   * An order event outside any saga: the book and the coordinator's ledger follow it alike. Returns null when
   * it counted (stored and applied; a fill or cancel of an order whose placement is not reported yet is stored
   * and held back until it is), or why it changed nothing (nothing is then stored): a placement of an order
   * reported before, a fill or cancel of an order closed since, a fill whose cumulative quantity is not above
   * what is applied (unless dated with news for the order's dates: book.newlyDated), a repeated eventId. It is
   * checked with its times on the service's clock, as the book takes it (event-times.ts), and stored as sent.
   */
  apply(sent: OrderEventBody): string | null {
    this.d.beforeWrite();
    const at = this.d.now();
    const book = this.d.book;
    const event = reportOnClock(sent, at);
    if (event.kind === 'placed' && book.knows(event.order.id))
      return `placed: order ${event.order.id} was reported before with these terms (a repeat); nothing changed`;
    if (event.kind === 'position') {
      const refused = book.refusedSnapshot(event);
      if (refused !== null)
        return refused.why === 'older'
          ? `position: this snapshot of ${event.symbol} as of ${iso(event.asOf!)} is older than the one held ` +
              `(as of ${iso(refused.at)}); nothing changed`
          : `position: this snapshot of ${event.symbol} as of ${iso(event.asOf!)} is dated before a fill ` +
              `(as of ${iso(refused.at)}) of an order more than ${FORGOTTEN_AFTER} filled orders back, which ` +
              'the position already holds and this snapshot cannot be told apart from; nothing changed: send a ' +
              'newer snapshot';
    }
    if (event.kind === 'quote') {
      const older = book.quotes.refusal(event.symbol, quoteEventTime(event, at));
      if (older !== null) return older;
    }
    // A dated report that tells the order's dates something new counts, even when its fill is older than what
    // is applied: a snapshot dated after it holds that fill (book.newlyDated).
    const dated = (event.kind === 'cancelled' || event.kind === 'fill') && book.newlyDated(event);
    if ((event.kind === 'cancelled' || event.kind === 'fill') && book.knows(event.orderId) && !dated) {
      // A closed order's fill beyond what it is held with filled before its cancel took effect: it counts.
      if (!book.isOpen(event.orderId) && !(book.filledAfterClose(event.orderId, event.filledQty) > 0)) {
        const held = book.order(event.orderId)!;
        return (
          `${event.kind}: the order is not open (held as ${held.status === 'canceled' ? 'cancelled' : held.status}, ` +
          `${held.filledQty} of ${held.qty} filled; a repeat or a late report); nothing changed`
        );
      }
      // Fills are cumulative: one not above what is applied says nothing new. It answered "fill applied".
      const filled = book.ledger.filled(event.orderId);
      if (event.kind === 'fill' && book.isOpen(event.orderId) && event.filledQty <= filled)
        return (
          `fill: order ${event.orderId} has ${filled} filled already; this report's cumulative ` +
          `${event.filledQty} is ${event.filledQty < filled ? 'older than that' : 'the same (a repeat)'}; ` +
          'nothing changed'
        );
    }
    return this.write(sent, at, 'event')
      ? null
      : `${event.kind}: event ${event.eventId} was applied before; counted once`;
  }

  /**
   * An order event that answered a saga, kept under its eventId (order-events.ts answerSaga): the saga's record
   * of it, stored just before, carries no id. Stored, not applied: the record holds all it says, so at a
   * restart it folds in as the repeat it is (a placement of an order known, a fill or cancel of an order closed
   * with as much filled).
   */
  keepEventId(event: OrderEventBody): void {
    if (event.eventId !== undefined) this.d.tables.appendReport(event, this.d.now());
  }

  /**
   * Store the report and apply it, in one transaction (a savepoint inside the turn's group commit): a ledger's
   * refusal rolls the rows back (memory: see the class's comment). False when the report was a repeat (its
   * eventId is known) and nothing was written or applied.
   */
  private write(event: OrderEventBody, at: number, from: 'saga' | 'event'): boolean {
    this.dropped = null; // what an earlier placement dropped is told in that placement's answer only
    // One transaction function for the service's life: db.transaction() builds five wrappers per call.
    this.writeTx ??= this.d.store.db.transaction(
      (e: OrderEventBody, t: number, f: 'saga' | 'event'): boolean => {
        // Stored as the bot sent it; taken with its times on the service's clock (the book's rule).
        if (!this.d.tables.appendReport(e, t)) return false;
        const taken = reportOnClock(e, t);
        // A fill of a closed order (it filled before its cancel took effect) leaves its row closed.
        const closed = e.kind === 'fill' && this.d.book.knows(e.orderId) && !this.d.book.isOpen(e.orderId);
        mirrorToStore(
          this.d.store,
          closed ? Object.assign({}, taken, { kind: 'cancelled' as const }) : taken,
          t,
        );
        const { effects, dropped } = this.d.book.apply(taken, t);
        if (f === 'event') for (const effect of effects) applyToLedger(this.d.ledger(), effect, t);
        // A saga's placement: with what was reported of the order before it (and a position its dated fills
        // make), as the book took them; fills are cumulative, so the saga's own update after it counts none twice.
        else if (e.kind === 'placed') for (const effect of effects) applyToLedger(this.d.ledger(), effect, t);
        else if (e.kind === 'fill' || e.kind === 'cancelled') datedSagaFill(this.d.ledger(), e, effects, t);
        if (dropped) {
          this.dropped = describeDropped(dropped);
          this.d.log.warn('held-report-dropped', {
            orderId: dropped.report.orderId,
            kind: dropped.report.kind,
            filledQty: dropped.report.filledQty,
            fillPrice: dropped.report.fillPrice ?? null,
            reason: dropped.reason,
          });
        }
        return true;
      },
    );
    return this.writeTx(event, at, from);
  }

  private writeTx: ((event: OrderEventBody, at: number, from: 'saga' | 'event') => boolean) | null = null;
}

/**
 * A victim's fill a saga waited for, dated inside the symbol's snapshot (or with fills dated after the
 * snapshot beside it): the book holds the position its dates make (a `position` effect), not the snapshot plus
 * this fill. The coordinator's ledger takes the fill now, cumulative, so the saga's own update after it adds
 * nothing, and then that position; left to the saga, a fill the snapshot already holds counted twice. Without
 * such an effect the saga moves the ledger itself, as always.
 */
function datedSagaFill(
  ledger: CapacityLedger,
  e: OrderEventBody & { kind: 'fill' | 'cancelled' },
  effects: readonly OrderEventBody[],
  at: number,
): void {
  if (!effects.some((effect) => effect.kind === 'position')) return;
  const order = ledger.order(e.orderId);
  if (order && e.filledQty > 0) ledger.applyFill(e.orderId, e.filledQty, e.fillPrice ?? order.limitPrice);
  for (const effect of effects) if (effect.kind === 'position') applyToLedger(ledger, effect, at);
}

/** A venue time as a message shows it. */
const iso = (ms: number): string => new Date(ms).toISOString();
