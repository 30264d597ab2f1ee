/**
 * Random symbol subsets: the same windows on different baskets, so a result that only one basket shows is
 * not taken for a property of the policy. Seeded, and each subset is listed in the data's symbol order.
 */
import { ValidationError } from '../core/errors.js';
import { Rng } from '../optimizer/de/rng.js';

/** How many distinct subsets of `k` among `n` there are (exact while below 2^53, which is all that matters). */
export function combinations(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** What a caller calls the subset count and size in its errors (the CLI's flags by default). */
export interface SubsetNames {
  count: string;
  size: string;
}

/**
 * `count` distinct subsets of `size` symbols each, drawn without replacement within a subset; a draw equal to
 * an earlier one is drawn again, so no basket counts twice in the pairs, the win rate or the bootstrap.
 * Asking for more than exist is refused, naming how many do. The same symbols, count, size and seed give the
 * same subsets (and, when no draw repeats, the ones drawn before subsets were made distinct).
 */
export function randomSubsets(
  symbols: readonly string[],
  count: number,
  size: number,
  seed: number,
  names: SubsetNames = { count: '--subsets', size: '--subset-size' },
): string[][] {
  if (!Number.isSafeInteger(size) || size < 1 || size > symbols.length) {
    throw new ValidationError('Invalid symbol subsets', [
      {
        where: names.size,
        message: `must be a whole number from 1 to the ${symbols.length} symbols of the data (${symbols.join(', ')})`,
        value: size,
      },
    ]);
  }
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ValidationError('Invalid symbol subsets', [
      { where: names.count, message: 'must be a whole number >= 1', value: count },
    ]);
  }
  const available = combinations(symbols.length, size);
  if (count > available) {
    throw new ValidationError('Invalid symbol subsets', [
      {
        where: names.count,
        message: `only ${available} distinct subset${available === 1 ? '' : 's'} of ${size} among the ${symbols.length} symbols (${symbols.join(', ')}) exist; give ${names.count} ${available} or fewer, or another ${names.size}`,
        value: count,
      },
    ]);
  }
  const rng = Rng.fromSeed(seed);
  const seen = new Set<string>();
  const out: string[][] = [];
  while (out.length < count) {
    const chosen = new Set(rng.shuffle([...symbols]).slice(0, size));
    const subset = symbols.filter((s) => chosen.has(s));
    const key = subset.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(subset);
  }
  return out;
}
