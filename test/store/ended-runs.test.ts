/**
 * No store row is left working after a fault (docs/live.md, the fault model). Before:
 * - a killed run's `runs` row kept `stopped_at` and `stop_reason` NULL after the next start had recovered it;
 * - an order the venue no longer lists (neither open nor known by its client order id) stayed `open` in
 *   `orders`, at the next start and in a running process alike, while its watcher placed a new entry for it.
 * The next start closes the dead run's row, saying what happened, and such orders become `gone`: not open,
 * with the fills they had (none is invented). A replay's killed run is checked end to end in replay-runs.test.ts.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeEndedRuns } from '../../src/live/ended-runs.js';
import { recoverAtStart, settleLostEvents, type RecoveryDeps } from '../../src/live/recovery.js';
import { LiveStore, type OrderRow } from '../../src/live/store.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { LiveBroker, VenueOrder } from '../../src/ports/venue.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-ended-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `store-${++n}.sqlite`);
const T = Date.parse('2024-03-09T12:00:00Z');

function order(clientOrderId: string, orderId: string, status = 'open'): OrderRow {
  return {
    clientOrderId,
    orderId,
    symbol: 'ETH/USD',
    assetClass: 'crypto',
    side: 'buy',
    role: 'entry',
    limitPrice: 3000,
    qty: 2,
    takeProfit: 3100,
    forecastPnl: 10,
    signalKey: null,
    placedAt: T,
    status,
  };
}

/** A venue that knows only `known` (by client order id); it lists none of them open. */
function venueKnowing(known: VenueOrder[]): LiveBroker {
  return {
    name: 'paper',
    orderByClientId: (id: string) => Promise.resolve(known.find((o) => o.clientOrderId === id) ?? null),
  } as unknown as LiveBroker;
}

type Row = Record<string, unknown>;
function rows(path: string, sql: string): Row[] {
  const d = new Database(path, { readonly: true });
  try {
    return d.prepare(sql).all() as Row[];
  } finally {
    d.close();
  }
}

/** A run killed with an order open at the venue (and one part filled), its process gone. */
function killedRun(path: string, pid: number | null, host = hostname()): void {
  const store = new LiveStore(path);
  store.startRun('k1', 'paper', T, {});
  store.recordOrder(order('ws-k1-1', 'v1'), T + 1_000);
  store.recordOrder(order('ws-k1-2', 'v2'), T + 2_000);
  store.updateOrderStatus('v2', 'partially_filled', 0.5, 3000, T + 3_000);
  store.db.prepare('UPDATE runs SET pid = ?, host = ?').run(pid, host);
  store.close();
}

/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 2 ** 22 + 17;

describe('the next start closes what a killed run left working', () => {
  it("closes the dead run's row and marks the orders the venue does not know `gone`, fills kept", async () => {
    const path = fresh();
    killedRun(path, DEAD_PID);
    const store = new LiveStore(path);
    const sink = new MemorySink();
    const deps = { store, venue: venueKnowing([]), now: () => T + 60_000, log: new Logger([sink]) };
    store.startRun('k2', 'paper', T + 60_000, {});
    await recoverAtStart(deps as unknown as RecoveryDeps);
    store.close();
    expect(rows(path, 'SELECT client_order_id, status, filled_qty, fill_price FROM orders')).toEqual([
      { client_order_id: 'ws-k1-1', status: 'gone', filled_qty: 0, fill_price: null },
      { client_order_id: 'ws-k1-2', status: 'gone', filled_qty: 0.5, fill_price: 3000 },
    ]);
    expect(rows(path, 'SELECT id, stopped_at, stop_reason FROM runs ORDER BY id')).toEqual([
      {
        id: 1,
        stopped_at: T + 3_000,
        stop_reason:
          `ended without stopping: its process (pid ${DEAD_PID} on ${hostname()}) was gone when run 2 started ` +
          `at ${new Date(T + 60_000).toISOString()}; stopped_at is its last record`,
      },
      { id: 2, stopped_at: null, stop_reason: null },
    ]);
    expect(sink.lines.some((l) => l.includes('"event":"run-ended-without-stopping"'))).toBe(true);
  });

  it('leaves the row of a run whose process still runs (another host, or a live pid) open', () => {
    for (const [pid, host] of [
      [DEAD_PID, 'elsewhere.example'],
      [process.ppid, hostname()],
    ] as const) {
      const path = fresh();
      killedRun(path, pid, host);
      const store = new LiveStore(path);
      store.startRun('k2', 'paper', T + 60_000, {});
      closeEndedRuns({ store, now: () => T + 60_000, log: new Logger([new MemorySink()]) });
      store.close();
      expect(rows(path, 'SELECT stopped_at FROM runs WHERE id = 1')).toEqual([{ stopped_at: null }]);
    }
  });
});

describe('an order the venue does not list, while running', () => {
  it('is `gone` after the reconcile, not `open` beside the new entry placed for it', async () => {
    const path = fresh();
    const store = new LiveStore(path);
    store.startRun('r1', 'paper', T, {});
    store.recordOrder(order('ws-r1-1', 'v1'), T);
    store.recordOrder(order('ws-r1-2', 'v2'), T);
    const events: string[] = [];
    // v1 is neither open at the venue nor known to it; v2 is open.
    await settleLostEvents(store, venueKnowing([]), new Set(['v2']), (e) => events.push(e.kind), T + 5_000);
    expect(store.orderByClientId('ws-r1-1')?.status).toBe('gone');
    expect(store.orderByClientId('ws-r1-2')?.status).toBe('open');
    expect(store.workingOrders().map((o) => o.orderId)).toEqual(['v2']);
    expect(events).toEqual([]);
    // News of it after all (the venue lists it again) is taken: `gone` is not a closed status.
    store.updateOrderStatus('v1', 'filled', 2, 3000, T + 6_000);
    expect(store.orderByClientId('ws-r1-1')?.status).toBe('filled');
    store.close();
  });
});
