import type Database from 'better-sqlite3';
import { GONE, WORKING_ROW } from './store-rows.js';

/**
 * The live store's `runs` rows beyond a run's own start and stop: the runs that ended without stopping (a
 * SIGKILL, a crash, a power cut) and how the next start closes them. Each function takes the store's statement
 * cache (LiveStore.statement).
 */
type Prepared = (sql: string) => Database.Statement;

/** A run whose row has no stop: it still runs, or it ended without recording its stop. */
export interface OpenRunRow {
  id: number;
  runTag: string;
  broker: string;
  /** Its process (null in stores written before store version 2). */
  pid: number | null;
  host: string | null;
  /** The latest time any of its rows holds (its start, decisions, orders, sagas, events): its last record. */
  lastRecord: number;
}

/** Runs other than `current` with no stop recorded, oldest first, each with the time of its last record. */
export function selectOpenRuns(statement: Prepared, current: number): OpenRunRow[] {
  const rows = statement(
    `SELECT runs.id, runs.run_tag, runs.broker, runs.pid, runs.host, MAX(runs.started_at,
         COALESCE((SELECT MAX(time) FROM decisions WHERE run_id = runs.id), 0),
         COALESCE((SELECT MAX(updated_at) FROM orders WHERE run_id = runs.id), 0),
         COALESCE((SELECT MAX(updated_at) FROM sagas WHERE run_id = runs.id), 0),
         COALESCE((SELECT MAX(at) FROM events WHERE run_id = runs.id), 0)) AS last_record
       FROM runs WHERE runs.stopped_at IS NULL AND runs.id <> ? ORDER BY runs.id`,
  ).all(current) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: Number(r.id),
    runTag: String(r.run_tag),
    broker: String(r.broker),
    pid: r.pid === null ? null : Number(r.pid),
    host: r.host === null ? null : String(r.host),
    lastRecord: Number(r.last_record),
  }));
}

/** Record the stop of a run that ended without recording it (never overwriting a stop it did record). */
export function closeOpenRun(statement: Prepared, id: number, at: number, reason: string): void {
  statement('UPDATE runs SET stopped_at = ?, stop_reason = ? WHERE id = ? AND stopped_at IS NULL').run(
    at,
    reason,
    id,
  );
}

/**
 * A venue that no longer exists (the in-memory venue of a replay whose process ended) holds none of its
 * orders: its rows still marked working take the status `gone`, their fills as last recorded (none is
 * invented). Returns how many rows it closed.
 */
export function closeVenueOrders(statement: Prepared, venue: string, at: number): number {
  return statement(
    `UPDATE orders SET status = '${GONE}', updated_at = ? WHERE venue = ? AND status IN ${WORKING_ROW}`,
  ).run(at, venue).changes;
}
