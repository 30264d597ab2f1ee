import type { PlaceLimitRequest } from '../coordinator/broker.js';
import type { SagaState } from '../coordinator/saga.js';
import type { AssetClass, OrderRole, Side } from '../core/types.js';

/** The rows of the live store's tables (src/live/store.ts) and how a row read back becomes one. */

export const TERMINAL_SAGA_STATES: readonly SagaState[] = ['done', 'compensated', 'aborted'];

/** The statuses of an order row whose order the venue has closed: no later news opens it again. */
const CLOSED_ROW = `('filled', 'canceled', 'expired', 'rejected')`;

/**
 * The statuses of an order row still counted as working (sent, or at the venue). The other statuses end a row:
 * the venue's closed ones (CLOSED_ROW), and `gone`: the venue does not list the order (a replay's venue ended
 * with its process; a broker that answers it does not know the order), so it holds nothing, with its fills
 * as last recorded. A `gone` row takes the venue's news again if the venue ever reports the order.
 */
export const WORKING_ROW = `('sending', 'open', 'pending_cancel', 'partially_filled')`;

/** The status of an order row whose order no venue lists (WORKING_ROW). */
export const GONE = 'gone';

/**
 * An order row takes the venue's news (@status, @filledQty, @fillPrice, @at) for (@venue, @orderId). News
 * reaches the store by paths that can overtake each other (the stream, a cancel's answer, a reconcile's
 * look-ups), so older news changes nothing: a closed order's row takes no working status again, and a fill
 * is cumulative (a smaller one is older).
 */
export const ORDER_NEWS_SQL = `UPDATE orders SET
    status = CASE WHEN @filledQty < filled_qty THEN status ELSE @status END,
    fill_price = CASE WHEN @filledQty < filled_qty THEN fill_price ELSE COALESCE(@fillPrice, fill_price) END,
    filled_qty = MAX(filled_qty, @filledQty), updated_at = @at
  WHERE venue = @venue AND order_id = @orderId AND NOT (status IN ${CLOSED_ROW} AND @status NOT IN ${CLOSED_ROW})`;

/** An order as we asked for it, with what only we know of it (the signal behind an entry). */
export interface OrderRow extends PlaceLimitRequest {
  orderId: string | null;
  takeProfit: number | null;
  forecastPnl: number;
  signalKey: string | null;
  placedAt: number;
  status: string;
}

/** What every reader of `sagas` maps the same way (the live store's recovery, the service's views). */
export interface SagaColumns {
  sagaId: string;
  symbol: string;
  clientOrderId: string;
  state: SagaState;
  victims: string[];
  cancelled: string[];
  orderId: string | null;
}

export interface SagaRow extends SagaColumns {
  runId: number;
  /** The broker of the run that started the saga: only that venue can know how it ended. */
  broker: string;
  startedAt: number;
  /** The process that ran the saga's run (null in stores written before it was recorded). */
  runPid: number | null;
  runHost: string | null;
  /** Whether that run recorded its stop. */
  runStopped: boolean;
}

export interface DecisionInsert {
  time: number;
  symbol: string;
  action: string;
  reason: string;
  victims: string[];
  victimSymbols: string[];
  stealAttempt: boolean;
  fight: boolean;
  shortfall: number;
  dryRun: boolean;
  record: unknown;
  /** Known when the decision is written: its request's outcome and latency (else set later by setOutcome). */
  outcome?: string;
  latencyMs?: number;
  /** The reason in words, with its numbers (decisionSummary); absent for end-of-day actions. */
  detail?: string;
}

/** The insert of one `decisions` row; its parameters are decisionParams'. */
export const DECISION_INSERT_SQL = `INSERT INTO decisions (run_id, time, symbol, action, reason, victims,
    victim_symbols, steal_attempt, fight, shortfall, dry_run, outcome, latency_ms, record, detail)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** A decision of run `runId` as DECISION_INSERT_SQL's parameters. */
export function decisionParams(runId: number, d: DecisionInsert): unknown[] {
  return [
    runId,
    d.time,
    d.symbol,
    d.action,
    d.reason,
    JSON.stringify(d.victims),
    JSON.stringify(d.victimSymbols),
    d.stealAttempt ? 1 : 0,
    d.fight ? 1 : 0,
    Number.isFinite(d.shortfall) ? d.shortfall : 0,
    d.dryRun ? 1 : 0,
    d.outcome ?? null,
    d.latencyMs ?? null,
    JSON.stringify(d.record),
    d.detail ?? null,
  ];
}

export interface DecisionRowOut {
  id: number;
  time: number;
  symbol: string;
  action: string;
  reason: string;
  victimSymbols: string[];
  outcome: string | null;
  latencyMs: number | null;
  /** The reason in words (null for rows written before store version 7, and for end-of-day actions). */
  detail: string | null;
}

/** Whose order ids a run's rows hold: a replay venue lives and dies with its run; a broker outlives runs. */
export function venueOf(broker: string, runTag: string): string {
  return broker === 'replay' ? `replay:${runTag}` : broker;
}

export function orderRow(r: Record<string, unknown>): OrderRow {
  return {
    clientOrderId: String(r.client_order_id),
    orderId: r.order_id === null ? null : String(r.order_id),
    symbol: String(r.symbol),
    assetClass: r.asset_class as AssetClass,
    side: r.side as Side,
    role: r.role as OrderRole,
    limitPrice: Number(r.limit_price),
    qty: Number(r.qty),
    takeProfit: r.take_profit === null ? null : Number(r.take_profit),
    forecastPnl: Number(r.forecast_pnl),
    signalKey: r.signal_key === null ? null : String(r.signal_key),
    placedAt: Number(r.placed_at),
    status: String(r.status),
  };
}

/** The columns of a `sagas` row that every reader maps alike. */
export function sagaColumns(r: Record<string, unknown>): SagaColumns {
  return {
    sagaId: String(r.saga_id),
    symbol: String(r.symbol),
    clientOrderId: String(r.client_order_id),
    state: r.state as SagaState,
    victims: JSON.parse(String(r.victims)) as string[],
    cancelled: JSON.parse(String(r.cancelled)) as string[],
    orderId: r.order_id === null ? null : String(r.order_id),
  };
}

/** A row of `sagas` joined with its run (unfinishedSagas' query). */
export function sagaRow(r: Record<string, unknown>): SagaRow {
  // Object.assign onto the fresh columns object, not a spread copy with fields added: on this Node (V8 11.3)
  // such a copy of a fresh object kept the object it was copied from, and all it refers to, alive through
  // young-generation collections until a full one.
  return Object.assign(sagaColumns(r), {
    runId: Number(r.run_id),
    broker: String(r.broker),
    startedAt: Number(r.started_at),
    runPid: r.run_pid === null ? null : Number(r.run_pid),
    runHost: r.run_host === null ? null : String(r.run_host),
    runStopped: r.run_stopped !== null,
  });
}

/** A row of `decisions` as the status view lists it. */
export function decisionRowOut(r: Record<string, unknown>): DecisionRowOut {
  return {
    id: Number(r.id),
    time: Number(r.time),
    symbol: String(r.symbol),
    action: String(r.action),
    reason: String(r.reason),
    victimSymbols: JSON.parse(String(r.victim_symbols)) as string[],
    outcome: r.outcome === null ? null : String(r.outcome),
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    detail: r.detail === null || r.detail === undefined ? null : String(r.detail),
  };
}
