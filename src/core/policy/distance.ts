import type { Side } from '../types.js';

/** Distance resolution: ranking ties (distanceTieKey) and inclusive limits (withinDistance) use it. */
export const DISTANCE_EPSILON = 1e-9;

/**
 * Side-aware gap between the reference price and the limit, as a fraction of the limit.
 * Buy: `(ask − limit) / limit`; sell: `(limit − bid) / limit`. ≤ 0 means the order is marketable.
 * No price, no distance: the result is NaN, never an invented number.
 */
export function distance(side: Side, price: number | null, limitPrice: number): number {
  if (price === null || !Number.isFinite(price) || !(limitPrice > 0)) return Number.NaN;
  return side === 'buy' ? (price - limitPrice) / limitPrice : (limitPrice - price) / limitPrice;
}

/**
 * The victim ranking's tie class of a distance: the nearest whole multiple of DISTANCE_EPSILON. Equal keys
 * tie. Rounding puts the class edges at odd half-steps, away from the round distances that prices produce, so
 * float noise around a round distance stays inside one class; and unlike "closer than 1e-9", equal keys are a
 * transitive relation, which a ranking needs.
 */
export function distanceTieKey(d: number): number {
  return Math.round(d / DISTANCE_EPSILON);
}

/** `a` is within `b`, with the tolerance of DISTANCE_EPSILON (inclusive). */
export function withinDistance(a: number, b: number): boolean {
  return a <= b + DISTANCE_EPSILON;
}
