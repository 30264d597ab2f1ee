import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Coordinator } from '../../src/coordinator/coordinator.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { DEFAULT_CONFIG } from '../../src/core/config/index.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { cancelResultOf, type LiveBroker, type VenueOrder } from '../../src/ports/venue.js';
import { recoverSagas } from '../../src/live/recovery.js';
import { LiveStore } from '../../src/live/store.js';
import { TrackedBroker } from '../../src/live/tracked-broker.js';
import { AskedVenue } from '../support/asked-venue.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-recovery-'));
const sleepers: { kill(): void }[] = [];
afterAll(() => {
  for (const s of sleepers) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

const T = Date.parse('2024-03-09T12:00:00Z');

function venueOrder(
  id: string,
  clientOrderId: string,
  status: VenueOrder['status'],
  filledQty = 0,
): VenueOrder {
  return {
    id,
    clientOrderId,
    symbol: 'SOL/USD',
    assetClass: 'crypto',
    side: 'buy',
    role: 'entry',
    limitPrice: 100,
    qty: 2,
    filledQty,
    fillPrice: filledQty > 0 ? 100 : null,
    status,
    placedAt: T,
  };
}

/**
 * The first process: SOL's entry rests as v1; LINK's steal from it is on disk as `requested`, and the
 * process dies there (the cancel may or may not have reached the venue).
 */
function crashedRun(db: string, tag: string): LiveStore {
  const store = new LiveStore(db);
  store.startRun(tag, 'paper', T, {});
  store.recordOrder(
    {
      clientOrderId: `ws-${tag}-1`,
      orderId: 'v1',
      symbol: 'SOL/USD',
      assetClass: 'crypto',
      side: 'buy',
      role: 'entry',
      limitPrice: 100,
      qty: 2,
      takeProfit: 105,
      forecastPnl: 300,
      signalKey: null,
      placedAt: T,
      status: 'open',
    },
    T,
  );
  store.transition({
    sagaId: `ws-${tag}-2`,
    state: 'requested',
    at: T + 1_000,
    clientOrderId: `ws-${tag}-2`,
    symbol: 'LINK/USD',
    victims: ['v1'],
    cancelled: [],
  });
  return store;
}

const now = (): number => T + 60_000;

const newCoordinator = (): Coordinator =>
  new Coordinator({
    config: DEFAULT_CONFIG,
    clock: { now },
    calendar: nyseCalendar(),
    account: { equity: 10_000, patternDayTrader: false },
  });

async function restart(
  db: string,
  venue: AskedVenue,
  sink = new MemorySink(),
  coordinator = newCoordinator(),
): Promise<LiveStore> {
  const store = new LiveStore(db);
  store.startRun('next', 'paper', T + 60_000, {});
  const asBroker = venue as unknown as LiveBroker;
  await recoverSagas({
    store,
    broker: new TrackedBroker(asBroker, store, now),
    venue: asBroker,
    coordinator,
    log: new Logger([sink]),
    now,
    dryRun: false,
    includeCurrentRun: false,
  });
  return store;
}

describe('recovery at start', () => {
  it('marks a victim it finds already cancelled at the venue as canceled in the store, not open', async () => {
    const db = join(dir, 'cancelled.sqlite');
    crashedRun(db, 'one').close();
    const venue = new AskedVenue(new Map([['ws-one-1', venueOrder('v1', 'ws-one-1', 'canceled')]]));
    const store = await restart(db, venue);
    expect(store.orderByClientId('ws-one-1')?.status).toBe('canceled');
    expect(venue.cancels).toEqual([]); // nothing left to cancel
    const saga = store.db.prepare('SELECT state, cancelled FROM sagas').get();
    expect(saga).toEqual({ state: 'aborted', cancelled: '["v1"]' });
    // LINK's order never reached the venue: as in process, a cancel without a placement is no steal.
    expect(store.db.prepare('SELECT thief, victim FROM steals').all()).toEqual([]);
    store.close();
  });

  describe('a steal counts only when its stealer reached the venue (as in process)', () => {
    const stealer = (status: VenueOrder['status'], filledQty = 0): VenueOrder => ({
      ...venueOrder('v2', 'ws-one-2', status, filledQty),
      symbol: 'LINK/USD',
    });
    const steals = (store: LiveStore): unknown[] =>
      store.db.prepare('SELECT thief, victim FROM steals').all();

    it.each([
      ['rejected by the venue', [stealer('rejected')]],
      ['never arrived', []],
    ] as const)(
      'stealer %s: the saga ends aborted, no steal in the store or the history',
      async (_, known) => {
        const db = join(dir, `stealer-${known.length}.sqlite`);
        crashedRun(db, 'one').close();
        const venue = new AskedVenue(
          new Map([
            ['ws-one-1', venueOrder('v1', 'ws-one-1', 'open')],
            ...known.map((o) => [o.clientOrderId, o] as const),
          ]),
        );
        const coordinator = newCoordinator();
        const store = await restart(db, venue, new MemorySink(), coordinator);
        expect(venue.cancels).toEqual(['v1']); // the cancel stands
        expect(store.db.prepare('SELECT state FROM sagas').get()).toEqual({ state: 'aborted' });
        expect(steals(store)).toEqual([]);
        expect(coordinator.history.all()).toEqual([]);
        store.close();
      },
    );

    it.each([
      ['open', 0],
      ['filled', 2],
      ['canceled', 1],
    ] as const)('stealer %s at the venue: adopted, the steal recorded once', async (status, filled) => {
      const db = join(dir, `stealer-${status}.sqlite`);
      crashedRun(db, 'one').close();
      const venue = new AskedVenue(
        new Map([
          ['ws-one-1', venueOrder('v1', 'ws-one-1', 'open')],
          ['ws-one-2', stealer(status, filled)],
        ]),
      );
      const coordinator = newCoordinator();
      const store = await restart(db, venue, new MemorySink(), coordinator);
      expect(store.db.prepare('SELECT state FROM sagas').get()).toEqual({ state: 'done' });
      expect(steals(store)).toEqual([{ thief: 'LINK/USD', victim: 'SOL/USD' }]);
      expect(coordinator.history.all().map((e) => [e.thief, e.victim])).toEqual([['LINK/USD', 'SOL/USD']]);
      store.close();
    });
  });

  it('marks a victim that filled before the cancel as filled, with its quantity', async () => {
    const db = join(dir, 'filled.sqlite');
    crashedRun(db, 'one').close();
    const venue = new AskedVenue(new Map([['ws-one-1', venueOrder('v1', 'ws-one-1', 'filled', 2)]]));
    const store = await restart(db, venue);
    const row = store.db
      .prepare("SELECT status, filled_qty FROM orders WHERE client_order_id = 'ws-one-1'")
      .get();
    expect(row).toEqual({ status: 'filled', filled_qty: 2 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM steals').get()).toEqual({ n: 0 });
    store.close();
  });

  it.each(['rejected', 'expired'] as const)(
    'ends the saga of a victim the venue ended itself (%s): no cancel sent, no steal recorded',
    async (status) => {
      const db = join(dir, `${status}.sqlite`);
      crashedRun(db, 'one').close();
      const victim = venueOrder('v1', 'ws-one-1', status);
      const venue = new AskedVenue(new Map([['ws-one-1', victim]]));
      // As the venue answers a cancel of an order it has ended: not a cancel it confirms.
      venue.cancel = (orderId) => {
        venue.cancels.push(orderId);
        return Promise.resolve(cancelResultOf(victim));
      };
      const store = await restart(db, venue);
      expect(venue.cancels).toEqual([]);
      expect(store.orderByClientId('ws-one-1')?.status).toBe(status);
      expect(store.db.prepare('SELECT state FROM sagas').get()).toEqual({ state: 'aborted' });
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM steals').get()).toEqual({ n: 0 });
      store.close();
    },
  );

  it("never recovers the sagas of another process's run while that process lives", async () => {
    const db = join(dir, 'other-live.sqlite');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    sleepers.push(other);
    const first = crashedRun(db, 'one');
    // The run belongs to a process that still runs (one started without the lock, or on a shared disk).
    first.db.prepare('UPDATE runs SET pid = ? WHERE run_tag = ?').run(other.pid, 'one');
    first.close();
    const venue = new AskedVenue(new Map([['ws-one-1', venueOrder('v1', 'ws-one-1', 'open')]]));
    const sink = new MemorySink();
    const store = await restart(db, venue, sink);
    expect(venue.cancels).toEqual([]);
    expect(store.db.prepare('SELECT state FROM sagas').get()).toEqual({ state: 'requested' });
    expect(store.orderByClientId('ws-one-1')?.status).toBe('open');
    expect(
      sink.lines.some((l) => l.includes('"saga-recovery-skipped"') && l.includes(`pid ${other.pid}`)),
    ).toBe(true);
    store.close();

    // Once that process has died, the next start finishes the saga.
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const after = await restart(db, venue);
    expect(venue.cancels).toEqual(['v1']);
    expect(after.db.prepare('SELECT state FROM sagas').get()).toEqual({ state: 'aborted' });
    after.close();
  });
});
