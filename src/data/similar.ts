/** "Did you mean": the known symbols closest to an unknown one, for error messages. */

function letters(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Levenshtein distance (two rows; the strings are symbols, a few characters long). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
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
