import type Database from 'better-sqlite3';
import type { Outcome, SagaOrderTerms } from '../coordinator/saga.js';
import { readStoredRecord } from './stored-record.js';
import type { LiveStore } from '../live/store.js';
import { sagaColumns, type SagaColumns } from '../live/store-rows.js';
import type { PlaceLimitRequest } from '../coordinator/broker.js';
import type { OrderBody, OrderEventBody } from './reports.js';
import { orderTerms } from '../core/types.js';

/** A stored saga's order: its symbol and terms. */
type StoredPlacement = SagaOrderTerms & { symbol: string };

/**
 * The service's own table beside the live store's (same SQLite file, created by migration step 3 in
 * src/store/migrations.ts): the bots' reports, in arrival order, which advisory mode replays after a restart;
 * and read queries over the store's sagas and decisions that the HTTP API answers with.
 */

export interface SagaRecord extends SagaColumns {
  detail: string | null;
  startedAt: number;
  updatedAt: number;
}

export interface DecisionOut {
  id: number;
  time: string;
  symbol: string;
  action: string;
  reason: string;
  victims: string[];
  victimSymbols: string[];
  outcome: string | null;
  /** The reason in words, with its numbers (null for decisions stored before store version 7). */
  detail: string | null;
  record: unknown;
}

export class ServiceTables {
  /** Prepared once per SQL text: reports and saga reads are on the path of every request. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** Store a report; false when its event id was seen before (it must not count twice). */
  appendReport(event: OrderEventBody, at: number): boolean {
    const info = this.statement(
      'INSERT OR IGNORE INTO service_reports (at, kind, body, event_id) VALUES (?, ?, ?, ?)',
    ).run(at, event.kind, JSON.stringify(event), event.eventId ?? null);
    return info.changes > 0;
  }

  /** The body stored under this event id (as JSON), or null when the id is new. */
  eventBody(eventId: string): string | null {
    const row = this.statement('SELECT body FROM service_reports WHERE event_id = ?').get(eventId) as
      { body: string } | undefined;
    return row?.body ?? null;
  }

  /** Every stored report, oldest first, with when it arrived and its row's seq. */
  reports(): { seq: number; at: number; event: OrderEventBody }[] {
    const rows = this.statement('SELECT seq, at, body FROM service_reports ORDER BY seq').all() as {
      seq: number;
      at: number;
      body: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, at: r.at, event: JSON.parse(r.body) as OrderEventBody }));
  }

  /**
   * The latest `limit` saga outcomes the service recorded (`events` rows of kind `saga-outcome`), oldest first,
   * as [sagaId, outcome].
   */
  sagaOutcomes(limit: number): [string, Outcome['status']][] {
    const rows = this.statement(
      "SELECT detail FROM events WHERE kind = 'saga-outcome' ORDER BY id DESC LIMIT ?",
    ).all(limit) as { detail: string }[];
    return rows.reverse().map((r) => {
      const d = JSON.parse(r.detail) as { sagaId: string; outcome: Outcome['status'] };
      return [d.sagaId, d.outcome];
    });
  }

  /**
   * The victims of the latest `limit` decisions sagas left (their `redecide` transitions), oldest first, as
   * [sagaId, victims]: a report on one of them is still the saga's after a restart.
   */
  redecisions(limit: number): [string, string[]][] {
    const rows = this.statement(
      "SELECT saga_id, victims FROM saga_transitions WHERE state = 'redecide' ORDER BY id DESC LIMIT ?",
    ).all(limit) as { saga_id: string; victims: string }[];
    return rows.reverse().map((r) => [r.saga_id, JSON.parse(r.victims) as string[]]);
  }

  /**
   * The saga's request decided `decisionId` last (its first decision, or the one after it decided again): the
   * row that takes the outcome when a recovery ends the saga (settleRecoveredDecision).
   */
  linkDecision(sagaId: string, decisionId: number): void {
    this.statement('UPDATE sagas SET decision_id = ? WHERE saga_id = ?').run(decisionId, sagaId);
  }

  /**
   * A saga of an earlier process that the crash recovery ended: its request's latest decision takes the outcome
   * the recovery gave it, as a request that ends in process gives its decision (it kept NULL). A saga stored
   * before store version 8 names no decision: nothing is written.
   */
  settleRecoveredDecision(sagaId: string, outcome: Outcome['status']): void {
    this.statement(
      `UPDATE decisions SET outcome = ? WHERE outcome IS NULL
         AND id = (SELECT decision_id FROM sagas WHERE saga_id = ?)`,
    ).run(outcome, sagaId);
  }

  saga(sagaId: string): SagaRecord | null {
    const r = this.statement('SELECT * FROM sagas WHERE saga_id = ?').get(sagaId) as
      Record<string, unknown> | undefined;
    return r ? sagaRecord(r) : null;
  }

  /** Sagas not yet done, compensated or aborted, oldest first. */
  openSagas(): SagaRecord[] {
    const rows = this.statement(
      "SELECT * FROM sagas WHERE state NOT IN ('done', 'compensated', 'aborted') ORDER BY started_at, saga_id",
    ).all() as Record<string, unknown>[];
    return rows.map(sagaRecord);
  }

  /**
   * The open saga under this client order id (its saga id: steal-saga.ts) that has not asked for its placement yet, with the order it is to
   * place as it stored it (sagas.order_terms); null when none, or when it stored none (written before it did).
   */
  sagaBeforePlacing(clientOrderId: string): { sagaId: string; request: StoredPlacement } | null {
    const r = this.statement(
      `SELECT saga_id, symbol, order_terms FROM sagas WHERE saga_id = ? AND client_order_id = ?
         AND state IN ('requested', 'victims-cancelled', 'redecide') AND order_terms IS NOT NULL`,
    ).get(clientOrderId, clientOrderId) as
      { saga_id: string; symbol: string; order_terms: string } | undefined;
    if (!r) return null;
    const terms = JSON.parse(r.order_terms) as SagaOrderTerms;
    return { sagaId: r.saga_id, request: Object.assign({ symbol: r.symbol }, terms) };
  }

  /** The open saga that names this victim or this client order id (the oldest, if several do). */
  openSagaNaming(
    a: { kind: 'cancel'; orderId: string } | { kind: 'place'; clientOrderId: string },
  ): string | null {
    const saga = this.openSagas().find((s) =>
      a.kind === 'cancel' ? s.victims.includes(a.orderId) : s.clientOrderId === a.clientOrderId,
    );
    return saga?.sagaId ?? null;
  }

  /** Decisions at or after `since` (epoch ms), oldest first, at most `limit`. */
  decisionsSince(since: number, limit: number): DecisionOut[] {
    const rows = this.statement(
      `SELECT id, time, symbol, action, reason, victims, victim_symbols, outcome, detail, record FROM decisions
         WHERE time >= ? ORDER BY time, id LIMIT ?`,
    ).all(since, limit) as Record<string, unknown>[];
    // A record may refer to earlier rows for columns that did not change (stored-record.ts): those in this
    // page are at hand, the others are read once each.
    const records = new Map<number, unknown>();
    for (const r of rows) records.set(Number(r.id), JSON.parse(String(r.record)));
    const lookup = (rowId: number): unknown => {
      if (!records.has(rowId)) {
        const row = this.statement('SELECT record FROM decisions WHERE id = ?').get(rowId) as
          { record: string } | undefined;
        records.set(rowId, row && (JSON.parse(row.record) as unknown));
      }
      return records.get(rowId);
    };
    return rows.map((r) => ({
      id: Number(r.id),
      time: new Date(Number(r.time)).toISOString(),
      symbol: String(r.symbol),
      action: String(r.action),
      reason: String(r.reason),
      victims: JSON.parse(String(r.victims)) as string[],
      victimSymbols: JSON.parse(String(r.victim_symbols)) as string[],
      outcome: r.outcome === null ? null : String(r.outcome),
      detail: r.detail === null ? null : String(r.detail),
      record: readStoredRecord(records.get(Number(r.id)), lookup),
    }));
  }
}

