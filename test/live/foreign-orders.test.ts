/**
 * Two runs on one account, each with its own store: the venue holds entries under worksteal's client order
 * ids (`ws-…`) that this run's store did not place. They are another live run's to manage: this run holds
 * their margin, never cancels, replaces or steals them, and says so (a `foreign-orders` warning in the log,
 * once, and in /status `orderWarnings`). Before, they counted as this run's own: a second run on a fresh
 * store cancelled the first run's resting entries at its first poll with reason `signal-expired` (their
 * signals had not expired), and two runs then replaced each other's entries at every poll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CancelResult } from '../../src/coordinator/broker.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { ReplayBroker } from '../../src/live/replay-broker.js';
import { LiveStore } from '../../src/live/store.js';
import type { BarVenue } from '../../src/live/venue.js';
import { loadReal } from '../support/marketdata.js';
import { configVenue, replayRuntime } from '../support/replay-runtime.js';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-foreign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A replay broker that remembers which orders it was asked to cancel. */
class CancelLog extends ReplayBroker {
  readonly cancelled: string[] = [];
  override cancel(orderId: string): Promise<CancelResult> {
    this.cancelled.push(orderId);
    return super.cancel(orderId);
  }
}

describe('a second run on the same account (its own store)', () => {
  it("leaves the first run's resting entries alone and warns of them", async () => {
    const series = (
      await loadReal(['binance-spot-yanniedog/SOLUSDT_1h.csv', 'binance-spot-yanniedog/LINKUSDT_1h.csv'])
    ).map((l) => l.series);
    const config = (db: string) =>
      resolveConfig({
        layers: [
          {
            source: 'test',
            values: {
              sim: { feesBps: 0 },
              live: { initialEquity: 10_000, orderFraction: 0.3, pollSec: 3600, stateDb: join(dir, db) },
            },
          },
        ],
      }).config;
    let time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
    const venue: BarVenue = configVenue(config('a.sqlite'), series, { now: () => time.now() });
    const run = async (db: string, runTag: string, start: number, hours: number) => {
      time = new DecisionTime(new AcceleratedClock(start, 1e9), start);
      const store = new LiveStore(join(dir, db));
      const sink = new MemorySink();
      const broker = new CancelLog(venue);
      const runtime = replayRuntime({
        config: config(db),
        venue,
        broker,
        time,
        store,
        log: new Logger([sink]),
        runTag,
        start,
        end: start + hours * H,
      });
      await runtime.start();
      await runtime.run();
      const status = runtime.status();
      await runtime.stop('end-of-data', false);
      store.close();
      const lines = sink.lines.map((l) => JSON.parse(l) as { event: string; orders?: string[] });
      return { broker, status, lines };
    };

    await run('a.sqlite', 'first', FROM, 24);
    const firstRuns = venue
      .openOrders()
      .filter((o) => o.clientOrderId.startsWith('ws-first-') && o.role === 'entry');
    // The case this test is about: the first run left entries resting.
    expect(firstRuns.length).toBeGreaterThan(0);

    const second = await run('b.sqlite', 'second', FROM + 24 * H, 6);
    const ids = firstRuns.map((o) => o.id);
    expect(second.broker.cancelled.filter((id) => ids.includes(id))).toEqual([]);
    for (const id of ids) expect(venue.order(id)!.status).not.toBe('canceled');
    const warned = second.lines.filter((l) => l.event === 'foreign-orders');
    // Logged once (each foreign order in one warning), not at every poll.
    const named = warned.flatMap((l) => l.orders);
    expect(named).toEqual(expect.arrayContaining(ids));
    expect(new Set(named).size).toBe(named.length);
    expect(
      second.status.orderWarnings.filter((w) => w.kind === 'foreign-orders').flatMap((w) => w.orders),
    ).toEqual(expect.arrayContaining(ids));
    // Held as external: margin held, shown as such.
    for (const id of ids)
      expect(second.status.openOrders.find((o) => o.id === id)).toMatchObject({ external: true });
  });
});
