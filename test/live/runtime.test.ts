import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlaceLimitRequest, PlaceResult } from '../../src/coordinator/broker.js';
import { nyseCalendar } from '../../src/core/calendar/index.js';
import { AcceleratedClock, DecisionTime } from '../../src/ports/clock.js';
import { launchReplay } from '../../src/live/launch.js';
import { Logger, MemorySink } from '../../src/ports/log.js';
import { ReplayBroker } from '../../src/live/replay-broker.js';
import { LiveStore } from '../../src/live/store.js';
import { BarVenue } from '../../src/live/venue.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { loadReal } from '../support/marketdata.js';
import { configVenue, replayRuntime, replayTestConfig } from '../support/replay-runtime.js';

const FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
  'databento-nasdaq-tejasraj15/AAPL_1h.csv',
  'databento-nasdaq-tejasraj15/MSFT_1h.csv',
];
const FROM = Date.parse('2024-03-04T00:00:00Z');
const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'worksteal-runtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const series = async (): Promise<BarSeries[]> => (await loadReal(FILES)).map((l) => l.series);

function config(db: string, values: Record<string, unknown> = {}) {
  // The steal scenarios here are built for the distance rule.
  return replayTestConfig(join(dir, db), { victimRanking: 'distance', ...values });
}

const rows = (db: string, sql: string): Record<string, unknown>[] => {
  const d = new Database(join(dir, db), { readonly: true });
  try {
    return d.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    d.close();
  }
};

