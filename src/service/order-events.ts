import type { CapacityLedger } from '../coordinator/ledger.js';
import type { LiveStore } from '../live/store.js';
import type { AdvisoryBroker } from './advisory-broker.js';
import { applyToLedger, type AdvisoryBook } from './book.js';
import type { OrderEventBody } from './reports.js';
import { mirrorToStore, type ServiceTables } from './service-tables.js';

export interface AdvisoryEventContext {
  advisory: AdvisoryBroker;
  ledger: CapacityLedger;
  tables: ServiceTables;
  /** Apply an event outside any saga to the book and the ledger; false when it changed nothing. */
  apply: (event: OrderEventBody) => boolean;
}

/**
 * An order event in advisory mode (anything the bot saw). An event id seen before counts once; the cancel
 * confirmation (or the full fill) a saga waits for answers that saga; anything else goes to the book and
 * the ledger.
 */
export function advisoryEvent(
  body: OrderEventBody,
  c: AdvisoryEventContext,
): { applied: boolean; detail: string } {
  if (body.eventId !== undefined && c.tables.hasEvent(body.eventId))
    return { applied: false, detail: `event ${body.eventId} was applied before; counted once` };
  // The confirmation a saga waits for, sent as an order event: it answers the saga.
  if (body.kind === 'cancelled' && c.advisory.awaitsCancel(body.orderId)) {
    c.advisory.report({
      kind: 'cancelled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
    });
    return { applied: true, detail: 'answered the saga waiting for this cancel' };
  }
  const order = body.kind === 'fill' ? c.ledger.order(body.orderId) : undefined;
  if (body.kind === 'fill' && order && c.advisory.awaitsCancel(body.orderId) && body.filledQty >= order.qty) {
    c.advisory.report({
      kind: 'filled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
    });
    return { applied: true, detail: 'answered the saga waiting for this cancel: the order filled first' };
  }
  if (c.apply(body)) return { applied: true, detail: `${body.kind} applied` };
  return {
    applied: false,
    detail: `${body.kind}: the order is not open (a repeat or a late report); nothing changed`,
  };
}

/**
 * How advisory mode keeps what the bots report: each report is stored with its mirror in the orders table
 * (one transaction: never one without the other), then the book follows it, and for an event outside any
 * saga the coordinator's ledger too.
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
    },
  ) {}

  /** A report a saga waited for (the AdvisoryBroker's record): the saga moves the ledger itself. */
  record(event: OrderEventBody): void {
    this.d.beforeWrite();
    const at = this.d.now();
    this.store(event, at);
    this.d.book.apply(event, at);
  }

  /** An order event outside any saga: the book and the coordinator's ledger follow it alike. */
  apply(event: OrderEventBody): boolean {
    this.d.beforeWrite();
    const at = this.d.now();
    // A cancel or fill of an order that is no longer open (a repeat, or late) changes nothing: not stored.
    if ((event.kind === 'cancelled' || event.kind === 'fill') && !this.d.book.isOpen(event.orderId))
      return false;
    if (!this.store(event, at)) return false;
    this.d.book.apply(event, at);
    applyToLedger(this.d.ledger(), event, at);
    return true;
  }

  /** False when the report was a repeat (its eventId is known) and nothing was written. */
  private store(event: OrderEventBody, at: number): boolean {
    return this.d.store.db.transaction(() => {
      if (!this.d.tables.appendReport(event, at)) return false;
      mirrorToStore(this.d.store, event, at);
      return true;
    })();
  }
}
