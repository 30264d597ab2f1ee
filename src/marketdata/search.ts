/**
 * Binary search over ascending times (a series' open or close times, a schedule): the one implementation the
 * simulator, the optimizer's windows and the live runtime share.
 */

/** The first index i with sorted[i] ≥ x (sorted.length when none). */
export function firstAtOrAfter(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index i with sorted[i] > x (sorted.length when none). */
export function firstAfter(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
