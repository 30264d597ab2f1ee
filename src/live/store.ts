import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from '../store/checkpointer.js';
import { openStoreDatabase } from '../store/database.js';
import { lockStoreFile, type StoreLock } from '../store/lock.js';
import type { SagaJournal, SagaTransition } from '../coordinator/saga.js';
import type { StealEvent } from '../core/types.js';
import {
  DECISION_INSERT_SQL,
  decisionParams,
  decisionRowOut,
  ORDER_NEWS_SQL,
  orderRow,
  sagaRow,
  TERMINAL_SAGA_STATES,
  venueOf,
  WORKING_ROW,
  type DecisionInsert,
  type DecisionRowOut,
  type OrderRow,
  type SagaRow,
} from './store-rows.js';
import { closeOpenRun, closeVenueOrders, selectOpenRuns, type OpenRunRow } from './store-runs.js';
import { insertSteal, insertTradeReturn, selectSteals, selectTradeReturns } from './store-history.js';

export { venueOf };
export type { DecisionInsert, DecisionRowOut, OpenRunRow, OrderRow, SagaRow };

export interface LiveStoreOptions {
  /** Take the single-writer lock (default). Off only for a second view of a file this process holds. */
  lock?: boolean;
  /** The command holding the lock, shown to a second process that is refused. */
  command?: string;
  /**
   * Checkpoint the WAL from a worker thread (src/store/checkpointer.ts), so that no write waits for a disk
   * flush: for a writer on a latency-bound path (the service). Off: SQLite checkpoints inside the writes.
   */
  backgroundCheckpoints?: boolean;
  /**
   * What named the path, as the user gave it, for the refusals (a foreign or damaged file, a missing folder):
   * `--db` when the flag was typed, else `live.stateDb` (the default), the config key.
   */
  option?: string;
}

/**
 * The live state store: the live tables of the one SQLite store (src/store: schema, migrations, integrity
 * check, single-writer lock). WAL mode; every write is its own transaction and is on disk (in the WAL) before
 * the call returns, so a process killed at any instant leaves a consistent file behind. (The advisory service
 * groups a turn's writes into one transaction and holds its answers until it commits: src/store/group-commit.ts.)
 *
 * Orders are found by (venue, venue order id): a replay's venue is its own run (its ids mean nothing to the
 * next replay), a broker's venue is the broker. So a new run's fills never touch an earlier run's rows.
 */
export class LiveStore implements SagaJournal {
  readonly db: Database.Database;
  private runId = 0;
  /** Whose order ids this run's rows hold: `replay:<run tag>` for a replay, else the broker's name. */
  private venue = '';
  private readonly lock: StoreLock | null;
  private readonly checkpoints: BackgroundCheckpoints | null;
  /** Prepared once per SQL text: a decision's insert is on every request's path (the service's latency). */
  private readonly statements = new Map<string, Database.Statement>();

  /**
   * Opens the store: takes the single-writer lock, refuses a damaged file or one from a newer worksteal
   * (StoreFileError), and migrates an older one forward.
   */
  constructor(
    readonly path: string,
    options: LiveStoreOptions = {},
  ) {
    const isFile = path !== ':memory:' && path !== '';
    const option = options.option ?? 'live.stateDb';
    this.lock =
      options.lock === false || !isFile
        ? null
        : lockStoreFile(path, options.command ?? 'worksteal run', new Date(), option);
    try {
      this.db = openStoreDatabase(path, { checkIntegrity: true, option });
    } catch (error) {
      this.lock?.release();
      throw error;
    }
    this.checkpoints =
      options.backgroundCheckpoints && isFile ? startBackgroundCheckpoints(this.db, path) : null;
  }

