/**
 * US stock bars from Alpaca's market-data API: `GET /v2/stocks/{symbol}/bars` with the keys in the
 * APCA-API-KEY-ID / APCA-API-SECRET-KEY headers, following `next_page_token` until the range is covered.
 * Keys come from the environment and are never printed: messages name the variables, not their values.
 */
import { alpacaCredentials, MissingCredentialsError } from '../brokers/alpaca/env.js';
import type { AlpacaCredentials } from '../brokers/alpaca/rest.js';
import { DownloadError } from './errors.js';
import { Retrier, retryAfterMs, type Failure, type RetryOptions } from './retry.js';
import { timeframeMs } from '../marketdata/timeframe.js';
import type { Bar, BarSource } from './types.js';

export const ALPACA_DATA_URL = 'https://data.alpaca.markets';
const OFFLINE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);
const TIMEFRAME_UNITS: Record<string, string> = { m: 'Min', h: 'Hour', d: 'Day', w: 'Week' };
/** What a US stock ticker looks like (AAPL, BRK.B): a symbol that does is checked, not guessed at. */
const US_TICKER = /^[A-Z][A-Z0-9.]{0,9}$/;
const EXAMPLE_TICKERS = ['AAPL', 'SPY', 'MSFT'];

/** Two example tickers for a message about `symbol`, never `symbol` itself. */
export function tickersBesides(symbol: string): string {
  return EXAMPLE_TICKERS.filter((t) => t !== symbol)
    .slice(0, 2)
    .join(' or ');
}
const REQUEST_TIMEOUT_MS = 30_000;

export interface AlpacaSourceOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Default: WORKSTEAL_ALPACA_DATA_URL, else https://data.alpaca.markets. */
  baseUrl?: string;
  /** 'iex' (free plans) or 'sip'; default: Alpaca's choice for the account. */
  feed?: string;
  /** 'raw', 'split' (default: no false crashes at splits, prices close to what traded), 'dividend', 'all'. */
  adjustment?: string;
  /** Bars per page (Alpaca allows up to 10,000). */
  pageLimit?: number;
  retry?: RetryOptions;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly waitMs: number | undefined,
  ) {
    super(`HTTP ${status}${detail ? `: ${detail}` : ''}`);
  }
}

/** '1h' → '1Hour', '15m' → '15Min', '1d' → '1Day'; null when Alpaca has no such bar size. */
export function alpacaTimeframe(tf: string): string | null {
  const m = /^([1-9]\d*)([mhdw])$/.exec(tf);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] as string;
  if ((unit === 'm' && n > 59) || (unit === 'h' && n > 23) || ((unit === 'd' || unit === 'w') && n !== 1))
    return null;
  return `${n}${TIMEFRAME_UNITS[unit]}`;
}

/** The same keys, from the same variables, as the live broker (src/brokers/alpaca/env.ts). */
function keysFrom(env: Readonly<Record<string, string | undefined>>): AlpacaCredentials {
  try {
    return alpacaCredentials(env);
  } catch (error) {
    if (!(error instanceof MissingCredentialsError)) throw error;
    throw new DownloadError(
      'auth',
      'Alpaca needs API keys: set ALPACA_API_KEY_ID and ALPACA_API_SECRET_KEY (or APCA_API_KEY_ID and APCA_API_SECRET_KEY) in the environment. Free keys: https://alpaca.markets (paper account).',
    );
  }
}

