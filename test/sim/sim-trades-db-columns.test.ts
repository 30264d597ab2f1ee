import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/sim/run.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { saveRun } from '../../src/store/runs.js';

/**
 * `simulate --db` keeps in sim_trades each trade's fees and entry order id, as `--json` has them; a store
 * written before those columns existed still opens (it is migrated) and keeps its rows.
 */
describe('simulate --db: sim_trades', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-simtrades-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const trade = (i: number) => ({
    symbol: 'SOLUSDT',
    side: 'buy',
    qty: i + 1,
    entryTime: '2024-01-01T01:00:00.000Z',
    entryPrice: 100,
    exitTime: '2024-01-01T02:00:00.000Z',
    exitPrice: 101,
    pnl: 0.5,
    fees: 0.5 + i,
    exitReason: 'take-profit',
    entryOrderId: `s${i + 1}`,
  });
  const run = (trades: number) =>
    ({
      config: {},
      data: [],
      range: { from: null, to: null },
      summary: {},
      decisions: [],
      trades: Array.from({ length: trades }, (_, i) => trade(i)),
      equity: [],
    }) as unknown as SimulationResult;
  const rows = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT run_id, qty, fees, entry_order_id FROM sim_trades ORDER BY rowid').all();
    } finally {
      db.close();
    }
  };

  it('keeps each trade fees and entry order id, as the JSON has them', () => {
    const path = join(dir, 'new.sqlite');
    saveRun(path, 'simulate', run(2));
    expect(rows(path)).toEqual([
      { run_id: 1, qty: 1, fees: 0.5, entry_order_id: 's1' },
      { run_id: 1, qty: 2, fees: 1.5, entry_order_id: 's2' },
    ]);
  });

  it('a store written before the columns existed opens, migrates, and keeps its old rows (fees unknown)', () => {
    const path = join(dir, 'old.sqlite');
    const old = new Database(path);
    // The file as the last release left it: every step before this one, version 4.
    for (const m of MIGRATIONS.filter((x) => x.version <= 4)) m.up(old);
    old.pragma('user_version = 4');
    old.exec(`INSERT INTO sim_runs (kind, created_at, config, data, summary) VALUES ('simulate', 't', '{}', '[]', '{}');
      INSERT INTO sim_trades VALUES (1, 'SOLUSDT', 'buy', 7, 'a', 100, 'b', 101, 7, 'take-profit');`);
    old.close();
    expect(saveRun(path, 'simulate', run(1))).toBe(2);
    expect(rows(path)).toEqual([
      { run_id: 1, qty: 7, fees: null, entry_order_id: null },
      { run_id: 2, qty: 1, fees: 0.5, entry_order_id: 's1' },
    ]);
  });
});
