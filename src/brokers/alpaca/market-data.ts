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
}

/**
 * Bars and quotes from Alpaca's market data API (stocks under /v2/stocks, crypto under /v1beta3/crypto/us).
 * Bars are fetched once for the forecaster's window and then only the ones that closed since; a bar still
 * forming (its close after now) is never used, so the forecaster sees exactly what a replay would.
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
    const last = c?.time.at(-1);
    // Nothing new can have closed before the bar after the last one ends.
    if (!c || last === undefined || now >= last + 2 * this.intervalMs) {
      const fresh = await this.fetchBars(symbol, count, last === undefined ? undefined : last + 1, now);
      if (!c) this.cache.set(symbol, (c = { time: [], open: [], high: [], low: [], close: [] }));
      for (const b of fresh) {
        const t = Date.parse(b.t);
        if (t + this.intervalMs > now || (c.time.length && t <= c.time.at(-1)!)) continue;
        c.time.push(t);
        c.open.push(b.o);
        c.high.push(b.h);
        c.low.push(b.l);
        c.close.push(b.c);
      }
      const excess = c.time.length - count;
      if (excess > 0)
        for (const k of ['time', 'open', 'high', 'low', 'close'] as const) c[k].splice(0, excess);
    }
    if (!c.time.length) return null;
    return {
      symbol,
      intervalMs: this.intervalMs,
      time: Float64Array.from(c.time),
      open: Float64Array.from(c.open),
      high: Float64Array.from(c.high),
      low: Float64Array.from(c.low),
      close: Float64Array.from(c.close),
    };
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

  /** The latest `count` bars (newest first from the API, returned oldest first), or those after `since`. */
  private async fetchBars(
    symbol: string,
    count: number,
    since: number | undefined,
    now: number,
  ): Promise<AlpacaBar[]> {
    const crypto = this.o.assetClassOf(symbol) === 'crypto';
    const name = crypto ? canonicalSymbol(symbol, 'crypto') : symbol;
    // Stocks trade about a third of the hours of a calendar day: look back far enough for `count` bars.
    const lookback = count * this.intervalMs * (crypto ? 1.2 : 4) + 7 * 86_400_000;
    const query = {
      symbols: name,
      timeframe: '1Hour',
      start: new Date(since ?? now - lookback).toISOString(),
      end: new Date(now).toISOString(),
      limit: Math.min(10_000, count),
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
