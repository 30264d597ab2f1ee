import type { CapacityLedger } from '../coordinator/ledger.js';
import type { LiveStore } from '../live/store.js';
import type { Logger } from '../ports/log.js';
import type { AdvisoryBroker } from './advisory-broker.js';
import { applyToLedger, describeDropped, type AdvisoryBook } from './book.js';
import { appliedDetail, heldDetail } from './event-details.js';
import type { OrderBody, OrderEventBody, SagaReportBody } from './reports.js';
import { refuseConflictingEvent, refuseOversize } from './report-checks.js';
import { mirrorToStore, type SagaRecord, type ServiceTables } from './service-tables.js';
import { ServiceConflict } from './views.js';

export interface AdvisoryEventContext {
  advisory: AdvisoryBroker;
  book: AdvisoryBook;
  tables: ServiceTables;
  /** Apply an event outside any saga to the book and the ledger; why it changed nothing, or null if it did. */
  apply: (event: OrderEventBody) => string | null;
  /** The held report the last placement dropped (described), once; null when it dropped none. */
  takeDropped: () => string | null;
  /**
   * The order a saga asked its bot to place under this client order id and nobody reported placed yet (also
   * after its deadline or a restart: service-tables.ts askedPlacement), or null.
   */
  asked: (clientOrderId: string) => Omit<OrderBody, 'id'> | null;
}

/**
 * An order event in advisory mode (anything the bot saw). An event id seen before counts once (another body
 * under it is refused); the cancel confirmation (or the full fill) or the placement a saga waits for answers
 * that saga; anything else goes to the book and the ledger.
 */
export function advisoryEvent(body: OrderEventBody, c: AdvisoryEventContext): EventAnswer {
  if (body.eventId !== undefined) {
    const before = c.tables.eventBody(body.eventId);
    if (before !== null && before !== JSON.stringify(body))
      throw new ServiceConflict(
        `event ${body.eventId} was applied before with another body (${before}); ` +
          'an event id names one report: send this one under a new eventId',
      );
    if (before !== null)
      return { applied: false, detail: `event ${body.eventId} was applied before; counted once` };
  }
  // Before anything is written: a report that contradicts the book is refused whole, as is another spelling of
  // a market the book knows (symbol-spelling.ts).
  if (body.kind === 'placed') c.book.spellings.refuseOther(body.order.symbol, 'order.symbol');
  else if ('symbol' in body) c.book.spellings.refuseOther(body.symbol, 'symbol');
  refuseConflictingEvent(body, c.book);
  // The confirmation a saga waits for, sent as an order event: it answers the saga.
  if (body.kind === 'cancelled' && c.advisory.awaitsCancel(body.orderId)) {
    const sagaId = c.advisory.cancelAwaitedBy(body.orderId);
    c.advisory.report({
      kind: 'cancelled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
    });
    return { applied: true, detail: `answered ${sagaName(sagaId)}, which waited for this cancel`, sagaId };
  }
  // Filled completely: the quantity it was placed with, not what was still open (fills are cumulative).
  const placedQty = body.kind === 'fill' ? c.book.order(body.orderId)?.qty : undefined;
  if (
    body.kind === 'fill' &&
    placedQty !== undefined &&
    c.advisory.awaitsCancel(body.orderId) &&
    body.filledQty >= placedQty
  ) {
    const sagaId = c.advisory.cancelAwaitedBy(body.orderId);
    c.advisory.report({
      kind: 'filled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
    });
    return {
      applied: true,
      detail:
        `answered ${sagaName(sagaId)}, which waited for this cancel: the order filled first, so the saga ` +
        'decides again (its next action goes to the bot that carries it, in the answer to its report on this order)',
      sagaId,
    };
  }
  // The stealer's order, told as an order event under the client order id the saga gave it.
  const clientOrderId = body.kind === 'placed' ? body.order.clientOrderId : undefined;
  const awaited = clientOrderId === undefined ? null : c.advisory.awaitedPlace(clientOrderId);
  if (body.kind === 'placed' && clientOrderId !== undefined && awaited) {
    refuseOtherOrder(body.order, awaited.order, `saga ${awaited.sagaId ?? '(recovered)'}`);
    refuseOversize(clientOrderId, body.order.id, body.order.qty, body.order.limitPrice, awaited.order);
    c.advisory.report({
      kind: 'placed',
      clientOrderId,
      orderId: body.order.id,
      qty: body.order.qty,
      limitPrice: body.order.limitPrice,
    });
    return {
      applied: true,
      detail: withDropped(`answered ${sagaName(awaited.sagaId)}, which waited for this placement`, c),
      sagaId: awaited.sagaId,
    };
  }
  // A saga's placement reported late (after its deadline, or a restart) as an order event: the same checks as the
  // late saga report (refuseConflictingReport). It was taken as an order placed outside any saga: 500 held
  // where the saga was granted 1, or an order of another symbol under its client order id.
  const late = body.kind === 'placed' && clientOrderId !== undefined ? c.asked(clientOrderId) : null;
  if (body.kind === 'placed' && clientOrderId !== undefined && late) {
    refuseOtherOrder(body.order, Object.assign({ clientOrderId }, late), 'the saga');
    refuseOversize(clientOrderId, body.order.id, body.order.qty, body.order.limitPrice, late);
  }
  const unchanged = c.apply(body);
  if (unchanged !== null) return { applied: false, detail: unchanged };
  // Of an order never reported placed: held for its placement, applied to nothing yet (it answered applied: true).
  if ((body.kind === 'fill' || body.kind === 'cancelled') && !c.book.knows(body.orderId))
    return { applied: false, detail: heldDetail(body) };
  const orderId = body.kind === 'placed' ? body.order.id : 'orderId' in body ? body.orderId : null;
  const held = orderId === null ? null : c.book.order(orderId);
  return { applied: true, detail: withDropped(appliedDetail(body, held), c) };
}

