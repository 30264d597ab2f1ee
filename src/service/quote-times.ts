import type { QuoteTimes } from '../live/quote-times.js';
import { quoteMadeAt } from '../session/asking.js';

/**
 * When a quote event's price was made: its `asOf`, or when it arrived (`at`). A time after `at` is taken as
 * `at`: a bot's clock ahead of the service's must not date a price in the future, where it would outrank every
 * quote after it until that time came.
 */
export function quoteEventTime(body: { asOf?: number | undefined }, at: number): number {
  return Math.min(quoteMadeAt({ time: body.asOf }, at), at);
}

/** GET /v1/status's orders and positions, each with `quoteTime`: when the quote its price came from was made. */
export function withQuoteTimes<T extends { symbol: string }>(
  rows: readonly T[],
  quotes: QuoteTimes,
): (T & { quoteTime: string | null })[] {
  return rows.map((r) => Object.assign({}, r, { quoteTime: quotes.timeOf(r.symbol) }));
}