/** How the retrier should treat a failed request. */
function classify(err: unknown): Failure {
  if (err instanceof HttpError) {
    if (err.status === 429)
      return {
        kind: 'rate-limit',
        answered: true,
        ...(err.waitMs !== undefined ? { waitMs: err.waitMs } : {}),
      };
    if (err.status >= 500) return { kind: 'transient', answered: true };
    return { kind: 'fatal' };
  }
  if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError')
    return { kind: 'transient' };
  const cause = (err as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? '';
  if (OFFLINE.has(code)) return { kind: 'offline' };
  // A fetch failure without a system error code (an invalid URL, a port fetch refuses) will not heal.
  return code ? { kind: 'transient' } : { kind: 'fatal' };
}

/** The most telling message of a failed request. */
function reasonOf(err: unknown): string {
  if (err instanceof HttpError) return err.message;
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

export function openAlpacaSource(options: AlpacaSourceOptions = {}): BarSource {
  const env = options.env ?? process.env;
  const keys = keysFrom(env);
  const base = (options.baseUrl ?? env.WORKSTEAL_ALPACA_DATA_URL ?? ALPACA_DATA_URL).replace(/\/+$/, '');
  const pageLimit = options.pageLimit ?? 10_000;
  const adjustment = options.adjustment ?? 'split';
  const retrier = new Retrier(options.retry);

  // Where the bars were asked for, and what to do when that address has no bars route.
  const envUrl = env.WORKSTEAL_ALPACA_DATA_URL;
  const [address, fix] = options.baseUrl
    ? [`the data URL given (${base})`, `point it at Alpaca's market data API (${ALPACA_DATA_URL})`]
    : envUrl
      ? [
          `WORKSTEAL_ALPACA_DATA_URL (${envUrl})`,
          `point it at Alpaca's market data API, or unset it to use ${ALPACA_DATA_URL}`,
        ]
      : [
          `Alpaca's data API at ${base}`,
          'WORKSTEAL_ALPACA_DATA_URL is not set; check the network and proxies',
        ];

  const describe = (err: unknown, symbol: string): DownloadError => {
    const reason = reasonOf(err);
    // Alpaca answers a well-formed ticker it does not know with no bars, not 404: a 404 for one is a server
    // without Alpaca's bars route, so the address is the thing to check, not the ticker.
    if (err instanceof HttpError && err.status === 404 && US_TICKER.test(symbol)) {
      return new DownloadError(
        options.baseUrl || env.WORKSTEAL_ALPACA_DATA_URL ? 'usage' : 'exchange',
        `${address} answered 404 for ${symbol}'s bars (${reason}). ${symbol} is a valid US ticker, so the ` +
          `address is the likely cause: it must serve Alpaca's /v2/stocks/{symbol}/bars route; ${fix}.`,
      );
    }
    if (err instanceof HttpError) {
      if (err.status === 401 || err.status === 403) {
        return new DownloadError(
          'auth',
          `Alpaca rejected the API keys (${reason}). Check ALPACA_API_KEY_ID / ALPACA_API_SECRET_KEY; a free plan may also need --feed iex.`,
        );
      }
      if (err.status === 404 || err.status === 422 || (err.status === 400 && /symbol/i.test(err.detail))) {
        return new DownloadError(
          'unknown-symbol',
          `Alpaca does not know symbol ${symbol} (${reason}). Use a US ticker such as ${tickersBesides(symbol)}.`,
        );
      }
      if (err.status === 429) {
        return new DownloadError(
          'exchange',
          `Alpaca kept refusing requests as too many (${reason}); wait a minute and run the command again.`,
        );
      }
      if (err.status >= 500) {
        return new DownloadError('network', `Alpaca's data service is failing (${reason}); try again later.`);
      }
      return new DownloadError('exchange', `Alpaca refused the request for ${symbol}: ${reason}`);
    }
    return new DownloadError(
      'network',
      `cannot reach Alpaca at ${base} (${reason}). Check the network connection and try again.`,
      { cause: err },
    );
  };

  const get = async (url: string): Promise<unknown> => {
    const res = await fetch(url, {
      headers: {
        'APCA-API-KEY-ID': keys.keyId,
        'APCA-API-SECRET-KEY': keys.secret,
        accept: 'application/json',
      },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 200);
      try {
        const body = JSON.parse(text) as { message?: unknown };
        if (typeof body.message === 'string') detail = body.message;
      } catch {
        /* not JSON: keep the text */
      }
      const reset = Number(res.headers.get('x-ratelimit-reset'));
      const wait =
        retryAfterMs(res.headers.get('retry-after')) ??
        (Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined);
      throw new HttpError(res.status, detail, wait);
    }
    return JSON.parse(text) as unknown;
  };

  return {
    id: 'alpaca',
    label: 'Alpaca',
    assetClass: 'stock',
    checksSymbols: false,
    symbolHint: (symbol) => `Alpaca uses US tickers such as ${tickersBesides(symbol)}`,
    checkTimeframe(tf) {
      if (alpacaTimeframe(tf) === null || timeframeMs(tf) === null) {
        throw new DownloadError('usage', `--timeframe ${tf}: Alpaca bars come in 1m-59m, 1h-23h, 1d and 1w.`);
      }
    },
    async resolveSymbols(symbols) {
      return symbols.map((raw) => {
        const s = raw.trim().toUpperCase();
        if (s.includes('/')) {
          throw new DownloadError(
            'usage',
            `${raw}: the alpaca source downloads US stocks; for crypto use --source ccxt:<exchange> (e.g. ccxt:binance).`,
          );
        }
        if (!US_TICKER.test(s)) {
          throw new DownloadError('unknown-symbol', `${raw} is not a US stock ticker (e.g. AAPL, BRK.B).`);
        }
        return s;
      });
    },
    async *pages(symbol, tf, since, until) {
      let token: string | undefined;
      do {
        const q = new URLSearchParams({
          timeframe: alpacaTimeframe(tf) as string,
          start: new Date(since).toISOString(),
          end: new Date(until).toISOString(),
          limit: String(pageLimit),
          adjustment,
          sort: 'asc',
        });
        if (options.feed) q.set('feed', options.feed);
        if (token) q.set('page_token', token);
        const url = `${base}/v2/stocks/${encodeURIComponent(symbol)}/bars?${q}`;
        let body: { bars?: unknown; next_page_token?: unknown };
        try {
          body = (await retrier.run(() => get(url), classify)) as typeof body;
        } catch (err) {
          throw describe(err, symbol);
        }
        const raw = Array.isArray(body.bars) ? (body.bars as Record<string, unknown>[]) : [];
        const bars: Bar[] = [];
        for (const b of raw) {
          const time = Date.parse(String(b.t));
          if (Number.isNaN(time)) continue;
          bars.push({
            time,
            open: Number(b.o),
            high: Number(b.h),
            low: Number(b.l),
            close: Number(b.c),
            volume: Number(b.v ?? 0),
          });
        }
        yield bars;
        token =
          typeof body.next_page_token === 'string' && body.next_page_token ? body.next_page_token : undefined;
      } while (token);
    },
    async close() {},
  };
}