function sagaRecord(r: Record<string, unknown>): SagaRecord {
  // Fields added to the fresh columns object, not to a spread copy of it (see sagaRow).
  return Object.assign(sagaColumns(r), {
    detail: r.detail === null ? null : String(r.detail),
    startedAt: Number(r.started_at),
    updatedAt: Number(r.updated_at),
  });
}

/** Orders in the live store's table, so crash recovery can name a victim's symbol and look it up. */
export function mirrorToStore(store: LiveStore, event: OrderEventBody, at: number): void {
  if (event.kind === 'placed') {
    const o = event.order;
    store.recordOrder(
      {
        clientOrderId: o.clientOrderId ?? o.id,
        orderId: o.id,
        ...orderTerms(o),
        takeProfit: null,
        forecastPnl: o.forecastPnl,
        signalKey: null,
        placedAt: o.placedAt ?? at,
        status: 'open',
      },
      at,
    );
  } else if (event.kind === 'cancelled' || event.kind === 'fill') {
    const status = event.kind === 'cancelled' ? 'canceled' : 'partially_filled';
    store.updateOrderStatus(event.orderId, status, event.filledQty, event.fillPrice ?? null, at);
  }
}

/**
 * A placement a saga asked the bot for (`asked`: its row, status `sending`, until the bot reports it placed,
 * which `mirrorToStore` records) or that the bot refused. A placement reported after its deadline or after a
 * restart is taken from this row (`askedPlacement`).
 */
export function recordPlacement(
  store: LiveStore,
  request: PlaceLimitRequest,
  answer: 'asked' | 'refused',
  at: number,
): void {
  if (answer === 'refused') return store.setOrderId(request.clientOrderId, null, 'rejected', at);
  // Object.assign, not a spread copy with fields added (docs/service.md, "Young-generation survivors").
  store.recordOrder(
    Object.assign({}, request, {
      orderId: null,
      takeProfit: null,
      forecastPnl: 0,
      signalKey: null,
      placedAt: at,
      status: 'sending',
    }),
    at,
  );
}

/** The order a saga asked the bot to place and nobody reported yet, as a `placed` event's order (no id). */
export function askedPlacement(store: LiveStore, clientOrderId: string): Omit<OrderBody, 'id'> | null {
  const row = store.orderByClientId(clientOrderId);
  if (!row || row.status !== 'sending') return null;
  return {
    clientOrderId,
    ...orderTerms(row),
    price: null, // a quote gives it one; until then it is never a victim
    forecastPnl: row.forecastPnl,
    placedAt: row.placedAt,
    probe: false,
    external: false,
  };
}

/**
 * A saga whose victim filled during its cancel decides again; when that decision is a block or a wait the
 * coordinator returns without a final saga state. Close it here, so that it is not taken for one a crash
 * interrupted.
 */
export function closeSettledSaga(
  store: LiveStore,
  saga: SagaRecord | null,
  outcome: Outcome,
  at: number,
): void {
  if (!saga || ['done', 'compensated', 'aborted'].includes(saga.state)) return;
  store.transition({
    sagaId: saga.sagaId,
    state: 'aborted',
    at,
    clientOrderId: saga.clientOrderId,
    symbol: saga.symbol,
    victims: saga.victims,
    cancelled: [...outcome.cancelled],
    detail: `decided again: ${outcome.decision.action} (${outcome.decision.reason})`,
  });
}
