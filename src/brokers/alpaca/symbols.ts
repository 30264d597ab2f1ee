/**
 * Alpaca names a crypto pair `BTC/USD` in orders and market data but `BTCUSD` in positions (and accepts
 * both on input). Inside worksteal a crypto pair is always `BASE/QUOTE`, so the two spellings are one
 * symbol and a position finds its orders.
 */
const QUOTES = ['USDT', 'USDC', 'USD', 'BTC', 'ETH'];

export function canonicalSymbol(symbol: string, assetClass?: 'crypto' | 'stock'): string {
  const s = symbol.trim().toUpperCase();
  if (s.includes('/') || assetClass === 'stock') return s;
  if (assetClass === 'crypto' || looksLikePair(s)) {
    for (const q of QUOTES)
      if (s.endsWith(q) && s.length - q.length >= 2) return `${s.slice(0, -q.length)}/${q}`;
  }
  return s;
}

/** A plain ticker is 1-5 letters (with an optional class suffix); a longer run ending in a quote is a pair. */
function looksLikePair(s: string): boolean {
  return /^[A-Z0-9]{5,}$/.test(s) && QUOTES.some((q) => s.endsWith(q) && s.length - q.length >= 2);
}

export const sameSymbol = (a: string, b: string): boolean => canonicalSymbol(a) === canonicalSymbol(b);