describe('the runtime in process', () => {
  it('a dry run decides and records everything and sends nothing to the venue', async () => {
    const cfg = config('dry.sqlite', { dryRun: true });
    const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
    const session = await launchReplay({
      config: cfg,
      env: {},
      log: new Logger([new MemorySink()]),
      series: await series(),
      from: FROM,
      to: FROM + 24 * H,
      http: false,
      time,
    });
    expect(await session.runtime.run()).toBe('end');
    await session.runtime.stop('end-of-data', true);
    const venue = session.venue!;
    await session.close();
    expect(venue.allOrders()).toEqual([]);
    const decisions = rows('dry.sqlite', 'SELECT action, outcome, dry_run FROM decisions');
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.every((d) => d.dry_run === 1 && d.outcome === 'dry-run')).toBe(true);
    expect(rows('dry.sqlite', 'SELECT * FROM orders')).toEqual([]);
  });

  /**
   * The venue fails during the placement of a steal (LINK steals from SOL at the first poll that asks): either the
   * request never arrived, or it arrived and only the answer was lost. The coordinator looks the client
   * order id up and finishes the saga against the venue at once — and in neither case is there a second order.
   */
  for (const fault of ['request lost', 'answer lost'] as const) {
    it(`a steal whose placement fails (${fault}) is finished against the venue, without a duplicate order`, async () => {
      const db = `fault-${fault.split(' ')[0]}.sqlite`;
      const cfg = config(db);
      const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
      const venue = configVenue(cfg, await series(), time);
      let placements = 0;
      class FlakyBroker extends ReplayBroker {
        override async placeLimit(request: PlaceLimitRequest): Promise<PlaceResult> {
          if (++placements !== 3) return super.placeLimit(request);
          if (fault === 'answer lost') await super.placeLimit(request);
          throw new Error('socket hang up');
        }
      }
      const store = new LiveStore(cfg.live.stateDb);
      const sink = new MemorySink();
      const runtime = replayRuntime({
        config: cfg,
        venue,
        broker: new FlakyBroker(venue),
        time,
        store,
        log: new Logger([sink]),
        runTag: 'test',
        start: FROM,
        end: FROM + 3 * H,
      });
      await runtime.start();
      expect(await runtime.run()).toBe('end');
      await runtime.stop('end-of-data', false);
      store.close();

      // The coordinator settles the lost answer itself (client order id look-up): the poll does not fail.
      expect(sink.lines.some((l) => l.includes('"poll-failed"'))).toBe(false);
      const sagas = rows(
        db,
        "SELECT symbol, state, detail, started_at FROM sagas WHERE symbol = 'LINKUSDT' ORDER BY started_at LIMIT 1",
      );
      expect(sagas[0]).toMatchObject(
        fault === 'request lost'
          ? { state: 'compensated', detail: expect.stringMatching(/venue has no such order/) as string }
          : { state: 'done' },
      );
      expect(
        rows(db, "SELECT COUNT(*) AS n FROM sagas WHERE state NOT IN ('done','compensated','aborted')"),
      ).toEqual([{ n: 0 }]);
      // The stealer's row is settled by the look-up: its venue order id, or rejected when it never arrived.
      const link = rows(db, "SELECT order_id FROM orders WHERE symbol = 'LINKUSDT' ORDER BY rowid LIMIT 1");
      const firstSteal = rows(db, 'SELECT thief, victim, at FROM steals ORDER BY id LIMIT 1');
      const failedAt = sagas[0]!.started_at;
      if (fault === 'answer lost') {
        expect(link[0]!.order_id).not.toBeNull();
        expect(firstSteal).toEqual([{ thief: 'LINKUSDT', victim: 'SOLUSDT', at: failedAt }]);
      } else {
        expect(
          rows(db, "SELECT status FROM orders WHERE symbol = 'LINKUSDT' ORDER BY rowid LIMIT 1"),
        ).toEqual([{ status: 'rejected' }]);
        // Nothing was placed: as with a rejected place, SOL's cancel is not a steal in the history.
        expect(rows(db, `SELECT COUNT(*) AS n FROM steals WHERE at = ${String(failedAt)}`)).toEqual([
          { n: 0 },
        ]);
      }
      // Never two orders for one client order id, never two resting entries for one symbol.
      const clientIds = venue.allOrders().map((o) => o.clientOrderId);
      expect(new Set(clientIds).size).toBe(clientIds.length);
      const open = venue.openOrders().filter((o) => o.role === 'entry');
      expect(new Set(open.map((o) => o.symbol)).size).toBe(open.length);
      // Polls went on after the failure.
      expect(rows(db, `SELECT COUNT(*) AS n FROM decisions WHERE time > ${FROM}`)[0]!.n).toBeGreaterThan(0);
    });
  }

  it('capacity follows the broker when its buying power leaves less free than the ledger counts', async () => {
    const cfg = config('tight.sqlite');
    const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
    const sol = (await series()).filter((s) => s.symbol === 'SOLUSDT');
    const venue = new BarVenue({
      series: sol,
      calendar: nyseCalendar(),
      cash: cfg.live.initialEquity,
      feeRate: 0,
      patternDayTrader: false,
      margin: cfg.margin,
      now: () => time.now(),
    });
    // A hold the ledger cannot see: the broker says only 1,000 of buying power is left.
    class HoldingBroker extends ReplayBroker {
      override async account() {
        const a = await super.account();
        return { ...a, buyingPower: { ...a.buyingPower!, nonMarginable: 1000 } };
      }
    }
    const store = new LiveStore(cfg.live.stateDb);
    const sink = new MemorySink();
    const runtime = replayRuntime({
      config: cfg,
      venue,
      broker: new HoldingBroker(venue),
      time,
      store,
      log: new Logger([sink]),
      symbols: ['SOLUSDT'],
      runTag: 'tight',
      start: FROM,
      end: FROM,
    });
    await runtime.start();
    const status = runtime.status();
    expect(status.capacity.capacity).toBeCloseTo(1000, 6);
    expect(status.capacity.note).toMatch(/capacity follows the broker/);
    await runtime.run();
    await runtime.stop('end-of-data', false);
    store.close();
    expect(sink.lines.some((l) => l.includes('"capacity-from-broker"'))).toBe(true);
    const placed = venue.allOrders();
    expect(placed.every((o) => o.qty * o.limitPrice <= 1000 + 1e-6)).toBe(true);
  });

  /**
   * Cooldowns outlive the process (the steals come back from the store): with cooldownBars = 2 on hourly bars
   * a steal 90 minutes before the start still cools its victim, though the *Sec keys alone would reach back
   * only 40 minutes (fight window 1,800 s + fight cooldown 645 s).
   */
  it('a restart restores the steals that still count in the session bars', async () => {
    const db = 'restore-bars.sqlite';
    const cfg = config(db, { cooldownBars: 2 });
    const sol = (await series()).filter((s) => s.symbol === 'SOLUSDT' || s.symbol === 'LINKUSDT');
    // A broker that is not a replay (a replay is its own world and restores nothing).
    class PaperBroker extends ReplayBroker {
      override readonly name = 'paper' as 'replay';
    }
    const earlier = new LiveStore(cfg.live.stateDb);
    earlier.startRun('before', 'paper', FROM - 2 * H, {});
    earlier.recordSteal({ at: FROM - 1.5 * H, thief: 'LINKUSDT', victim: 'SOLUSDT' }, false);
    earlier.stopRun(FROM - H, 'test');
    earlier.close();

    const restored = async (barMs: number | undefined) => {
      const time = new DecisionTime(new AcceleratedClock(FROM, 1e9), FROM);
      const venue = new BarVenue({
        series: sol,
        calendar: nyseCalendar(),
        cash: cfg.live.initialEquity,
        feeRate: 0,
        patternDayTrader: false,
        margin: cfg.margin,
        now: () => time.now(),
      });
      const store = new LiveStore(cfg.live.stateDb);
      const runtime = replayRuntime({
        config: cfg,
        venue,
        broker: new PaperBroker(venue),
        time,
        store,
        log: new Logger([new MemorySink()]),
        symbols: sol.map((s) => s.symbol),
        runTag: `restore-${String(barMs)}`,
        start: FROM,
        end: FROM,
        ...(barMs === undefined ? {} : { barMs }),
      });
      await runtime.start();
      const history = runtime.coordinator.history.all().length;
      await runtime.stop('end-of-data', false);
      store.close();
      return history;
    };
    expect(await restored(H)).toBe(1);
    // Without a bar length the *Bars keys do not apply: the *Sec horizon leaves that steal behind.
    expect(await restored(undefined)).toBe(0);
  });
});
