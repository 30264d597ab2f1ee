import type { AssetClass } from '../../core/types.js';
import type { BarWindow, MarketData, Quote } from '../../ports/venue.js';
import type { AlpacaRest } from './rest.js';
import { canonicalSymbol } from './symbols.js';

interface AlpacaBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
}

interface AlpacaQuote {
  ap: number;
  bp: number;
  /** When the quote was made (RFC 3339). */
  t?: string;
}

export interface AlpacaMarketDataOptions {
  rest: AlpacaRest;
  assetClassOf: (symbol: string) => AssetClass;
  now: () => number;
  /** Bar interval the forecaster runs on (Alpaca timeframe 1Hour). */
  intervalMs?: number;
  /** Stock data feed: 'iex' (free plans) or 'sip'. */
  feed?: string;
}

interface Cached {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  /** The most bars any caller has asked for: what the cache keeps. */
  depth: number;
  /** The open time of the first cached bar when the venue had nothing older to give (a young listing). */
  historyStartsAt: number | null;
}

/** The most bars Alpaca returns in one page. */
const MAX_PAGE = 10_000;

type Column = 'time' | 'open' | 'high' | 'low' | 'close';
const COLUMNS: readonly Column[] = ['time', 'open', 'high', 'low', 'close'];

/**
 * Bars and quotes from Alpaca's market data API (stocks under /v2/stocks, crypto under /v1beta3/crypto/us).
 * One window per symbol serves every caller (the forecaster's window, the valuation's warm-up, the exits'
 * last bar): it keeps as many bars as the largest request asked for, fetches only the bars that closed since
 * (and history further back when a longer window is asked than it holds), and returns the last `count`. A
 * bar still forming (its close after now) is never used, so the forecaster sees exactly what a replay would.
 */
export class AlpacaMarketData implements MarketData {
  private readonly cache = new Map<string, Cached>();
  /** The bar length of every window (the session's bar length: the `*Bars` keys count in it). */
  readonly intervalMs: number;

  constructor(private readonly o: AlpacaMarketDataOptions) {
    this.intervalMs = o.intervalMs ?? 3_600_000;
  }

  async bars(symbol: string, count: number): Promise<BarWindow | null> {
    const now = this.o.now();
    let c = this.cache.get(symbol);
    if (!c) {
      c = { time: [], open: [], high: [], low: [], close: [], depth: 0, historyStartsAt: null };
      this.cache.set(symbol, c);
    }
    c.depth = Math.max(c.depth, count);
    const last = c.time.at(-1);
    // Nothing new can have closed before the bar after the last one ends.
    if (last === undefined || now >= last + 2 * this.intervalMs) await this.fetchNewer(symbol, c, now);
    if (c.time.length && c.time.length < count && c.historyStartsAt !== c.time[0])
      await this.fetchOlder(symbol, c, count - c.time.length);
    const excess = c.time.length - c.depth;
    if (excess > 0) for (const k of COLUMNS) c[k].splice(0, excess);
    if (!c.time.length) return null;
    const from = Math.max(0, c.time.length - count);
    const column = (k: Column) => Float64Array.from(c[k].slice(from));
    return {
      symbol,
      intervalMs: this.intervalMs,
      time: column('time'),
      open: column('open'),
      high: column('high'),
      low: column('low'),
      close: column('close'),
    };
  }

  /**
   * The bars closed since the last cached one (all the window needs when nothing is cached). One more is asked
   * for than needed: the newest may still be forming. A page as long as asked may leave a gap behind it (the
   * process slept): then it replaces the cache, being the window.
   */
  private async fetchNewer(symbol: string, c: Cached, now: number): Promise<void> {
    const last = c.time.at(-1) ?? Number.NEGATIVE_INFINITY;
    const limit = Math.min(MAX_PAGE - 1, c.depth);
    const since = Number.isFinite(last) ? last + 1 : undefined;
    const page = await this.fetchBars(symbol, limit + 1, { since, until: now });
    const fresh = page
      .filter((b) => Date.parse(b.t) > last && Date.parse(b.t) + this.intervalMs <= now)
      .slice(-limit);
    if (since !== undefined && fresh.length >= limit) {
      for (const k of COLUMNS) c[k].length = 0;
      c.historyStartsAt = null;
    }
    append(c, fresh, 'end');
  }

