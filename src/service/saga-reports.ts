import type { LiveStore } from '../live/store.js';
import type { AdvisoryBroker } from './advisory-broker.js';
import type { AdvisoryReports } from './advisory-reports.js';
import type { AdvisoryBook } from './book.js';
import { clockNote } from './event-times.js';
import { lateReport } from './late-reports.js';
import { refuseForeignReport } from './order-events.js';
import type { OrderEventBody, SagaReportBody } from './reports.js';
import { refuseConflictingReport } from './report-checks.js';
import { awaitedReport, type SagaIndex } from './saga-index.js';
import { askedPlacement, type ServiceTables } from './service-tables.js';
import type { ServiceWrites } from './service-writes.js';
import { NotFound, type ReportAnswer, type SagaView } from './views.js';

/** What a bot's saga report is taken with: advisory mode's parts and the service's (service.ts builds it once). */
export interface SagaReportParts {
  advisory: AdvisoryBroker;
  book: AdvisoryBook;
  reports: AdvisoryReports;
  tables: ServiceTables;
  store: LiveStore;
  sagas: SagaIndex;
  writes: ServiceWrites;
  now: () => number;
  /** The service is recovering from a restart: an interrupted saga it has not reached yet waits for it. */
  recovering: () => boolean;
  /** The saga as the API shows it now. */
  view: (sagaId: string) => SagaView | null;
  /** Apply an order event (a late report, as the event it stands for). */
  event: (event: OrderEventBody) => { applied: boolean; detail: string };
}

/**
 * A bot's report for a saga (advisory mode); answers with the saga once it has moved on, and with whether the
 * report counted (a late one counts as the order event it stands for, or not at all). One that names an order
 * the saga never asked about, or contradicts what is held, is refused (409) before anything is written.
 */
export async function takeSagaReport(
  p: SagaReportParts,
  sagaId: string,
  body: SagaReportBody,
): Promise<SagaView & { report: ReportAnswer }> {
  const saga = p.tables.saga(sagaId);
  if (!saga) throw new NotFound(`no saga ${sagaId}; GET /v1/status lists the open ones`);
  const matches = awaitedReport(p.advisory.pending(sagaId), body);
  if (!matches) refuseForeignReport(saga, body, p.book, p.advisory, p.sagas.earlierVictims(sagaId));
  const asked =
    body.kind === 'placed'
      ? (p.advisory.awaitedPlace(body.clientOrderId)?.order ?? askedPlacement(p.store, body.clientOrderId))
      : null;
  refuseConflictingReport(body, p.book, asked);
  p.writes.begin();
  if (!matches) {
    const report = lateReport(saga, body, {
      store: p.store,
      view: () => p.view(sagaId)!,
      apply: (late) => p.event(late),
      heldUnder: (clientOrderId) => p.book.byClient(clientOrderId)?.id,
      order: (orderId) => p.book.order(orderId),
      recovering: p.recovering(),
    });
    await p.writes.durable();
    return Object.assign(p.view(sagaId)!, { report });
  }
  // Read before the saga moves on: the note says when the report arrived.
  const note = clockNote(body, p.now());
  p.advisory.report(body);
  const dropped = p.reports.takeDropped();
  await movedOn(p.advisory, p.sagas, sagaId);
  await p.writes.durable();
  const detail = `answered saga ${sagaId}, which waited for it${dropped === null ? '' : `; ${dropped}`}${note}`;
  return Object.assign(p.view(sagaId)!, { report: { applied: true, detail } });
}

/**
 * Settles once the saga has moved on after a report it waited for: it asks its bot for something new, or ends.
 * A recovered saga (after a restart) is driven by the recovery, whose steps over the bots' reports take no
 * turn of the event loop: the next turn finds it moved on (it waited for the whole recovery, every other
 * recovered saga's deadline included).
 */
export async function movedOn(advisory: AdvisoryBroker, sagas: SagaIndex, sagaId: string): Promise<void> {
  await advisory.untilAsked(sagas.runningUntil(sagaId) ?? nextTurn(), () => sagaId);
}

/** The next turn of the event loop: every promise job of this one has run. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
