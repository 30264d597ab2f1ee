import type { Coordinator } from '../coordinator/coordinator.js';
import type { AssetClass, Account } from '../core/types.js';
import type { LiveStore } from '../live/store.js';
import type { Logger } from '../ports/log.js';
import type { LiveBroker } from '../ports/venue.js';
import type { AdvisoryBroker, Timers } from './advisory-broker.js';
import { advisoryParts, type AdvisoryHooks } from './advisory-parts.js';
import type { AdvisoryBook } from './book.js';
import { ExecutingMode } from './executing-mode.js';
import type { AdvisoryReports } from './advisory-reports.js';
import { advisoryEventContext, type AdvisoryEventContext } from './order-events.js';
import type { ServiceTables } from './service-tables.js';

/**
 * The parts of the service that its mode decides: advisory mode's book, reports and broker (the bots act and
 * report), or executing mode's part (the service acts against the broker itself). The other mode's are null.
 */
export interface ModeParts {
  book: AdvisoryBook | null;
  reports: AdvisoryReports | null;
  advisory: AdvisoryBroker | null;
  executing: ExecutingMode | null;
  /** What advisory order events are taken with (order-events.ts). */
  events: AdvisoryEventContext | null;
}

export function modeParts(
  o: {
    mode: { kind: 'advisory'; deadlineMs: number } | { kind: 'executing'; broker: LiveBroker };
    store: LiveStore;
    timers: Timers;
    log: Logger;
    /** Config `symbols`: each configured market's spelling and asset class. */
    symbols: Readonly<Record<string, { assetClass: AssetClass }>>;
    account: Account;
    /** Executing mode: a request reads the broker first when its last read is `live.pollSec` old. */
    config: { live: { pollSec: number } };
  },
  tables: ServiceTables,
  hooks: AdvisoryHooks & { coordinator: () => Coordinator },
): ModeParts {
  const now = (): number => o.timers.now();
  if (o.mode.kind === 'advisory') {
    const { store, timers, log, account } = o;
    const parts = {
      store,
      timers,
      log,
      account,
      deadlineMs: o.mode.deadlineMs,
      symbols: Object.keys(o.symbols),
    };
    const { book, reports, broker } = advisoryParts(parts, tables, hooks);
    const claims = () => hooks.coordinator().claims;
    const events = advisoryEventContext({ advisory: broker, book, tables, reports, store, claims, now });
    return { book, reports, advisory: broker, executing: null, events };
  }
  const executing = new ExecutingMode(
    o.mode.broker,
    o.store,
    now,
    o.symbols,
    hooks.coordinator,
    o.log,
    o.config.live.pollSec * 1_000,
  );
  return { book: null, reports: null, advisory: null, executing, events: null };
}
