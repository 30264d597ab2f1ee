/**
 * The store's schema history: numbered steps, each applied once, in order, inside one transaction with the
 * version bump (`PRAGMA user_version`), so a file is always at exactly one version. A step is never edited
 * after release; a change of layout is a new step.
 *
 * Version 0 is every file written before this module: a live store (`runs`, `orders`, `sagas`, ...), an
 * optimizer store (`opt_*`), or a simulator store whose `runs` table had another layout. Step 1 brings all
 * three to one layout in which they live side by side.
 */
import type Database from 'better-sqlite3';
import { LIVE_TABLES, OPTIMIZER_TABLES, SIM_TABLES } from './schema.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** The simulator's old tables took the name `runs`, which the live store also uses: move them aside. */
function renameOldSimulatorTables(db: Database.Database): void {
  if (!tableExists(db, 'runs') || !columns(db, 'runs').includes('kind')) return;
  db.exec(`
    DROP INDEX IF EXISTS run_decisions_run;
    DROP INDEX IF EXISTS run_trades_run;
    DROP INDEX IF EXISTS run_equity_run;
    ALTER TABLE runs RENAME TO sim_runs;
    ALTER TABLE run_decisions RENAME TO sim_decisions;
    ALTER TABLE run_trades RENAME TO sim_trades;
    ALTER TABLE run_equity RENAME TO sim_equity;
  `);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'simulator runs, optimizer studies and live state in one file',
    up(db) {
      renameOldSimulatorTables(db);
      db.exec(SIM_TABLES);
      db.exec(OPTIMIZER_TABLES);
      db.exec(LIVE_TABLES);
    },
  },
  {
    version: 2,
    name: 'live runs record their process; orders are found by (venue, venue order id)',
    up(db) {
      db.exec(`
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN host TEXT;
        ALTER TABLE orders ADD COLUMN venue TEXT;
        UPDATE orders SET venue = (
          SELECT CASE WHEN runs.broker = 'replay' THEN 'replay:' || runs.run_tag ELSE runs.broker END
          FROM runs WHERE runs.id = orders.run_id);
        UPDATE orders SET venue = 'unknown' WHERE venue IS NULL;
        DROP INDEX IF EXISTS orders_order_id;
        CREATE INDEX orders_venue_order ON orders(venue, order_id);
      `);
    },
  },
  {
    version: 3,
    name: "the service's reports table and the decisions' time index (worksteal serve)",
    up(db) {
      // IF NOT EXISTS: `serve` created both itself before this step existed.
      db.exec(`
        CREATE TABLE IF NOT EXISTS service_reports (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          kind TEXT NOT NULL,
          body TEXT NOT NULL,
          event_id TEXT UNIQUE
        );
        CREATE INDEX IF NOT EXISTS decisions_time ON decisions(time);
      `);
    },
  },
  {
    version: 4,
    name: 'the realised return of each closed trade, so that a restart keeps what the valuation learned',
    up(db) {
      db.exec(`
        CREATE TABLE trade_returns (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id INTEGER NOT NULL,
          venue TEXT NOT NULL,
          at INTEGER NOT NULL,
          symbol TEXT NOT NULL,
          pnl REAL NOT NULL,
          entry_notional REAL NOT NULL
        );
        CREATE INDEX trade_returns_venue ON trade_returns(venue, at);
      `);
    },
  },
  {
    version: 5,
    name: "each simulated trade's fees and entry order id (sim_trades, as in simulate --json)",
    up(db) {
      // Rows written before this step keep NULL: their fees and order ids were never stored.
      db.exec(`
        ALTER TABLE sim_trades ADD COLUMN fees REAL;
        ALTER TABLE sim_trades ADD COLUMN entry_order_id TEXT;
      `);
    },
  },
  {
    version: 6,
    name: 'a saga keeps the terms of the order it is to place (sagas.order_terms)',
    up(db) {
      // Sagas written before this step keep NULL: a placement reported early for one is not checked.
      db.exec('ALTER TABLE sagas ADD COLUMN order_terms TEXT;');
    },
  },
  {
    version: 7,
    name: "each live decision's reason in words (decisions.detail), for the status page",
    up(db) {
      // Decisions written before this step keep NULL.
      db.exec('ALTER TABLE decisions ADD COLUMN detail TEXT;');
    },
  },
  {
    version: 8,
    name: "a saga names its request's latest decision (sagas.decision_id), which a recovery gives its outcome",
    up(db) {
      // Sagas written before this step keep NULL: a recovery that ends one leaves its decision's outcome NULL.
      db.exec('ALTER TABLE sagas ADD COLUMN decision_id INTEGER;');
    },
  },
  {
    version: 9,
    name: 'a steal is one per venue (steals.venue): each replay records its own, a broker run one that another recorded',
    up(db) {
      // The old key, UNIQUE (at, thief, victim), dropped the steals of a replay run again over the period of an
      // earlier (killed) replay on the same store: they stayed with the earlier run. SQLite cannot change a
      // table's constraint, so the table is copied; each row keeps its id and run, and takes its run's venue
      // as step 2 gave the orders theirs. Rows could not repeat under the old key, so none is lost.
      db.exec(`
        CREATE TABLE steals_by_venue (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id INTEGER NOT NULL,
          venue TEXT NOT NULL,
          at INTEGER NOT NULL,
          thief TEXT NOT NULL,
          victim TEXT NOT NULL,
          fight INTEGER NOT NULL,
          UNIQUE (venue, at, thief, victim)
        );
        INSERT INTO steals_by_venue (id, run_id, venue, at, thief, victim, fight)
          SELECT steals.id, steals.run_id, COALESCE((
              SELECT CASE WHEN runs.broker = 'replay' THEN 'replay:' || runs.run_tag ELSE runs.broker END
              FROM runs WHERE runs.id = steals.run_id), 'unknown'),
            steals.at, steals.thief, steals.victim, steals.fight
          FROM steals ORDER BY steals.id;
        DROP TABLE steals;
        ALTER TABLE steals_by_venue RENAME TO steals;
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
