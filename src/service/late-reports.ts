import type { LiveStore } from '../live/store.js';
import type { VenueOrder } from '../ports/venue.js';
import { asPlaced, type OrderBody, type OrderEventBody, type SagaReportBody } from './reports.js';
import { askedPlacement, type SagaRecord } from './service-tables.js';
import { sagaEnded, whereSagaIs, type ReportAnswer, type SagaView } from './views.js';

export interface LateReportContext {
  store: LiveStore;
  /** The saga as the API shows it now. */
  view: () => SagaView;
  /** Apply an order event (the report as the event it stands for). */
  apply: (event: OrderEventBody) => { applied: boolean; detail: string };
  /** The order the book holds under a client order id, to tell a repeat. */
  heldUnder: (clientOrderId: string) => string | undefined;
  /** The order as the reports hold it, for what became of an earlier victim. */
  order: (orderId: string) => VenueOrder | null;
  /** The service is recovering from a restart: an interrupted saga it has not reached yet waits for it. */
  recovering: boolean;
}

/**
 * A report the saga does not wait for (late, after the deadline or a restart; early, a placement before the
 * cancels; on a victim the saga left when it decided again), applied as the order event it stands for: what
 * happened at the venue still counts, once. A placement counts when this saga asked for it (the order asked
 * for is in the store). The answer says why the saga does not wait for it, whether it counted, and where the
 * saga is now (what it waits for, or how it ended): the bot learns from it what to do next.
 */
export function lateReport(saga: SagaRecord, body: SagaReportBody, c: LateReportContext): ReportAnswer {
  const why = notAwaited(saga, c.view(), body, c);
  const late = lateEvent(body, (clientOrderId) =>
    clientOrderId === saga.clientOrderId ? askedPlacement(c.store, clientOrderId) : null,
  );
  let answer: ReportAnswer;
  if (late) {
    const r = c.apply(late);
    answer = r.applied
      ? { applied: true, detail: `${why}; counted as a "${late.kind}" order event: ${r.detail}` }
      : { applied: false, detail: `${why}; not counted: ${r.detail}` };
  } else if (body.kind === 'placed' && c.heldUnder(body.clientOrderId) === body.orderId)
    answer = { applied: false, detail: `${why}; order ${body.orderId} was counted before (a repeat)` };
  else answer = { applied: false, detail: `${why}; nothing changed` };
  answer.detail += `. Now: ${whereSagaIs(c.view())}`;
  return answer;
}

/** Why the saga does not wait for this report. It said "no longer waits … (it is requested)" for all of them. */
function notAwaited(saga: SagaRecord, view: SagaView, body: SagaReportBody, c: LateReportContext): string {
  const id = `saga ${saga.sagaId}`;
  if (sagaEnded(saga.state)) return `${id} no longer waits for this report: it ended ${saga.state}`;
  if ('orderId' in body && body.kind !== 'placed' && view.earlierVictims.includes(body.orderId)) {
    const order = c.order(body.orderId);
    return order?.status === 'filled'
      ? `${id} no longer waits for the cancel of ${body.orderId}: ${body.orderId} filled during its cancel ` +
          'and the saga decided again'
      : `${id} no longer waits for the cancel of ${body.orderId}: another victim filled during its cancel ` +
          `and the saga decided again`;
  }
  if (c.recovering && view.waitingFor.length === 0)
    return `${id} was interrupted by a restart and the recovery has not reached it yet`;
  if ((body.kind === 'placed' || body.kind === 'place-rejected') && view.waitingFor.some(isCancel))
    return (
      `${id} does not wait for its placement yet: it first waits for the cancels of its victims (report the ` +
      'placement when waitingFor asks for it)'
    );
  return `${id} does not wait for this report`;
}

const isCancel = (a: SagaView['waitingFor'][number]): boolean => a.kind === 'cancel';

/**
 * A saga report nobody waits for any more, as the order event it stands for. A placement needs the order the
 * saga asked for (`asked`, by client order id; null when it asked for none).
 */
export function lateEvent(
  body: SagaReportBody,
  asked: (clientOrderId: string) => Omit<OrderBody, 'id'> | null,
): OrderEventBody | null {
  switch (body.kind) {
    case 'cancelled':
      return {
        kind: 'cancelled',
        orderId: body.orderId,
        filledQty: body.filledQty,
        fillPrice: body.fillPrice,
        asOf: body.asOf,
      };
    case 'filled':
      return {
        kind: 'fill',
        orderId: body.orderId,
        filledQty: body.filledQty,
        fillPrice: body.fillPrice,
        asOf: body.asOf,
      };
    case 'placed': {
      const order = asked(body.clientOrderId);
      return order
        ? { kind: 'placed', order: Object.assign({}, order, asPlaced(body), { id: body.orderId }) }
        : null;
    }
    default:
      return null;
  }
}
