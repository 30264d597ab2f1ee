import type { CapacityLedger } from '../coordinator/ledger.js';
import type { Account } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import type { Logger } from '../ports/log.js';
import { AdvisoryBroker, type AdvisoryOptions, type Timers } from './advisory-broker.js';
import { AdvisoryBook } from './book.js';
import { describeDropped } from './event-details.js';
import { AdvisoryReports } from './advisory-reports.js';
import { heldReportConflict } from './report-checks.js';
import { SymbolSpellings } from './symbol-spelling.js';
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
  o: {
    store: LiveStore;
    timers: Timers;
    deadlineMs: number;
    account: Account;
    log: Logger;
    /** The configured symbols (config `symbols`): each market's spelling. */
    symbols: readonly string[];
  },
  tables: ServiceTables,
  hooks: AdvisoryHooks,
): { book: AdvisoryBook; reports: AdvisoryReports; broker: AdvisoryBroker } {
  const spellings = new SymbolSpellings(o.symbols);
  const book = replayReports(
    new AdvisoryBook(o.account, heldReportConflict, spellings),
    tables,
    o.store.path,
    o.log,
  );
  const reports = new AdvisoryReports({
    store: o.store,
    tables,
    book,
    ledger: hooks.ledger,
    now: () => o.timers.now(),
    beforeWrite: hooks.beforeWrite,
    log: o.log,
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

/**
 * The stored reports folded into the book, oldest first. A row the book refuses was refused when it arrived
 * too (the same checks ran then, and it changed nothing): an older version stored a report before checking it
 * (a crossed quote answered 400 and stayed in the table). It is skipped with a warning naming the store, the
 * table and its seq, so that one such row does not keep the service from starting; the book is what the
 * reports applied before made it.
 */
export function replayReports(
  book: AdvisoryBook,
  tables: ServiceTables,
  store: string,
  log: Logger,
): AdvisoryBook {
  for (const r of tables.reports()) {
    try {
      const { dropped } = book.apply(r.event, r.at);
      // Dropped when it arrived too (the same checks, in the same order): said again, the book is as it was.
      if (dropped)
        log.warn('held-report-dropped', {
          store,
          table: 'service_reports',
          seq: r.seq,
          detail: describeDropped(dropped),
        });
    } catch (error) {
      log.warn('stored-report-skipped', {
        store,
        table: 'service_reports',
        seq: r.seq,
        kind: r.event.kind,
        reason: (error as Error).message,
        detail:
          'this report was refused when it arrived (it changed nothing then) but an older version stored it; ' +
          'it is skipped at every start. To drop it: DELETE FROM service_reports WHERE seq = ' +
          `${r.seq} (with the service stopped)`,
      });
    }
  }
  return book;
}
