/**
 * A steal saga interrupted between its placement and the venue's answer, and the stealer filled while the
 * process was down: recovery adopts the order, and its store row must say what the venue says (status,
 * filled quantity, fill price), as every other row recovery settles does. The exit watcher arms the
 * take-profit of a position from that row (LiveStore.lastEntryFill: an entry with `filled_qty > 0`); a row
 * left `filled` with nothing filled leaves the position without its take-profit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import type { LiveBroker, VenueOrder } from '../../src/ports/venue.js';
import { recoverSagas, settleOrderRows } from '../../src/live/recovery.js';
import { LiveStore } from '../../src/live/store.js';
import { TrackedBroker } from '../../src/live/tracked-broker.js';
import { AskedVenue } from '../support/asked-venue.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-recovery-adopted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = Date.parse('2024-03-09T12:00:00Z');

function venueOrder(
  id: string,
  clientOrderId: string,
  symbol: string,
  status: VenueOrder['status'],
  filledQty: number,
  fillPrice: number | null,
): VenueOrder {
  return {
    id,
    clientOrderId,
    symbol,
    assetClass: 'crypto',
    side: 'buy',
    role: 'entry',
    limitPrice: 100,
    qty: 2,
    filledQty,
    fillPrice,
    status,
    placedAt: T,
  };
}

/**
 * The first process: SOL's entry v1 was cancelled for LINK's steal (on disk), LINK's entry was written as
 * `sending` (TrackedBroker writes every order before it is sent), and the process died before the answer.
 */
function crashedRun(db: string): void {
  const store = new LiveStore(db);
  store.startRun('one', 'paper', T, {});
  const row = {
    assetClass: 'crypto' as const,
    side: 'buy' as const,
    role: 'entry' as const,
    limitPrice: 100,
    qty: 2,
    forecastPnl: 300,
    signalKey: null,
    placedAt: T,
  };
  store.recordOrder(
    { ...row, clientOrderId: 'ws-one-1', orderId: 'v1', symbol: 'SOL/USD', takeProfit: 105, status: 'open' },
    T,
  );
  store.updateOrderStatus('v1', 'canceled', 0, null, T + 500);
  store.transition({
    sagaId: 'ws-one-2',
    state: 'victims-cancelled',
    at: T + 1_000,
    clientOrderId: 'ws-one-2',
    symbol: 'LINK/USD',
    victims: ['v1'],
    cancelled: ['v1'],
  });
  store.recordOrder(
    {
      ...row,
      clientOrderId: 'ws-one-2',
      orderId: null,
      symbol: 'LINK/USD',
      takeProfit: 104,
      status: 'sending',
    },
    T + 1_000,
  );
  store.close();
}

async function restart(db: string, venue: AskedVenue): Promise<LiveStore> {
  const store = new LiveStore(db);
  store.startRun('two', 'paper', T + 60_000, {});
  const now = (): number => T + 60_000;
  const coordinator = new Coordinator({
    config: DEFAULT_CONFIG,
    clock: { now },
    calendar: nyseCalendar(),
    account: { equity: 10_000, patternDayTrader: false },
  });
  const asBroker = venue as unknown as LiveBroker;
  const deps = {
    store,
    broker: new TrackedBroker(asBroker, store, now),
    venue: asBroker,
    coordinator,
    log: new Logger([new MemorySink()]),
    now,
    dryRun: false,
    includeCurrentRun: false,
  };
  // As Runtime.start does.
  await recoverSagas(deps);
  await settleOrderRows(deps);
  return store;
}

const rowOf = (store: LiveStore, clientOrderId: string): unknown =>
  store.db
    .prepare('SELECT order_id, status, filled_qty, fill_price FROM orders WHERE client_order_id = ?')
    .get(clientOrderId);

describe('recovery adopts a stealer that filled while the process was down', () => {
  it.each([
    ['filled', 2, 99.5],
    ['canceled', 1.25, 99.75],
    ['open', 0.5, 99.9],
  ] as const)(
    'its row takes the venue’s status and fill (%s, %d filled)',
    async (status, filledQty, fillPrice) => {
      const db = join(dir, `${status}.sqlite`);
      crashedRun(db);
      const stealer = venueOrder('v2', 'ws-one-2', 'LINK/USD', status, filledQty, fillPrice);
      const venue = new AskedVenue(
        new Map([
          ['ws-one-1', venueOrder('v1', 'ws-one-1', 'SOL/USD', 'canceled', 0, null)],
          ['ws-one-2', stealer],
        ]),
      );
      const store = await restart(db, venue);
      try {
        expect(store.db.prepare('SELECT state, order_id FROM sagas').get()).toEqual({
          state: 'done',
          order_id: 'v2',
        });
        expect(rowOf(store, 'ws-one-2')).toEqual({
          order_id: 'v2',
          status,
          filled_qty: filledQty,
          fill_price: fillPrice,
        });
        // What the exit watcher reads to arm the position's take-profit.
        expect(store.lastEntryFill('LINK/USD')).toMatchObject({ takeProfit: 104, fillPrice });
        expect(venue.cancels).toEqual([]);
      } finally {
        store.close();
      }
    },
  );
});
