import type Database from 'better-sqlite3';
import type { SimulationResult } from '../sim/run.js';
import { openStoreDatabase } from './database.js';

/** Open (or create) the store for simulator runs (tables sim_runs, sim_decisions, sim_trades, sim_equity). */
export function openStore(path: string): Database.Database {
  return openStoreDatabase(path, { option: '--db' });
}

/** Append one simulation run with its decisions, trades and equity curve, in one transaction. */
export function saveRun(path: string, kind: string, result: SimulationResult, now = new Date()): number {
  const db = openStore(path);
  try {
    const insert = db.transaction(() => {
      const info = db
        .prepare(
          'INSERT INTO sim_runs (kind, created_at, range_from, range_to, config, data, summary) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          kind,
          now.toISOString(),
          result.range.from,
          result.range.to,
          JSON.stringify(result.config),
          JSON.stringify(result.data),
          JSON.stringify(result.summary),
        );
      const runId = Number(info.lastInsertRowid);
      const d = db.prepare('INSERT INTO sim_decisions VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const x of result.decisions)
        d.run(runId, x.time, x.symbol, x.action, JSON.stringify(x.victims), x.reason, x.orderId);
      const t = db.prepare('INSERT INTO sim_trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const x of result.trades) {
        t.run(
          runId,
          x.symbol,
          x.side,
          x.qty,
          x.entryTime,
          x.entryPrice,
          x.exitTime,
          x.exitPrice,
          x.pnl,
          x.exitReason,
        );
      }
      const e = db.prepare('INSERT INTO sim_equity VALUES (?, ?, ?, ?, ?)');
      for (const x of result.equity) e.run(runId, x.time, x.equity, x.marginUsed, x.marginCapacity);
      return runId;
    });
    return insert();
  } finally {
    db.close();
  }
}
