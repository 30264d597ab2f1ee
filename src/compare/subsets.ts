/**
 * Random symbol subsets: the same windows on different baskets, so a result that only one basket shows is
 * not taken for a property of the policy. Seeded, and each subset is listed in the data's symbol order.
 */
import { ValidationError } from '../core/errors.js';
import { Rng } from '../optimizer/de/rng.js';

/**
 * `count` subsets of `size` symbols each, drawn without replacement within a subset (subsets may repeat
 * when there are few combinations). The same symbols, count, size and seed give the same subsets.
 */
export function randomSubsets(
  symbols: readonly string[],
  count: number,
  size: number,
  seed: number,
): string[][] {
  if (!Number.isSafeInteger(size) || size < 1 || size > symbols.length) {
    throw new ValidationError('Invalid symbol subsets', [
      {
        where: '--subset-size',
        message: `must be a whole number from 1 to the ${symbols.length} symbols of the data (${symbols.join(', ')})`,
        value: size,
      },
    ]);
  }
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ValidationError('Invalid symbol subsets', [
      { where: '--subsets', message: 'must be a whole number >= 1', value: count },
    ]);
  }
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: count }, () => {
    const chosen = new Set(rng.shuffle([...symbols]).slice(0, size));
    return symbols.filter((s) => chosen.has(s));
  });
}
