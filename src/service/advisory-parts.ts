import type { CapacityLedger } from '../coordinator/ledger.js';
import type { Account } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import { AdvisoryBroker, type AdvisoryOptions, type Timers } from './advisory-broker.js';
import { AdvisoryBook } from './book.js';
import { AdvisoryReports } from './order-events.js';
import { recordPlacement, type ServiceTables } from './service-tables.js';

/** What advisory mode needs of the service that holds it (its state at the time of each call). */
export interface AdvisoryHooks {
  ledger(): CapacityLedger;
  /** Runs before a report is written (the decision log writes the decision it holds). */
  beforeWrite(): void;
  sagaOf: AdvisoryOptions['sagaOf'];
  placing: AdvisoryOptions['placing'];
}

/**
 * Advisory mode's three parts over one store: the book (the venue as the bots report it, rebuilt from every
 * stored report, as after a restart), the reports' writer, and the broker port the coordinator's sagas run
 * over.
 */
export function advisoryParts(
  o: { store: LiveStore; timers: Timers; deadlineMs: number; account: Account },
  tables: ServiceTables,
  hooks: AdvisoryHooks,
): { book: AdvisoryBook; reports: AdvisoryReports; broker: AdvisoryBroker } {
  const book = new AdvisoryBook(o.account);
  for (const r of tables.reports()) book.apply(r.event, r.at);
  const reports = new AdvisoryReports({
    store: o.store,
    tables,
    book,
    ledger: hooks.ledger,
    now: () => o.timers.now(),
    beforeWrite: hooks.beforeWrite,
  });
  const broker = new AdvisoryBroker({
    book,
    deadlineMs: o.deadlineMs,
    timers: o.timers,
    sagaOf: hooks.sagaOf,
    record: (e) => reports.record(e),
    placing: hooks.placing,
    placement: (request, answer) => recordPlacement(o.store, request, answer, o.timers.now()),
  });
  return { book, reports, broker };
}
