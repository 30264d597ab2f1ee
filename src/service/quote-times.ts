import type { QuoteTimes } from '../live/quote-times.js';
import { quoteMadeAt } from '../session/asking.js';
import { onServiceClock } from './event-times.js';

/**
 * When a quote event's price was made: its `asOf` on the service's clock (event-times.ts: a time after it is taken
 * as the clock's), or when it arrived (`at`).
 */
export function quoteEventTime(body: { asOf?: number | undefined }, at: number): number {
  return quoteMadeAt({ time: onServiceClock(body.asOf, at) }, at);
}

/** GET /v1/status's orders and positions, each with `quoteTime`: when the quote its price came from was made. */
export function withQuoteTimes<T extends { symbol: string }>(
  rows: readonly T[],
  quotes: QuoteTimes,
): (T & { quoteTime: string | null })[] {
  return rows.map((r) => Object.assign({}, r, { quoteTime: quotes.timeOf(r.symbol) }));
}
