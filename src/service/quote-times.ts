import type { Gauge } from 'prom-client';
import type { TakenQuote } from '../live/status.js';
import { quoteMadeAt } from '../session/asking.js';

const iso = (t: number): string => new Date(t).toISOString();

/**
 * When a quote event's price was made: its `asOf`, or when it arrived (`at`). A time after `at` is taken as
 * `at`: a bot's clock ahead of the service's must not date a price in the future, where it would outrank every
 * quote after it until that time came.
 */
export function quoteEventTime(body: { asOf?: number | undefined }, at: number): number {
  return Math.min(quoteMadeAt({ time: body.asOf }, at), at);
}

/**
 * Each symbol's last quote the service took and when its price was made (docs/service.md "How old a price
 * is"): GET /v1/status shows it beside the rows its price marks, /metrics as a gauge, and a quote made before
 * the one held is not taken (a late quote would put an older price back). Advisory mode rebuilds it from the
 * stored quotes at a restart (the book replays them); executing mode from the quotes since it started.
 */
export class QuoteTimes {
  private readonly held = new Map<string, TakenQuote>();

  /** Why a quote of `symbol` made at `time` changes nothing (a later one is held), or null when it is taken. */
  refusal(symbol: string, time: number): string | null {
    const q = this.held.get(symbol);
    if (q === undefined || time >= q.time) return null;
    return (
      `quote: this quote of ${symbol} was made at ${iso(time)}, before the one held (bid ${q.bid}, ask ` +
      `${q.ask}, made at ${iso(q.time)}); nothing changed`
    );
  }

  take(symbol: string, bid: number, ask: number, time: number): void {
    this.held.set(symbol, { bid, ask, time });
  }

  /** When the price of `symbol`'s last quote was made, as an ISO time; null before its first quote. */
  timeOf(symbol: string): string | null {
    const q = this.held.get(symbol);
    return q === undefined ? null : iso(q.time);
  }

  /** Every symbol's last quote, by symbol (GET /v1/status `quotes`). */
  view(): { symbol: string; bid: number; ask: number; time: string }[] {
    return [...this.held]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([symbol, q]) => ({ symbol, bid: q.bid, ask: q.ask, time: iso(q.time) }));
  }

  /** Set the gauge `worksteal_quote_made_timestamp_seconds` per symbol (ServiceCapacity.now, with the margins'). */
  toGauge(gauge: Gauge<'symbol'>): void {
    for (const [symbol, q] of this.held) gauge.labels(symbol).set(q.time / 1000);
  }
}

/** GET /v1/status's orders and positions, each with `quoteTime`: when the quote its price came from was made. */
export function withQuoteTimes<T extends { symbol: string }>(
  rows: readonly T[],
  quotes: QuoteTimes,
): (T & { quoteTime: string | null })[] {
  return rows.map((r) => Object.assign({}, r, { quoteTime: quotes.timeOf(r.symbol) }));
}
