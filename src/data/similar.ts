import { editDistance } from '../core/similar.js';

/** "Did you mean": the known symbols closest to an unknown one, for error messages (edit distance: src/core/similar.ts). */

function letters(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * Up to `count` known symbols, closest first: same base currency ranks first (BTC/USD → BTC/USDT), then by
 * edit distance over letters and digits only (so 'BTCUSDT' and 'BTC/USDT' are the same), then alphabetically.
 */
export function similarSymbols(unknown: string, known: readonly string[], count = 5): string[] {
  const target = letters(unknown);
  const base = unknown.toUpperCase().split(/[/:-]/)[0] ?? '';
  const scored = known.map((k) => {
    const kb = k.toUpperCase().split(/[/:-]/)[0] ?? '';
    const sameBase = base.length > 0 && kb === base && unknown.includes('/') ? 0 : 1;
    return { k, sameBase, d: editDistance(target, letters(k)) };
  });
  scored.sort((x, y) => x.sameBase - y.sameBase || x.d - y.d || (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
  const limit = Math.max(2, Math.ceil(target.length / 2));
  return scored
    .filter((s) => s.sameBase === 0 || s.d <= limit)
    .slice(0, count)
    .map((s) => s.k);
}
