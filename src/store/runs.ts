import Database from 'better-sqlite3';
import type { SimulationResult } from '../sim/run.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL,
  range_from TEXT, range_to TEXT,
  config TEXT NOT NULL,
  data TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_decisions (
  run_id INTEGER NOT NULL REFERENCES runs(id), time TEXT NOT NULL, symbol TEXT NOT NULL, action TEXT NOT NULL,
  victims TEXT NOT NULL, reason TEXT NOT NULL, order_id TEXT
);
CREATE TABLE IF NOT EXISTS run_trades (
  run_id INTEGER NOT NULL REFERENCES runs(id), symbol TEXT NOT NULL, side TEXT NOT NULL, qty REAL NOT NULL,
  entry_time TEXT NOT NULL, entry_price REAL NOT NULL, exit_time TEXT NOT NULL, exit_price REAL NOT NULL,
  pnl REAL NOT NULL, exit_reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_equity (
  run_id INTEGER NOT NULL REFERENCES runs(id), time TEXT NOT NULL, equity REAL NOT NULL,
  margin_used REAL NOT NULL, margin_capacity REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS run_decisions_run ON run_decisions(run_id);
CREATE INDEX IF NOT EXISTS run_trades_run ON run_trades(run_id);
CREATE INDEX IF NOT EXISTS run_equity_run ON run_equity(run_id);
`;

/** Open (or create) a SQLite store in WAL mode, so readers never block the writer. */
export function openStore(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}

/** Append one simulation run with its decisions, trades and equity curve, in one transaction. */
export function saveRun(path: string, kind: string, result: SimulationResult, now = new Date()): number {
  const db = openStore(path);
  try {
    const insert = db.transaction(() => {
      const info = db
        .prepare(
          'INSERT INTO runs (kind, created_at, range_from, range_to, config, data, summary) VALUES (?, ?, ?, ?, ?, ?, ?)',
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
      const d = db.prepare('INSERT INTO run_decisions VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const x of result.decisions)
        d.run(runId, x.time, x.symbol, x.action, JSON.stringify(x.victims), x.reason, x.orderId);
      const t = db.prepare('INSERT INTO run_trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
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
      const e = db.prepare('INSERT INTO run_equity VALUES (?, ?, ?, ?, ?)');
      for (const x of result.equity) e.run(runId, x.time, x.equity, x.marginUsed, x.marginCapacity);
      return runId;
    });
    return insert();
  } finally {
    db.close();
  }
}
