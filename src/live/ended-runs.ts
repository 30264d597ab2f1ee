import { hostname } from 'node:os';
import { processAlive } from '../io/lock-file.js';
import type { Logger } from '../ports/log.js';
import type { LiveStore, OpenRunRow } from './store.js';
import { venueOf } from './store-rows.js';

/**
 * Whether the process of a run that recorded no stop may still be running: on this host, its pid is alive
 * (and is not this process); on another host it cannot be checked, so it is taken as running. A run written
 * before runs recorded their process (no pid) has ended: the lock keeps a second process off the file.
 */
export function runProcessLive(pid: number | null, host: string | null): boolean {
  if (pid === null) return false;
  if (host !== hostname()) return true;
  return pid !== process.pid && processAlive(pid);
}

/**
 * Earlier runs that ended without recording their stop (killed, crashed) get one from the start that finds
 * them, after the recovery has finished their sagas and settled their orders with the venue: `stopped_at` is
 * the time of the run's last record (`runs`: read before the recovery wrote to its rows) (in the run's own clock: market time for a replay), and the reason says
 * that it ended without stopping, which process was gone, and which run found it when. A replay's venue lived
 * in its process, so the run's orders still marked working are `gone` (no venue holds them; their fills stay
 * as last recorded). A broker's orders were settled against the broker (settleOrderRows). Runs whose process
 * still runs (another host, a pid alive) are left alone.
 */
export function closeEndedRuns(
  d: { store: LiveStore; log: Logger; now: () => number },
  runs: readonly OpenRunRow[] = d.store.openRuns(),
): void {
  for (const run of runs) {
    if (runProcessLive(run.pid, run.host)) continue;
    const at = d.now();
    const process = run.pid === null ? 'its process' : `its process (pid ${run.pid} on ${run.host})`;
    const reason =
      `ended without stopping: ${process} was gone when run ${d.store.currentRun} started at ` +
      `${new Date(at).toISOString()}; stopped_at is its last record`;
    const ordersGone =
      run.broker === 'replay' ? d.store.closeVenueOrders(venueOf('replay', run.runTag), at) : 0;
    d.store.closeRun(run.id, run.lastRecord, reason);
    const detail = {
      run: run.id,
      runTag: run.runTag,
      lastRecord: new Date(run.lastRecord).toISOString(),
      reason,
    };
    d.store.recordEvent(at, 'run-ended-without-stopping', { ...detail, ordersGone });
    d.log.warn('run-ended-without-stopping', { ...detail, ordersGone });
  }
}
