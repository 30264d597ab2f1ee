import type { SagaClaims } from '../coordinator/claims.js';
import type { EntryRequest } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import type { AdvisoryBroker } from './advisory-broker.js';
import type { AdvisoryReports } from './advisory-reports.js';
import type { AdvisoryBook } from './book.js';
import { appliedDetail, heldDetail } from './event-details.js';
import { reportOnClock } from './event-times.js';
import type { OrderBody, OrderEventBody, SagaReportBody } from './reports.js';
import { refuseConflictingEvent, refuseOversize } from './report-checks.js';
import { askedPlacement, type SagaRecord, type ServiceTables } from './service-tables.js';
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
  /**
   * The saga whose client order id this is and that has not asked for its placement yet (it waits for its
   * victims' cancels), with the order it is to place: one in flight (its claim), or one of an earlier process
   * still open after a restart (its stored terms: `recovered`). Null when none.
   */
  sagaBeforePlacing: (clientOrderId: string) => SagaBeforePlacing | null;
  /** That saga's order is at the venue: it adopts it (SagaClaims.placedEarly). */
  placedEarly: (sagaId: string, orderId: string) => void;
  /** Keep an event that answered a saga under its event id (AdvisoryReports.keepEventId). */
  keepEventId: (event: OrderEventBody) => void;
  /** The service's clock: an answer shows the event's times as taken on it (event-times.ts). */
  now: () => number;
}

export interface SagaBeforePlacing {
  sagaId: string;
  request: Pick<EntryRequest, 'symbol' | 'assetClass' | 'side' | 'qty' | 'limitPrice'>;
  recovered: boolean;
}

/** The context advisory events are taken in, over the service's parts (service.ts builds it once). */
export function advisoryEventContext(d: {
  advisory: AdvisoryBroker;
  book: AdvisoryBook;
  tables: ServiceTables;
  reports: AdvisoryReports;
  store: LiveStore;
  claims: () => SagaClaims;
  now: () => number;
}): AdvisoryEventContext {
  return {
    advisory: d.advisory,
    book: d.book,
    tables: d.tables,
    apply: (event) => d.reports.apply(event),
    takeDropped: () => d.reports.takeDropped(),
    asked: (clientOrderId) => askedPlacement(d.store, clientOrderId),
    // A saga's id is its client order id (steal-saga.ts); its claim lasts until it ends.
    sagaBeforePlacing: (clientOrderId) => {
      const claim = d.claims().get(clientOrderId);
      if (claim) return { sagaId: claim.sagaId, request: claim.request, recovered: false };
      // No claim: a saga of an earlier process (claims live in memory), checked on the terms it stored.
      const stored = d.tables.sagaBeforePlacing(clientOrderId);
      return stored && { sagaId: stored.sagaId, request: stored.request, recovered: true };
    },
    placedEarly: (sagaId, orderId) => void d.claims().placedEarly(sagaId, orderId),
    keepEventId: (event) => d.reports.keepEventId(event),
    now: d.now,
  };
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
    answerSaga(c, body, {
      kind: 'cancelled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
      asOf: body.asOf,
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
    answerSaga(c, body, {
      kind: 'filled',
      orderId: body.orderId,
      filledQty: body.filledQty,
      fillPrice: body.fillPrice,
      asOf: body.asOf,
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
    answerSaga(c, body, {
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
  // The saga's order placed before the saga asked for it (the bot did not wait for the cancels, or its reports
  // crossed): the venue holds it, so it counts now, once, as that saga's; the saga adopts it when its cancels are
  // done (it asked for it again and, were one to fill meanwhile, decided again and cancelled it as the order it
  // replaces; a fill of it before then was counted twice). The checks of the saga's own placement first.
  const early =
    body.kind === 'placed' && clientOrderId !== undefined ? c.sagaBeforePlacing(clientOrderId) : null;
  if (body.kind === 'placed' && clientOrderId !== undefined && early) {
    refuseOtherOrder(body.order, Object.assign({ clientOrderId }, early.request), `saga ${early.sagaId}`);
    refuseOversize(
      clientOrderId,
      body.order.id,
      body.order.qty,
      body.order.limitPrice,
      early.request,
      early.recovered ? 'recovered' : 'before-asking',
    );
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
  const positionNow = body.kind === 'position' ? c.book.ledger.position(body.symbol)?.qty : undefined;
  const detail = withDropped(appliedDetail(reportOnClock(body, c.now()), held, positionNow), c);
  if (!early || orderId === null) return { applied: true, detail };
  c.placedEarly(early.sagaId, orderId);
  return {
    applied: true,
    detail: detail + adoptedDetail(early.sagaId, c.advisory),
    placedEarlyFor: early.sagaId,
  };
}

/**
 * An order event that answers what a saga waits for. The saga records it in its own terms, without the event's
 * id, so the event is kept under its id beside that record: a repeat then counts once and another body under
 * the id is refused, as for any event (before, the id was not kept, and a later report under it was taken as
 * new).
 */
function answerSaga(c: AdvisoryEventContext, body: OrderEventBody, report: SagaReportBody): void {
  c.advisory.report(report);
  c.keepEventId(body);
}

/** How a saga takes the order placed for it before it asked (the answer to that `placed` event). */
function adoptedDetail(sagaId: string, advisory: AdvisoryBroker): string {
  const cancels = advisory
    .pending(sagaId)
    .flatMap((a) => (a.kind === 'cancel' ? [a.orderId] : []))
    .join(', ');
  return (
    `; counted once, as the order of saga ${sagaId}, placed before it asked for it` +
    (cancels ? ` (it waits for the cancel of ${cancels})` : '') +
    ": the saga will not ask to place it again; report its victims' cancels as they come"
  );
}

/** What an event did; `sagaId`: the saga it answered (it moves on), not part of the HTTP answer. */
export interface EventAnswer {
  applied: boolean;
  detail: string;
  sagaId?: string | null;
  /** A saga's order placed before that saga asked for it (the saga's id). */
  placedEarlyFor?: string;
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
