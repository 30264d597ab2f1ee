/**
 * The tables of migration step 1, as the code before the store module created them (the simulator's with
 * their new `sim_` names). Frozen: later changes are new migration steps, never edits here.
 */

export const SIM_TABLES = `
CREATE TABLE IF NOT EXISTS sim_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL,
  range_from TEXT, range_to TEXT,
  config TEXT NOT NULL,
  data TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sim_decisions (
  run_id INTEGER NOT NULL REFERENCES sim_runs(id), time TEXT NOT NULL, symbol TEXT NOT NULL,
  action TEXT NOT NULL, victims TEXT NOT NULL, reason TEXT NOT NULL, order_id TEXT
);
CREATE TABLE IF NOT EXISTS sim_trades (
  run_id INTEGER NOT NULL REFERENCES sim_runs(id), symbol TEXT NOT NULL, side TEXT NOT NULL, qty REAL NOT NULL,
  entry_time TEXT NOT NULL, entry_price REAL NOT NULL, exit_time TEXT NOT NULL, exit_price REAL NOT NULL,
  pnl REAL NOT NULL, exit_reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sim_equity (
  run_id INTEGER NOT NULL REFERENCES sim_runs(id), time TEXT NOT NULL, equity REAL NOT NULL,
  margin_used REAL NOT NULL, margin_capacity REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sim_decisions_run ON sim_decisions(run_id);
CREATE INDEX IF NOT EXISTS sim_trades_run ON sim_trades(run_id);
CREATE INDEX IF NOT EXISTS sim_equity_run ON sim_equity(run_id);
`;

export const OPTIMIZER_TABLES = `
CREATE TABLE IF NOT EXISTS opt_objectives (
  hash TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS opt_studies (
  id TEXT PRIMARY KEY,
  objective_hash TEXT NOT NULL REFERENCES opt_objectives(hash),
  spec TEXT NOT NULL,
  state TEXT,
  generation INTEGER NOT NULL DEFAULT 0,
  evaluations INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS opt_evaluations (
  hash TEXT PRIMARY KEY,
  objective_hash TEXT NOT NULL,
  params TEXT NOT NULL,
  oos REAL,
  is_score REAL,
  result TEXT NOT NULL,
  elapsed_ms REAL NOT NULL,
  worker TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS opt_trials (
  study_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (study_id, generation, idx)
);
CREATE INDEX IF NOT EXISTS opt_evaluations_objective ON opt_evaluations(objective_hash);
`;

/**
 * Live state: runs (each start), orders (every order we sent, by client order id), sagas and
 * saga_transitions (the coordinator's steal sagas), decisions, steals (cooldowns and fights survive
 * restarts), events (start, stop, recovery, alerts).
 */
export const LIVE_TABLES = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_tag TEXT NOT NULL,
  broker TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  stopped_at INTEGER,
  stop_reason TEXT,
  config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  client_order_id TEXT PRIMARY KEY,
  order_id TEXT,
  run_id INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  asset_class TEXT NOT NULL,
  side TEXT NOT NULL,
  role TEXT NOT NULL,
  limit_price REAL NOT NULL,
  qty REAL NOT NULL,
  take_profit REAL,
  forecast_pnl REAL NOT NULL,
  signal_key TEXT,
  placed_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  filled_qty REAL NOT NULL DEFAULT 0,
  fill_price REAL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_order_id ON orders(order_id);
CREATE INDEX IF NOT EXISTS orders_symbol ON orders(symbol, role);
CREATE TABLE IF NOT EXISTS sagas (
  saga_id TEXT PRIMARY KEY,
  run_id INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  state TEXT NOT NULL,
  victims TEXT NOT NULL,
  cancelled TEXT NOT NULL,
  order_id TEXT,
  detail TEXT,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS saga_transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  saga_id TEXT NOT NULL,
  state TEXT NOT NULL,
  at INTEGER NOT NULL,
  victims TEXT NOT NULL,
  cancelled TEXT NOT NULL,
  order_id TEXT,
  detail TEXT
);
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL,
  time INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  victims TEXT NOT NULL,
  victim_symbols TEXT NOT NULL,
  steal_attempt INTEGER NOT NULL,
  fight INTEGER NOT NULL,
  shortfall REAL NOT NULL,
  dry_run INTEGER NOT NULL,
  outcome TEXT,
  latency_ms REAL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_run ON decisions(run_id);
CREATE TABLE IF NOT EXISTS steals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  thief TEXT NOT NULL,
  victim TEXT NOT NULL,
  fight INTEGER NOT NULL,
  UNIQUE (at, thief, victim)
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
`;
