import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../../src/live/store.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import type { SimulationResult } from '../../src/sim/run.js';
import { LATEST_VERSION } from '../../src/store/migrations.js';
import { saveRun } from '../../src/store/runs.js';
import { runCli } from '../support/cli.js';
import { MARKETDATA } from '../support/marketdata.js';
import { OLD_LIVE_DDL, OLD_OPTIMIZER_DDL, OLD_SIMULATOR_DDL } from './old-schemas.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `store-${++n}.sqlite`);

/** A simulation result with just what the store keeps. */
function simResult(trades: number): SimulationResult {
  return {
    config: { preset: 'test' },
    data: [{ path: 'x.csv', symbol: 'BTCUSD' }],
    range: { from: '2024-03-04T00:00:00.000Z', to: '2024-03-05T00:00:00.000Z' },
    summary: { trades },
    decisions: [
      {
        time: '2024-03-04T01:00:00.000Z',
        symbol: 'BTCUSD',
        action: 'place',
        victims: [],
        reason: 'fits',
        orderId: 'o1',
      },
    ],
    trades: Array.from({ length: trades }, (_, i) => ({
      symbol: 'BTCUSD',
      side: 'buy',
      qty: 1 + i,
      entryTime: '2024-03-04T01:00:00.000Z',
      entryPrice: 100,
      exitTime: '2024-03-04T02:00:00.000Z',
      exitPrice: 101,
      pnl: 1,
      exitReason: 'take-profit',
    })),
    equity: [{ time: '2024-03-04T01:00:00.000Z', equity: 10_000, marginUsed: 0, marginCapacity: 10_000 }],
  } as unknown as SimulationResult;
}

