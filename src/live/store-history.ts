import type Database from 'better-sqlite3';
import type { StealEvent } from '../core/types.js';

/**
 * What the live store keeps of the past beyond orders and sagas: the steal history (cooldowns, fights and the
 * daily steal budget outlive a restart) and each closed trade's realised return (what a value ranking learned).
 * Each function takes the store's statement cache (LiveStore.statement), so a statement is prepared once.
 */
type Prepared = (sql: string) => Database.Statement;

/**
 * One steal, once per venue (`UNIQUE (venue, at, thief, victim)`, store version 9): a broker run that recorded
 * a steal before a crash and records it again in the next start's recovery keeps one row (the first run's);
 * two replays, each its own venue, record their own steals even when they replay the same hours. (The key was
 * (at, thief, victim) before: a second replay of a killed one's period lost its steals to the killed run.)
 */
export function insertSteal(
  statement: Prepared,
  row: { runId: number; venue: string; event: StealEvent; fight: boolean },
): void {
  statement(
    'INSERT OR IGNORE INTO steals (run_id, venue, at, thief, victim, fight) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(row.runId, row.venue, row.event.at, row.event.thief, row.event.victim, row.fight ? 1 : 0);
}

/** The venue's steals in [since, until], oldest first, each once: what cooldowns and fight counts depend on. */
export function selectSteals(statement: Prepared, since: number, until: number, venue: string): StealEvent[] {
  const rows = statement(
    `SELECT at, thief, victim FROM steals WHERE venue = ? AND at >= ? AND at <= ? ORDER BY at, id`,
  ).all(venue, since, until) as { at: number; thief: string; victim: string }[];
  return rows.map((r) => ({ at: r.at, thief: r.thief, victim: r.victim }));
}

/** A closed trade as it taught the value rankings (net PnL after fees, entry notional). */
export function insertTradeReturn(
  statement: Prepared,
  row: { runId: number; venue: string; at: number; symbol: string; pnl: number; entryNotional: number },
): void {
  statement(
    'INSERT INTO trade_returns (run_id, venue, at, symbol, pnl, entry_notional) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(row.runId, row.venue, row.at, row.symbol, row.pnl, row.entryNotional);
}

/** The venue's trades (of every run) that closed before `before`, oldest first. */
export function selectTradeReturns(
  statement: Prepared,
  venue: string,
  before: number,
): { symbol: string; pnl: number; entryNotional: number }[] {
  return statement(
    `SELECT symbol, pnl, entry_notional AS entryNotional FROM trade_returns
       WHERE venue = ? AND at < ? ORDER BY at, id`,
  ).all(venue, before) as { symbol: string; pnl: number; entryNotional: number }[];
}
