/**
 * Crypto bars from any exchange ccxt supports, through its public OHLCV endpoint (no API key). ccxt is loaded
 * on first use: it is large, and nothing else in a simulation needs it.
 *
 * - Rate limits: ccxt's own throttle (`enableRateLimit`) paces requests by each endpoint's published weight;
 *   a 429/418 that gets through anyway is retried after the server's Retry-After (retry.ts).
 * - Pagination: `fetchOHLCV(symbol, timeframe, since, limit)` from `since`, then from the last bar + one
 *   interval, until the range is covered or a page brings nothing new (some exchanges ignore `since` and
 *   always return their latest bars; the loop then stops instead of spinning).
 * - Markets: spot only. Loading every market type of an exchange (futures, options) costs extra requests and
 *   the unified symbols people type for candles ('BTC/USDT') are spot symbols.
 */
import type { Exchange } from 'ccxt';
import { DownloadError } from './errors.js';
import { Retrier, retryAfterMs, type Failure, type RetryOptions } from './retry.js';
import { similarSymbols } from './similar.js';
import { timeframeMs } from '../marketdata/timeframe.js';
import type { Bar, BarSource } from './types.js';

type CcxtModule = typeof import('ccxt');
type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

export interface CcxtSourceOptions {
  exchangeId: string;
  /**
   * Replaces scheme and host of every API URL of the exchange, keeping the paths: tests point ccxt at a fake
   * exchange on 127.0.0.1 this way (the CLI reads it from WORKSTEAL_TEST_CCXT_URL).
   */
  apiOrigin?: string;
  /** Bars per request; default: the exchange's documented maximum (ccxt `features`), else 500. */
  pageLimit?: number;
  retry?: RetryOptions;
}

const OFFLINE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ENETDOWN|getaddrinfo/;

let ccxtModule: Promise<CcxtModule> | null = null;
function loadCcxt(): Promise<CcxtModule> {
  ccxtModule ??= import('ccxt');
  return ccxtModule;
}

/** Rewrites every URL string under `api` to `origin`, in place. */
function redirect(api: unknown, origin: string): unknown {
  if (typeof api === 'string') return api.replace(/^[a-z]+:\/\/[^/]+/i, origin.replace(/\/+$/, ''));
  if (api && typeof api === 'object') {
    const obj = api as Record<string, unknown>;
    for (const k of Object.keys(obj)) obj[k] = redirect(obj[k], origin);
  }
  return api;
}

/** The part of a ccxt message worth showing: the cause after "fetch failed", or the message without the URL. */
function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const cause = /fetch failed:?\s*(.*)$/.exec(msg);
  if (cause?.[1]) return cause[1];
  return msg.replace(/\s+(GET|POST)\s+\S+/, '').slice(0, 300);
}

/** The exchange's own spelling of each symbol (as given, upper-cased, or by market id); unknown ones named. */
function marketSymbols(
  id: string,
  markets: Record<string, unknown>,
  byId: Record<string, { symbol: string }[] | undefined>,
  symbols: readonly string[],
): string[] {
  const out: string[] = [];
  const unknown: string[] = [];
  for (const raw of symbols) {
    const s = raw.trim();
    const upper = s.toUpperCase();
    const hit = markets[s] ? s : markets[upper] ? upper : (byId[s]?.[0]?.symbol ?? byId[upper]?.[0]?.symbol);
    if (hit === undefined) unknown.push(s);
    else out.push(hit);
  }
  if (unknown.length > 0) {
    const known = Object.keys(markets);
    const lines = unknown.map((u) => {
      const near = similarSymbols(u, known);
      return `${u}${near.length ? ` (similar: ${near.join(', ')})` : ''}`;
    });
    throw new DownloadError(
      'unknown-symbol',
      `${id} has no spot market ${lines.join('; ')}. Symbols are BASE/QUOTE as ccxt spells them, e.g. BTC/USDT.`,
    );
  }
  return out;
}