const count = (path: string, table: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

const userVersion = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

function liveRows(store: LiveStore, tag: string): void {
  store.startRun(tag, 'replay', 1_000, { tag });
  store.recordOrder(
    {
      clientOrderId: `ws-${tag}-1`,
      orderId: 'r1',
      symbol: 'BTCUSD',
      assetClass: 'crypto',
      side: 'buy',
      role: 'entry',
      limitPrice: 100,
      qty: 1,
      takeProfit: 110,
      forecastPnl: 5,
      signalKey: null,
      placedAt: 1_000,
      status: 'open',
    },
    1_000,
  );
  store.recordEvent(1_000, 'start', {});
}

describe('one SQLite store for simulator runs, optimizer studies and live state', () => {
  it('holds all three in one file: simulate --db on a live store, then the optimizer', () => {
    const path = fresh();
    const live = new LiveStore(path);
    liveRows(live, 'a');
    live.close();
    expect(saveRun(path, 'simulate', simResult(3))).toBe(1);
    const opt = OptimizerStore.open(path);
    opt.putObjective('h1', { objective: 'sharpe' });
    opt.close();
    const again = new LiveStore(path);
    liveRows(again, 'b');
    again.close();
    expect(count(path, 'runs')).toBe(2);
    expect(count(path, 'orders')).toBe(2);
    expect(count(path, 'sim_runs')).toBe(1);
    expect(count(path, 'sim_trades')).toBe(3);
    expect(count(path, 'opt_objectives')).toBe(1);
  });

  it('simulate --db appends to the store of a live run (its runs table clashed before)', () => {
    const path = fresh();
    const live = new LiveStore(path);
    liveRows(live, 'live');
    live.close();
    const r = runCli([
      'simulate',
      '--data',
      join(MARKETDATA, 'binance-spot-yanniedog/SOLUSDT_1h.csv'),
      '--from',
      '2024-03-04',
      '--to',
      '2024-03-11',
      '--db',
      path,
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(count(path, 'sim_runs')).toBe(1);
    expect(count(path, 'sim_equity')).toBeGreaterThan(0);
    expect(count(path, 'runs')).toBe(1);
  });

  it('migrates a file of each old layout forward, keeping every row', () => {
    const sim = fresh();
    const old = new Database(sim);
    old.exec(OLD_SIMULATOR_DDL);
    old
      .prepare(
        "INSERT INTO runs (kind, created_at, config, data, summary) VALUES ('simulate', 't', '{}', '[]', '{}')",
      )
      .run();
    old.prepare("INSERT INTO run_trades VALUES (1, 'BTCUSD', 'buy', 1, 'a', 1, 'b', 2, 1, 'tp')").run();
    old.close();
    // The old simulator file takes a second run in the new layout, and live state beside it.
    expect(saveRun(sim, 'simulate', simResult(2))).toBe(2);
    const live = new LiveStore(sim);
    liveRows(live, 'c');
    live.close();
    expect(count(sim, 'sim_runs')).toBe(2);
    expect(count(sim, 'sim_trades')).toBe(3);
    expect(count(sim, 'runs')).toBe(1);
    const db = new Database(sim, { readonly: true });
    // The old trades still point at their run, now in sim_runs.
    expect(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get('sim_trades')).toMatchObject({
      sql: expect.stringContaining('REFERENCES "sim_runs"') as string,
    });
    db.close();

    const liveOld = fresh();
    const l = new Database(liveOld);
    l.exec(OLD_LIVE_DDL);
    l.prepare(
      "INSERT INTO runs (run_tag, broker, started_at, config) VALUES ('old', 'alpaca', 5, '{}')",
    ).run();
    l.prepare(
      `INSERT INTO orders (client_order_id, order_id, run_id, symbol, asset_class, side, role, limit_price, qty,
         forecast_pnl, placed_at, status, updated_at) VALUES ('ws-old-1', 'abc', 1, 'AAPL', 'stock', 'buy', 'entry', 1, 1, 0, 5, 'open', 5)`,
    ).run();
    l.close();
    const store = new LiveStore(liveOld);
    store.startRun('new', 'alpaca', 10, {});
    // An order of the earlier run at the same broker is still found and updated by its venue id.
    expect(store.orderByOrderId('abc')?.clientOrderId).toBe('ws-old-1');
    store.updateOrderStatus('abc', 'filled', 1, 1, 11);
    expect(store.orderByClientId('ws-old-1')?.status).toBe('filled');
    store.close();

    const opt = fresh();
    const o = new Database(opt);
    o.exec(OLD_OPTIMIZER_DDL);
    o.prepare("INSERT INTO opt_objectives VALUES ('h', '{\"a\":1}', 't')").run();
    o.close();
    const optStore = OptimizerStore.open(opt);
    expect(optStore.objective('h')).toEqual({ a: 1 });
    optStore.close();
    for (const p of [sim, liveOld, opt]) expect(userVersion(p)).toBe(LATEST_VERSION);
  });

  it("gives an older live store the service's reports table and decision time index (step 3)", () => {
    const path = fresh();
    const db = new Database(path);
    db.exec(OLD_LIVE_DDL);
    db.pragma('user_version = 0');
    db.close();
    new LiveStore(path).close();
    const check = new Database(path, { readonly: true });
    try {
      const names = (check.prepare('SELECT name FROM sqlite_master').all() as { name: string }[]).map(
        (r) => r.name,
      );
      expect(names).toEqual(expect.arrayContaining(['service_reports', 'decisions_time']));
    } finally {
      check.close();
    }
    expect(userVersion(path)).toBe(LATEST_VERSION);
  });

  it('refuses a file from a newer worksteal, naming the file and the versions, and leaves it untouched', () => {
    const path = fresh();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.exec('CREATE TABLE future (x)');
    db.close();
    const message = new RegExp(
      `the store .*store-\\d+\\.sqlite has schema version 99, written by a newer worksteal; this one knows versions up to ${LATEST_VERSION}\\. Upgrade worksteal`,
    );
    expect(() => new LiveStore(path)).toThrow(message);
    expect(() => saveRun(path, 'simulate', simResult(1))).toThrow(message);
    expect(() => OptimizerStore.open(path)).toThrow(message);
    expect(userVersion(path)).toBe(99);
    // The refused open left no lock behind: a valid store at this path would open.
    expect(() => new LiveStore(fresh())).not.toThrow();
  });

  it('property: any mix of old layouts with any rows migrates to the latest version, losing nothing, idempotently', () => {
    fc.assert(
      fc.property(
        fc.record({
          layout: fc.constantFrom(
            'simulator',
            'live',
            'optimizer',
            'simulator+optimizer',
            'live+optimizer',
            'empty',
          ),
          simRuns: fc.nat(4),
          liveRuns: fc.nat(4),
          objectives: fc.nat(4),
        }),
        ({ layout, simRuns, liveRuns, objectives }) => {
          const path = fresh();
          const db = new Database(path);
          if (layout.includes('simulator')) {
            db.exec(OLD_SIMULATOR_DDL);
            for (let i = 0; i < simRuns; i++)
              db.prepare(
                "INSERT INTO runs (kind, created_at, config, data, summary) VALUES ('s', 't', '{}', '[]', '{}')",
              ).run();
          }
          if (layout.includes('live')) {
            db.exec(OLD_LIVE_DDL);
            for (let i = 0; i < liveRuns; i++)
              db.prepare(
                "INSERT INTO runs (run_tag, broker, started_at, config) VALUES ('t', 'replay', 1, '{}')",
              ).run();
          }
          if (layout.includes('optimizer')) {
            db.exec(OLD_OPTIMIZER_DDL);
            for (let i = 0; i < objectives; i++)
              db.prepare("INSERT INTO opt_objectives VALUES (?, '{}', 't')").run(`h${i}`);
          }
          db.close();
          for (let twice = 0; twice < 2; twice++) new LiveStore(path).close();
          expect(userVersion(path)).toBe(LATEST_VERSION);
          expect(count(path, 'sim_runs')).toBe(layout.includes('simulator') ? simRuns : 0);
          expect(count(path, 'runs')).toBe(layout.includes('live') ? liveRuns : 0);
          expect(count(path, 'opt_objectives')).toBe(layout.includes('optimizer') ? objectives : 0);
        },
      ),
      { numRuns: 15, seed: 11 },
    );
  });
});
