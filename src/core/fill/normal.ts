/**
 * The standard normal distribution, as the fill model needs it: Φ for first-passage probabilities.
 * erfc by the Chebyshev fit of Numerical Recipes (`erfcc`, fractional error below 1.2e-7 everywhere), which
 * is monotone and cheap: one exp and a polynomial, no branches beyond the sign.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0.17087277;
  poly = -0.82215223 + t * poly;
  poly = 1.48851587 + t * poly;
  poly = -1.13520398 + t * poly;
  poly = 0.27886807 + t * poly;
  poly = -0.18628806 + t * poly;
  poly = 0.09678418 + t * poly;
  poly = 0.37409196 + t * poly;
  poly = 1.00002368 + t * poly;
  poly = -1.26551223 + t * poly;
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Φ(x), the standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Chance that a driftless Brownian path reaches a barrier `z` standard deviations away within its horizon
 * (reflection principle): `2Φ(−z)`, 1 at or inside the barrier (z ≤ 0). NaN stays NaN.
 */
export function firstPassage(z: number): number {
  if (z <= 0) return 1;
  const p = erfc(z / Math.SQRT2);
  return p > 1 ? 1 : p;
}