export async function openCcxtSource(options: CcxtSourceOptions): Promise<BarSource> {
  const mod = await loadCcxt();
  const ccxt = mod.default;
  const id = options.exchangeId.toLowerCase();
  const Ctor = (ccxt as unknown as Record<string, unknown>)[id];
  if (!ccxt.exchanges.includes(id) || typeof Ctor !== 'function') {
    const near = similarSymbols(id, ccxt.exchanges, 4);
    throw new DownloadError(
      'usage',
      `--source ccxt:${options.exchangeId}: ccxt has no exchange "${options.exchangeId}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}. The list: node -e "import('ccxt').then(m => console.log(m.default.exchanges.join(' ')))"`,
    );
  }
  const exchange = new (Ctor as ExchangeClass)({ enableRateLimit: true });
  if (!exchange.has['fetchOHLCV']) {
    throw new DownloadError('usage', `${id} offers no OHLCV history through ccxt; choose another exchange.`);
  }
  const fm = exchange.options['fetchMarkets'];
  if (Array.isArray(fm)) exchange.options['fetchMarkets'] = fm.includes('spot') ? ['spot'] : fm;
  else if (fm && typeof fm === 'object' && Array.isArray((fm as { types?: unknown }).types)) {
    const types = (fm as { types: string[] }).types;
    exchange.options['fetchMarkets'] = { ...fm, types: types.includes('spot') ? ['spot'] : types };
  }
  exchange.options['defaultType'] = 'spot';
  if (options.apiOrigin) redirect(exchange.urls['api'], options.apiOrigin);

  const E = mod;
  const classify = (err: unknown): Failure => {
    if (err instanceof E.RateLimitExceeded || err instanceof E.DDoSProtection) {
      const headers = (exchange.last_response_headers ?? {}) as Record<string, string | undefined>;
      const waitMs = retryAfterMs(headers['Retry-After'] ?? headers['retry-after']);
      return { kind: 'rate-limit', answered: true, ...(waitMs !== undefined ? { waitMs } : {}) };
    }
    if (err instanceof E.RequestTimeout) return { kind: 'transient' };
    if (err instanceof E.ExchangeNotAvailable) {
      // 5xx and maintenance pass; 403/404/451 (e.g. a restricted location) will not change on retry.
      return / 4\d\d /.test(err.message) ? { kind: 'fatal' } : { kind: 'transient', answered: true };
    }
    if (err instanceof E.NetworkError)
      return OFFLINE.test(err.message) ? { kind: 'offline' } : { kind: 'transient' };
    return { kind: 'fatal' };
  };

  const describe = (err: unknown, what: string): DownloadError => {
    if (err instanceof DownloadError) return err;
    const reason = shortReason(err);
    const f = classify(err);
    if (err instanceof E.BadSymbol)
      return new DownloadError('unknown-symbol', `${id}: ${reason}`, { cause: err });
    if (f.kind === 'offline' || f.kind === 'transient') {
      return new DownloadError(
        'network',
        `cannot reach ${id} while ${what} (${reason}). Check the network connection and try again.`,
        { cause: err },
      );
    }
    if (f.kind === 'rate-limit') {
      return new DownloadError(
        'exchange',
        `${id} kept refusing requests as too many while ${what} (${reason}); wait a few minutes and run the command again.`,
        { cause: err },
      );
    }
    return new DownloadError('exchange', `${id} refused the request while ${what}: ${reason}`, {
      cause: err,
    });
  };

  const retrier = new Retrier(options.retry);
  const call = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    try {
      return await retrier.run(op, classify);
    } catch (err) {
      throw describe(err, what);
    }
  };

  const features = exchange.features as { spot?: { fetchOHLCV?: { limit?: number } } } | undefined;
  const pageLimit = options.pageLimit ?? features?.spot?.fetchOHLCV?.limit ?? 500;

  const source: BarSource = {
    id: `ccxt-${id}`,
    label: id,
    assetClass: 'crypto',
    checksSymbols: true,
    checkTimeframe(tf) {
      const known = Object.keys(exchange.timeframes ?? {});
      if (!known.includes(tf) || timeframeMs(tf) === null) {
        throw new DownloadError(
          'usage',
          `--timeframe ${tf}: ${id} offers ${known.filter((k) => timeframeMs(k) !== null).join(', ')}.`,
        );
      }
    },
    async resolveSymbols(symbols) {
      await call('loading its market list', () => exchange.loadMarkets());
      const byId = (exchange.markets_by_id ?? {}) as Record<string, { symbol: string }[] | undefined>;
      return marketSymbols(id, exchange.markets ?? {}, byId, symbols);
    },
    async *pages(symbol, tf, since, until) {
      const step = timeframeMs(tf) as number;
      let cursor = since;
      while (cursor < until) {
        const from = cursor;
        const rows = await call(`fetching ${symbol} ${tf} bars from ${new Date(from).toISOString()}`, () =>
          exchange.fetchOHLCV(symbol, tf, from, pageLimit),
        );
        const bars: Bar[] = [];
        for (const r of rows) {
          const [t, o, h, l, c, v] = r;
          if (typeof t !== 'number') continue;
          bars.push({
            time: t,
            open: Number(o),
            high: Number(h),
            low: Number(l),
            close: Number(c),
            volume: Number(v ?? 0),
          });
        }
        bars.sort((a, b) => a.time - b.time);
        yield bars;
        const last = bars[bars.length - 1];
        if (last === undefined || last.time < from) return;
        cursor = last.time + step;
      }
    },
    async close() {
      await exchange.close().catch(() => undefined);
    },
  };
  return source;
}
