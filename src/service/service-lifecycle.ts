import type { Coordinator } from '../coordinator/coordinator.js';
import { recoverAtStart } from '../live/recovery.js';
import type { LiveStore } from '../live/store.js';
import { TrackedBroker } from '../live/tracked-broker.js';
import type { Logger } from '../ports/log.js';
import type { LiveBroker } from '../ports/venue.js';
import type { AdvisoryBroker, Timers } from './advisory-broker.js';
import type { AdvisoryBook } from './book.js';
import type { DecisionLog } from './decision-log.js';
import type { ExecutingMode } from './executing-mode.js';
import type { SagaIndex } from './saga-index.js';
import type { ServiceTables } from './service-tables.js';
import type { ServiceWrites } from './service-writes.js';
import { ServiceUnavailable } from './views.js';

/** What the service's start (crash recovery) and stop work on: its parts, one mode's of them null. */
export interface ServiceParts {
  o: { store: LiveStore; log: Logger; timers: Timers; config: { dryRun: boolean } };
  coordinator: Coordinator;
  tables: ServiceTables;
  sagas: SagaIndex;
  decisions: DecisionLog;
  writes: ServiceWrites;
  /** Advisory mode's. */
  advisory: AdvisoryBroker | null;
  book: AdvisoryBook | null;
  /** Executing mode's, with the venue it executes against. */
  executing: ExecutingMode | null;
  venue: LiveBroker;
}

/**
 * Crash recovery at start: the sagas the last run left are carried to an end (recoverSagas), their views say
 * how, and the ledger starts from the book (advisory) or from the venue, read now (executing).
 * `recovering` is told when it starts and ends: reports and actions during it belong to the recovery. A
 * recovery that fails decides nothing (the ledger may not be the venue's): it rejects with a 503 that says
 * why, which every request then answers, and `serve` stops so that it can be started again.
 */
export async function recoverService(p: ServiceParts, recovering: (on: boolean) => void): Promise<void> {
  try {
    await recoverOrThrow(p, recovering);
  } catch (error) {
    throw new ServiceUnavailable(
      `crash recovery failed at start (${(error as Error).message}); nothing is decided until worksteal ` +
        'serve is started again, and it recovers again from the store',
    );
  }
}

async function recoverOrThrow(p: ServiceParts, recovering: (on: boolean) => void): Promise<void> {
  recovering(true);
  const deps = {
    store: p.o.store,
    broker: p.executing?.tracked ?? new TrackedBroker(p.venue, p.o.store, () => p.o.timers.now()),
    venue: p.venue,
    coordinator: p.coordinator,
    log: p.o.log,
    now: () => p.o.timers.now(),
    dryRun: p.o.config.dryRun,
    includeCurrentRun: false,
    // A bot that does not confirm a recovered saga's cancel in time ends it, as in a live saga.
    unconfirmedEnds: p.advisory !== null,
    // The recovery ended it in this process: its view and its decision say how, as for a saga a request ended
    // (told as it ends: before, only once every recovered saga had ended, so one read meanwhile showed its
    // state, aborted, with a null outcome).
    onEnded: (sagaId: string) => p.sagas.recovered(p.tables.saga(sagaId)),
  };
  try {
    // As `run` at start; rows of earlier runs still marked working take the venue's word when it executes.
    await recoverAtStart(deps, p.executing !== null);
    // The ledger takes the broker's state before the service says it is ready: the status and /metrics show
    // the broker's equity and capacity from the first answer (they showed 0 until the first request).
    await p.executing?.start();
  } finally {
    recovering(false);
    p.decisions.flush();
  }
  if (p.book) p.coordinator.ledger.reset(p.book.state());
}

/** Stop: sagas still waiting end as at their deadline; the run is closed in the store; a log line says how. */
export async function closeService(p: ServiceParts, ready: Promise<void>, reason: string): Promise<void> {
  const open = p.tables.openSagas().map((s) => s.sagaId);
  await p.executing?.close();
  // A saga ended here settles a moment later (its outcome is written then): the store must still be open.
  // Before, SIGTERM with a saga waiting for its bot crashed at exit ("The database connection is not open")
  // and the decision kept no outcome. A saga asks for one action at a time, so a few rounds end them all.
  for (let round = 0; round < 10 && (round === 0 || p.sagas.runningCount() > 0); round++) {
    await p.advisory?.close(reason);
    await p.sagas.allSettled();
  }
  await ready.catch(() => undefined);
  p.decisions.flush();
  p.o.store.stopRun(p.o.timers.now(), reason);
  p.writes.commitNow();
  p.o.log.info('stopped', { reason, store: p.o.store.path, sagasEnded: p.sagas.endings(open) });
}