  get currentRun(): number {
    return this.runId;
  }

  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  startRun(runTag: string, broker: string, startedAt: number, config: unknown): number {
    const info = this.statement(
      'INSERT INTO runs (run_tag, broker, started_at, config, pid, host) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(runTag, broker, startedAt, JSON.stringify(config), process.pid, hostname());
    this.runId = Number(info.lastInsertRowid);
    this.venue = venueOf(broker, runTag);
    return this.runId;
  }

  stopRun(at: number, reason: string): void {
    this.statement('UPDATE runs SET stopped_at = ?, stop_reason = ? WHERE id = ?').run(
      at,
      reason,
      this.runId,
    );
  }

  /** Earlier runs with no stop recorded (store-runs.ts): still running, or ended without stopping. */
  openRuns(): OpenRunRow[] {
    return selectOpenRuns((sql) => this.statement(sql), this.runId);
  }

  /** The stop of a run that ended without recording it, as the start that found it says it. */
  closeRun(id: number, at: number, reason: string): void {
    closeOpenRun((sql) => this.statement(sql), id, at, reason);
  }

  /** The rows still working at a venue that no longer exists become `gone`; how many. */
  closeVenueOrders(venue: string, at: number): number {
    return closeVenueOrders((sql) => this.statement(sql), venue, at);
  }

  // --- sagas (SagaJournal) -------------------------------------------------------------------------------

  transition(t: SagaTransition): void {
    // One transaction function for the store's life: db.transaction() builds five wrappers per call.
    (this.transitionWrite ??= this.db.transaction((t: SagaTransition) => this.writeTransition(t)))(t);
  }

  private transitionWrite: ((t: SagaTransition) => void) | null = null;

  private writeTransition(t: SagaTransition): void {
    const victims = JSON.stringify(t.victims);
    const cancelled = JSON.stringify(t.cancelled);
    this.statement(
      `INSERT INTO sagas (saga_id, run_id, symbol, client_order_id, state, victims, cancelled, order_id, detail, started_at, updated_at, order_terms)
           VALUES (@sagaId, @runId, @symbol, @clientOrderId, @state, @victims, @cancelled, @orderId, @detail, @at, @at, @orderTerms)
           ON CONFLICT(saga_id) DO UPDATE SET state = excluded.state, victims = excluded.victims,
             cancelled = excluded.cancelled, order_id = COALESCE(excluded.order_id, sagas.order_id),
             detail = excluded.detail, updated_at = excluded.updated_at,
             order_terms = COALESCE(sagas.order_terms, excluded.order_terms)`,
    ).run({
      sagaId: t.sagaId,
      runId: this.runId,
      symbol: t.symbol,
      clientOrderId: t.clientOrderId,
      state: t.state,
      victims,
      cancelled,
      orderId: t.orderId ?? null,
      detail: t.detail ?? null,
      at: t.at,
      orderTerms: t.order ? JSON.stringify(t.order) : null,
    });
    this.statement(
      'INSERT INTO saga_transitions (saga_id, state, at, victims, cancelled, order_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(t.sagaId, t.state, t.at, victims, cancelled, t.orderId ?? null, t.detail ?? null);
  }

  /** Sagas that were neither done, compensated nor aborted: a crash (or a failed poll) interrupted them. */
  unfinishedSagas(): SagaRow[] {
    const rows = this.statement(
      `SELECT sagas.*, runs.broker, runs.pid AS run_pid, runs.host AS run_host, runs.stopped_at AS run_stopped
         FROM sagas JOIN runs ON runs.id = sagas.run_id
         WHERE state NOT IN (${TERMINAL_SAGA_STATES.map(() => '?').join(',')}) ORDER BY started_at, saga_id`,
    ).all(...TERMINAL_SAGA_STATES) as Record<string, unknown>[];
    return rows.map(sagaRow);
  }

  // --- orders ---------------------------------------------------------------------------------------------

  /** Written before the order is sent: after a crash we know what we may have placed. */
  recordOrder(row: OrderRow, at: number): void {
    this.statement(
      `INSERT INTO orders (client_order_id, order_id, run_id, venue, symbol, asset_class, side, role, limit_price, qty,
           take_profit, forecast_pnl, signal_key, placed_at, status, updated_at)
         VALUES (@clientOrderId, @orderId, @runId, @venue, @symbol, @assetClass, @side, @role, @limitPrice, @qty,
           @takeProfit, @forecastPnl, @signalKey, @placedAt, @status, @at)
         ON CONFLICT(client_order_id) DO UPDATE SET order_id = COALESCE(excluded.order_id, orders.order_id),
           status = excluded.status, updated_at = excluded.updated_at`,
    ).run(Object.assign({}, row, { runId: this.runId, venue: this.venue, at })); // not a spread: see sagaRow
  }

  /** The venue's answer to a placement: its order id (null when it refused) and the status. */
  setOrderId(clientOrderId: string, orderId: string | null, status: string, at: number): void {
    this.statement(
      'UPDATE orders SET order_id = COALESCE(?, order_id), status = ?, updated_at = ? WHERE client_order_id = ?',
    ).run(orderId, status, at, clientOrderId);
  }

  /**
   * The venue's news about one of its orders: only the row of that venue's order, never another run's. Older
   * news that overtook newer changes nothing (ORDER_NEWS_SQL).
   */
  updateOrderStatus(
    orderId: string,
    status: string,
    filledQty: number,
    fillPrice: number | null,
    at: number,
  ): void {
    this.statement(ORDER_NEWS_SQL).run({ status, filledQty, fillPrice, at, venue: this.venue, orderId });
  }

  /** Earlier runs' rows of this venue still marked working: a kill may have cut off their last news. */
  unsettledOrders(): OrderRow[] {
    const rows = this.statement(
      `SELECT * FROM orders WHERE venue = ? AND run_id <> ?
           AND status IN ${WORKING_ROW}`,
    ).all(this.venue, this.runId) as Record<string, unknown>[];
    return rows.map(orderRow);
  }

  /** This run's rows still marked working at the venue: news of their end may have been lost in a gap. */
  workingOrders(): OrderRow[] {
    const rows = this.statement(
      `SELECT * FROM orders WHERE venue = ? AND run_id = ? AND order_id IS NOT NULL
           AND status IN ('open', 'pending_cancel', 'partially_filled')`,
    ).all(this.venue, this.runId) as Record<string, unknown>[];
    return rows.map(orderRow);
  }

  /** One of this venue's orders by the venue's id. */
  orderByOrderId(orderId: string): OrderRow | null {
    const r = this.statement(
      'SELECT * FROM orders WHERE venue = ? AND order_id = ? ORDER BY rowid DESC LIMIT 1',
    ).get(this.venue, orderId) as Record<string, unknown> | undefined;
    return r ? orderRow(r) : null;
  }

  orderByClientId(clientOrderId: string): OrderRow | null {
    const r = this.statement('SELECT * FROM orders WHERE client_order_id = ?').get(clientOrderId) as
      Record<string, unknown> | undefined;
    return r ? orderRow(r) : null;
  }

  /**
   * The symbol's most recent filled (or partly filled) entry: its take-profit (where its exit belongs), side,
   * fill price and when it filled (its last update), for the exits' stop and time stop.
   */
  lastEntryFill(
    symbol: string,
  ): { takeProfit: number | null; side: 'buy' | 'sell'; fillPrice: number | null; filledAt: number } | null {
    const r = this.statement(
      `SELECT take_profit, side, fill_price, updated_at FROM orders
         WHERE venue = ? AND symbol = ? AND role = 'entry' AND filled_qty > 0 ORDER BY rowid DESC LIMIT 1`,
    ).get(this.venue, symbol) as
      { take_profit: number | null; side: string; fill_price: number | null; updated_at: number } | undefined;
    if (!r) return null;
    return {
      takeProfit: r.take_profit,
      side: r.side === 'sell' ? 'sell' : 'buy',
      fillPrice: r.fill_price,
      filledAt: Number(r.updated_at),
    };
  }

  // --- decisions ------------------------------------------------------------------------------------------

  /** One decision (with its outcome when that is already known: one write instead of two). */
  recordDecision(d: DecisionInsert): number {
    return Number(this.statement(DECISION_INSERT_SQL).run(decisionParams(this.runId, d)).lastInsertRowid);
  }

  /** The outcome of the request a decision belonged to (its last decision), and how long it took. */
  setOutcome(decisionId: number, outcome: string, latencyMs: number): void {
    this.statement('UPDATE decisions SET outcome = ?, latency_ms = ? WHERE id = ?').run(
      outcome,
      latencyMs,
      decisionId,
    );
  }

  recentDecisions(limit: number): DecisionRowOut[] {
    const rows = this.statement(
      'SELECT id, time, symbol, action, reason, victim_symbols, outcome, latency_ms, detail FROM decisions WHERE run_id = ? ORDER BY id DESC LIMIT ?',
    ).all(this.runId, limit) as Record<string, unknown>[];
    return rows.map(decisionRowOut);
  }

  // --- steal history and realised returns (store-history.ts) ---------------------------------------------

  /** Idempotent per venue: the same steal recorded twice (live, then by a recovery) is one row. */
  recordSteal(event: StealEvent, fight: boolean): void {
    insertSteal((sql) => this.statement(sql), { runId: this.runId, venue: this.venue, event, fight });
  }

  /**
   * Steals in [since, until] at this broker (its venue: every run against it), oldest first, each once: what
   * cooldowns and fight counts still depend on.
   */
  stealsBetween(since: number, until: number, broker: string): StealEvent[] {
    return selectSteals((sql) => this.statement(sql), since, until, venueOf(broker, ''));
  }

  /** A closed trade as it taught the value rankings (net PnL after fees, entry notional): see tradeReturnsBefore. */
  recordTradeReturn(at: number, symbol: string, pnl: number, entryNotional: number): void {
    const row = { runId: this.runId, venue: this.venue, at, symbol, pnl, entryNotional };
    insertTradeReturn((sql) => this.statement(sql), row);
  }

  /**
   * The trades of this venue (this run's and earlier runs') that closed before `before`, oldest first: what a
   * restarted run's valuation learns again. Only those before it: a replay of a period already replayed
   * must not learn from that period's own trades.
   */
  tradeReturnsBefore(before: number): { symbol: string; pnl: number; entryNotional: number }[] {
    return selectTradeReturns((sql) => this.statement(sql), this.venue, before);
  }

  // --- events ---------------------------------------------------------------------------------------------

  recordEvent(at: number, kind: string, detail: unknown): void {
    this.statement('INSERT INTO events (run_id, at, kind, detail) VALUES (?, ?, ?, ?)').run(
      this.runId || null,
      at,
      kind,
      JSON.stringify(detail),
    );
  }

  /** Fold the WAL into the main file and close: after this the .sqlite file alone holds everything. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.checkpoints?.stop();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
      this.lock?.release();
    }
  }
}
