import type Database from 'better-sqlite3';
import { openStoreDatabase } from './database.js';
import { isSqliteError, storeFailed } from './errors.js';
import { lockStoreFile } from './lock.js';

/**
 * What the store keeps of a simulation run (the simulator's SimulationResult has this shape). Declared here
 * so the store depends on nothing above it.
 */
export interface SimulationRecord {
  config: unknown;
  data: unknown;
  range: { from: string | null; to: string | null };
  summary: unknown;
  decisions: readonly {
    time: string;
    symbol: string;
    action: string;
    victims: readonly string[];
    reason: string;
    orderId: string | null;
  }[];
  trades: readonly {
    symbol: string;
    side: string;
    qty: number;
    entryTime: string;
    entryPrice: number;
    exitTime: string;
    exitPrice: number;
    pnl: number;
    fees: number;
    exitReason: string;
    entryOrderId: string;
  }[];
  equity: readonly { time: string; equity: number; marginUsed: number; marginCapacity: number }[];
}

/** Open (or create) the store for simulator runs (tables sim_runs, sim_decisions, sim_trades, sim_equity). */
export function openStore(path: string): Database.Database {
  return openStoreDatabase(path, { option: '--db' });
}

/** What a failed save leaves: the simulation ran and its other outputs are written; the store lacks the run. */
const SIMULATION_NOT_STORED =
  'the simulation finished (its summary, --json and --report are written) but its run was not stored';

/** A store opened for appending simulation runs: checked, migrated and locked until closed. */
export interface RunStore {
  readonly path: string;
  /** Append one run with its decisions, trades and equity curve, in one transaction; its id. */
  save(kind: string, result: SimulationRecord, now?: Date): number;
  close(): void;
}

/**
 * Open the store for simulation runs the way `run` opens its state: take the single-writer lock (a store a
 * live run holds is refused, naming its pid), check every page and refuse a damaged, foreign or newer file
 * (StoreFileError). `simulate --db` calls this before simulating, so a refusal costs no simulation and
 * leaves the file as it was.
 */
export function openRunStore(path: string, command = 'worksteal simulate'): RunStore {
  const isFile = path !== ':memory:' && path !== '';
  const lock = isFile ? lockStoreFile(path, command, new Date(), '--db') : null;
  let db: Database.Database;
  try {
    db = openStoreDatabase(path, { checkIntegrity: true, option: '--db' });
  } catch (error) {
    lock?.release();
    throw error;
  }
  let closed = false;
  return {
    path,
    save: (kind, result, now = new Date()) => {
      try {
        return insertRun(db, kind, result, now);
      } catch (error) {
        // Damage past the check, a full disk: said like any other store failure, never a stack trace.
        if (isSqliteError(error)) throw storeFailed(path, error, SIMULATION_NOT_STORED);
        throw error;
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      try {
        db.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Append one simulation run to the store at `path` (opened, locked and closed around it). */
export function saveRun(path: string, kind: string, result: SimulationRecord, now = new Date()): number {
  const store = openRunStore(path);
  try {
    return store.save(kind, result, now);
  } finally {
    store.close();
  }
}

function insertRun(db: Database.Database, kind: string, result: SimulationRecord, now: Date): number {
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
    const t = db.prepare(
      `INSERT INTO sim_trades (run_id, symbol, side, qty, entry_time, entry_price, exit_time, exit_price, pnl,
         exit_reason, fees, entry_order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
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
        x.fees,
        x.entryOrderId,
      );
    }
    const e = db.prepare('INSERT INTO sim_equity VALUES (?, ?, ?, ?, ?)');
    for (const x of result.equity) e.run(runId, x.time, x.equity, x.marginUsed, x.marginCapacity);
    return runId;
  });
  return insert();
}