/** What an event did; `sagaId`: the saga it answered (it moves on), not part of the HTTP answer. */
export interface EventAnswer {
  applied: boolean;
  detail: string;
  sagaId?: string | null;
}

const sagaName = (sagaId: string | null): string => (sagaId === null ? 'the saga' : `saga ${sagaId}`);

/** An answer, with the held report the placement dropped when it dropped one. */
function withDropped(detail: string, c: AdvisoryEventContext): string {
  const dropped = c.takeDropped();
  return dropped === null ? detail : `${detail}; ${dropped}`;
}

/**
 * A placement under a saga's client order id must be the order that saga asked for: another symbol, side or
 * asset class is a bot's mistake (an id reused, reports crossed), and counting it as the saga's order would put
 * margin on the wrong symbol. Refused (409), naming the field; the quantity and limit may differ (a venue
 * rounds them), and the ledger takes them as placed.
 */
function refuseOtherOrder(
  order: OrderBody,
  asked: Pick<OrderBody, 'symbol' | 'side' | 'assetClass'> & { clientOrderId: string },
  saga: string,
): void {
  for (const field of ['symbol', 'side', 'assetClass'] as const) {
    if (order[field] === asked[field]) continue;
    throw new ServiceConflict(
      `order.${field}: ${order[field]}, but ${saga} asked for ` +
        `${asked[field]} under client order id ${asked.clientOrderId}; ` +
        'report an order placed outside the saga under another (or no) clientOrderId',
    );
  }
}

/**
 * A saga report that names an order the saga never asked about: a bot's mistake (a saga id mixed up, a typo in
 * an id). Counting it anyway would answer another saga with it, or (a placement) drop it silently while the
 * saga still waits and ends compensated, the order at the venue never counted. Refused (409), naming the field
 * and the value. The saga's own orders: its victims, those it cancelled, the victims of a decision it left (one
 * filled during its cancel and it decided again: its bot still reports on the victim it was told to cancel),
 * what it waits for, its client order id, and the order it replaces (the stored saga does not name it: any order
 * of the saga's symbol).
 */
export function refuseForeignReport(
  saga: SagaRecord,
  body: SagaReportBody,
  book: AdvisoryBook,
  advisory: AdvisoryBroker,
  earlierVictims: readonly string[],
): void {
  if (body.kind === 'placed' || body.kind === 'place-rejected') {
    if (body.clientOrderId === saga.clientOrderId) return;
    throw new ServiceConflict(
      `clientOrderId: ${body.clientOrderId} is not the order saga ${saga.sagaId} asked to place ` +
        `(client order id ${saga.clientOrderId}); nothing changed. An order placed outside a saga is a "placed" ` +
        'order event (POST /v1/events)',
    );
  }
  const id = body.orderId;
  const own =
    saga.victims.includes(id) ||
    saga.cancelled.includes(id) ||
    earlierVictims.includes(id) ||
    advisory.pending(saga.sagaId).some((a) => a.kind === 'cancel' && a.orderId === id) ||
    book.order(id)?.symbol === saga.symbol;
  if (own) return;
  const other = advisory.pending().find((a) => a.kind === 'cancel' && a.orderId === id)?.sagaId;
  throw new ServiceConflict(
    `orderId: ${id} is not an order saga ${saga.sagaId} asked to cancel (its victims: ` +
      `${saga.victims.join(', ') || 'none'}); nothing changed. ` +
      (other
        ? `Saga ${other} waits for it: report it there`
        : 'Report what happened to it as an order event'),
  );
}

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
   * goes into the coordinator's ledger as placed, and the saga, finding it there, adds none of its own.
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
   * what is applied, a repeated eventId.
   */
  apply(event: OrderEventBody): string | null {
    this.d.beforeWrite();
    const at = this.d.now();
    const book = this.d.book;
    if (event.kind === 'placed' && book.knows(event.order.id))
      return `placed: order ${event.order.id} was reported before with these terms (a repeat); nothing changed`;
    if ((event.kind === 'cancelled' || event.kind === 'fill') && book.knows(event.orderId)) {
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
    return this.write(event, at, 'event')
      ? null
      : `${event.kind}: event ${event.eventId} was applied before; counted once`;
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
        if (!this.d.tables.appendReport(e, t)) return false;
        // A fill of a closed order (it filled before its cancel took effect) leaves its row closed.
        const closed = e.kind === 'fill' && this.d.book.knows(e.orderId) && !this.d.book.isOpen(e.orderId);
        mirrorToStore(this.d.store, closed ? Object.assign({}, e, { kind: 'cancelled' as const }) : e, t);
        const { effects, dropped } = this.d.book.apply(e, t);
        if (f === 'event') for (const effect of effects) applyToLedger(this.d.ledger(), effect, t);
        else if (e.kind === 'placed') applyToLedger(this.d.ledger(), e, t);
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
