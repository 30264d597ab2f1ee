/**
 * Symbol and asset-class inference (README, `worksteal simulate`): used only when the config's `symbols` map
 * does not say, and the result is printed by the caller so the user sees what was assumed.
 */
import { basename, extname } from 'node:path';
import { printable } from '../core/errors.js';
import type { AssetClass } from '../core/types.js';

/** Quote currencies, longest first so 'USDT' is tried before 'USD'. */
const QUOTES = ['USDT', 'USDC', 'BUSD', 'USD', 'EUR', 'BTC', 'ETH'];

/** File-name tokens that describe the data (interval, vendor, kind) rather than name the instrument. */
const NOISE =
  /^(\d+[smhdwy]?|\d*(min|mins|minute|minutes|hour|hours|hourly|day|days|daily|week|weekly|month|monthly)|ohlcv?|bars?|candles?|klines?|data|history|historical|spot|wiki|binance|kraken|polygon|alpaca|databento|yfinance|ibkr|quandl)$/i;

/**
 * `symbol` column value when present, else the file name: 'SOLUSDT_1h.csv' → 'SOLUSDT', 'XBTUSD_60.csv' →
 * 'XBTUSD', 'SPY_hourly.csv' → 'SPY', 'WIKI-AAPL.csv' → 'AAPL', 'AAPL_1Day.csv' → 'AAPL', 'BTC-USD_1h.csv' →
 * 'BTC/USD'.
 */
export function inferSymbol(path: string, headerSymbol?: string): string {
  // The symbol is printed everywhere; a file name's control characters must not reach the terminal.
  return printable(inferRawSymbol(path, headerSymbol));
}

/**
 * The symbol the file name gives, or null when it gives none (only noise such as 'data.csv', or nothing).
 * A symbol column still wins over it (inferSymbol).
 */
export function symbolOfName(path: string): string | null {
  const stem = basename(path, extname(path));
  const useful = stem.split(/[_\-\s]+/).filter((t) => t.length > 0 && !NOISE.test(t));
  return useful.length ? inferSymbol(path) : null;
}

function inferRawSymbol(path: string, headerSymbol?: string): string {
  const fromHeader = headerSymbol?.trim();
  if (fromHeader) return fromHeader.toUpperCase();
  const stem = basename(path, extname(path));
  const tokens = stem.split(/[_\-\s]+/).filter((t) => t.length > 0);
  const useful = tokens.filter((t) => !NOISE.test(t));
  const first = useful[0] ?? tokens[0];
  if (first === undefined) return stem.toUpperCase();
  const second = useful[1];
  // 'BTC-USD' / 'ETH_EUR': a base followed by a quote currency is one pair.
  if (second !== undefined && /^[a-z]{2,6}$/i.test(first) && QUOTES.includes(second.toUpperCase())) {
    return `${first}/${second}`.toUpperCase();
  }
  return first.toUpperCase();
}

/**
 * Crypto: 'BASE/QUOTE', an XBT prefix, or a quote-currency suffix with a base of ≥ 2 characters (so GBTC, a
 * stock, stays a stock). Stock: a plain ticker of 1-5 letters with an optional class suffix ('BRK.B').
 * Anything else is also treated as a stock — the caller prints the assumption.
 */
export function inferAssetClass(symbol: string): AssetClass {
  const s = symbol.trim().toUpperCase();
  if (/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s)) return 'crypto';
  if (s.startsWith('XBT')) return 'crypto';
  for (const q of QUOTES)
    if (s.endsWith(q) && s.length - q.length >= 2 && /^[A-Z0-9]+$/.test(s)) return 'crypto';
  return 'stock';
}

/**
 * The one rule for matching a symbol written by a person (a signals file, a watch list) to a data or venue
 * symbol: case and separators do not count, so 'SOL/USDT', 'sol-usdt' and 'SOLUSDT' are one key. Two
 * different symbols that share a key are ambiguous, and callers say so instead of picking one.
 */
export function symbolKey(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}
