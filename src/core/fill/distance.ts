/** The order's side-aware log distance to its limit and the raw first-passage fill probability over it. */
import type { Side } from '../types.js';
import { firstPassage } from './normal.js';

/** Side-aware log distance: buy `ln(ref/limit)`, sell `ln(limit/ref)`; ≤ 0 is marketable; NaN for a bad price. */
export function logDistance(side: Side, limit: number, refPrice: number): number {
  if (!(limit > 0) || !(refPrice > 0) || !Number.isFinite(limit) || !Number.isFinite(refPrice))
    return Number.NaN;
  return side === 'buy' ? Math.log(refPrice / limit) : Math.log(limit / refPrice);
}

/** The uncalibrated model, `2Φ(−d/√V)`, for tests and reports. */
export function rawFillProbability(d: number, v: number): number {
  if (d <= 0) return 1;
  if (!(v >= 0) || d !== d) return Number.NaN;
  return v === 0 ? 0 : firstPassage(d / Math.sqrt(v));
}
