import type { AssetClass } from '../core/types.js';
import type { BarSeries } from '../marketdata/index.js';
import type { BarWindow, Quote } from '../ports/venue.js';
import { tradesInBar } from '../sim/fill-rules.js';
import { limitHours, limitWorksInBar, type LimitHours } from '../core/calendar/index.js';
import { buildTimeline } from '../sim/timeline.js';
import { lastClosedIndex } from './venue-account.js';
import type { BarVenueOptions } from './venue-types.js';

/** One symbol's bars and when each closes (its prices are known from then on). */
export interface Book {
  series: BarSeries;
  closeTimes: Float64Array;
}

/**
 * The replay venue's market (venue.ts): what is known of each symbol's prices at a time, a bar's from its
 * close, and which bars trade (the simulator's rule, src/sim/fill-rules.ts). Nothing here moves with time:
 * every answer is for the time asked about.
 */
export class VenueBars {
  private readonly books = new Map<string, Book>();

  constructor(private readonly options: Pick<BarVenueOptions, 'series' | 'calendar' | 'extendedHours'>) {
    const timeline = buildTimeline(options.series, options.calendar, { deleverageLeadMinutes: 0 });
    options.series.forEach((series, k) => {
      this.books.set(series.symbol, { series, closeTimes: timeline.closeTimes[k]! });
    });
  }

  get symbols(): string[] {
    return [...this.books.keys()];
  }

  /** Every symbol's book, in the order of the series. */
  all(): IterableIterator<Book> {
    return this.books.values();
  }

  assetClassOf(symbol: string): AssetClass | null {
    return this.books.get(symbol)?.series.assetClass ?? null;
  }

  /** The last close known at t (bid = ask: bars carry no spread). */
  quote(symbol: string, t: number): Quote | null {
    const book = this.books.get(symbol);
    if (!book) return null;
    const i = lastClosedIndex(book.closeTimes, t);
    if (i < 0) return null;
    const price = book.series.close[i]!;
    return { bid: price, ask: price, time: book.closeTimes[i]! };
  }

  /** The last `count` bars closed by `until` (views into the series, not copies). */
  bars(symbol: string, count: number, until: number): BarWindow | null {
    const book = this.books.get(symbol);
    if (!book) return null;
    const last = lastClosedIndex(book.closeTimes, until);
    if (last < 0) return null;
    const from = Math.max(0, last - count + 1);
    const s = book.series;
    return {
      symbol,
      intervalMs: s.intervalMs,
      time: s.time.subarray(from, last + 1),
      open: s.open.subarray(from, last + 1),
      high: s.high.subarray(from, last + 1),
      low: s.low.subarray(from, last + 1),
      close: s.close.subarray(from, last + 1),
    };
  }

  /** Whether the symbol's last bar closes exactly at t and trades (a session bar, or extended hours). */
  tradableBarClosesAt(symbol: string, t: number): boolean {
    const book = this.books.get(symbol);
    if (!book) return false;
    const i = lastClosedIndex(book.closeTimes, t);
    return i >= 0 && book.closeTimes[i] === t && this.tradable(book, i);
  }

  tradable(book: Book, i: number): boolean {
    const { calendar, extendedHours } = this.options;
    return tradesInBar(book.series.assetClass, book.series.time[i]!, calendar, extendedHours ?? false);
  }

  /** The hours a limit order placed at t works in (limitHours: the session it is placed in). */
  limitHours(assetClass: AssetClass, t: number): LimitHours {
    return limitHours(assetClass, t, this.options.calendar, this.options.extendedHours ?? false);
  }

  /** Whether a limit order of these hours works in bar i of the book (limitWorksInBar). */
  limitWorks(hours: LimitHours, book: Book, i: number): boolean {
    return limitWorksInBar(hours, book.series.time[i]!, this.options.calendar);
  }
}