  /**
   * `missing` more bars before the first cached one; fewer than asked means the venue has no more. The range
   * ends within the first cached bar (whether the venue's `end` counts a bar's open or its close).
   */
  private async fetchOlder(symbol: string, c: Cached, missing: number): Promise<void> {
    const first = c.time[0]!;
    const ask = Math.min(MAX_PAGE - 1, missing);
    const page = await this.fetchBars(symbol, ask + 1, { until: first + this.intervalMs - 1 });
    const older = page.filter((b) => Date.parse(b.t) < first).slice(-ask);
    append(c, older, 'start');
    if (older.length < ask) c.historyStartsAt = c.time[0]!;
  }

  async quotes(symbols: readonly string[]): Promise<Map<string, Quote>> {
    const out = new Map<string, Quote>();
    const stocks = symbols.filter((s) => this.o.assetClassOf(s) === 'stock');
    const cryptos = symbols.filter((s) => this.o.assetClassOf(s) === 'crypto');
    const collect = (quotes: Record<string, AlpacaQuote> | undefined, names: readonly string[]): void => {
      for (const name of names) {
        const q = quotes?.[canonicalSymbol(name)] ?? quotes?.[name];
        // A side without a quote (0) is no price: the watcher waits rather than invent one.
        if (q && q.ap > 0 && q.bp > 0) {
          const time = q.t === undefined ? Number.NaN : Date.parse(q.t);
          out.set(name, Number.isNaN(time) ? { bid: q.bp, ask: q.ap } : { bid: q.bp, ask: q.ap, time });
        }
      }
    };
    if (stocks.length) {
      const { data } = await this.o.rest.request<{ quotes?: Record<string, AlpacaQuote> }>(
        'GET',
        '/v2/stocks/quotes/latest',
        { base: 'data', query: { symbols: stocks.join(','), feed: this.o.feed ?? 'iex' } },
      );
      collect(data.quotes, stocks);
    }
    if (cryptos.length) {
      const { data } = await this.o.rest.request<{ quotes?: Record<string, AlpacaQuote> }>(
        'GET',
        '/v1beta3/crypto/us/latest/quotes',
        { base: 'data', query: { symbols: cryptos.map((s) => canonicalSymbol(s, 'crypto')).join(',') } },
      );
      collect(data.quotes, cryptos);
    }
    return out;
  }

  /**
   * The latest `count` bars up to `until` (newest first from the API, returned oldest first), or only those
   * after `since`.
   */
  private async fetchBars(
    symbol: string,
    count: number,
    range: { since?: number | undefined; until: number },
  ): Promise<AlpacaBar[]> {
    const crypto = this.o.assetClassOf(symbol) === 'crypto';
    const name = crypto ? canonicalSymbol(symbol, 'crypto') : symbol;
    // Stocks trade about a third of the hours of a calendar day: look back far enough for `count` bars.
    const lookback = count * this.intervalMs * (crypto ? 1.2 : 4) + 7 * 86_400_000;
    const query = {
      symbols: name,
      timeframe: alpacaTimeframe(this.intervalMs),
      start: new Date(range.since ?? range.until - lookback).toISOString(),
      end: new Date(range.until).toISOString(),
      limit: Math.min(MAX_PAGE, count),
      sort: 'desc',
      ...(crypto ? {} : { feed: this.o.feed ?? 'iex' }),
    };
    const path = crypto ? '/v1beta3/crypto/us/bars' : '/v2/stocks/bars';
    const { data } = await this.o.rest.request<{ bars?: Record<string, AlpacaBar[]> }>('GET', path, {
      base: 'data',
      query,
    });
    return [...(data.bars?.[name] ?? [])].reverse();
  }
}

/** Alpaca's name for a bar length: 15Min, 1Hour, 1Day (an interval none of these divides is refused). */
export function alpacaTimeframe(intervalMs: number): string {
  const MIN = 60_000;
  const units: [number, string, number][] = [
    [1440 * MIN, 'Day', 1],
    [60 * MIN, 'Hour', 23],
    [MIN, 'Min', 59],
  ];
  for (const [unit, name, most] of units) {
    const n = intervalMs / unit;
    if (Number.isInteger(n) && n >= 1 && n <= most) return `${n}${name}`;
  }
  throw new Error(
    `bar interval ${intervalMs} ms has no Alpaca timeframe: use 1-59 minutes, 1-23 hours or 1 day`,
  );
}

/** Bars (oldest first) added at the end of the window or before its start. */
function append(c: Cached, bars: readonly AlpacaBar[], where: 'start' | 'end'): void {
  const columns = {
    time: bars.map((b) => Date.parse(b.t)),
    open: bars.map((b) => b.o),
    high: bars.map((b) => b.h),
    low: bars.map((b) => b.l),
    close: bars.map((b) => b.c),
  };
  for (const k of COLUMNS) c[k] = where === 'end' ? c[k].concat(columns[k]) : columns[k].concat(c[k]);
}
