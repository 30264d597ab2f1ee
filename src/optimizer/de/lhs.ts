/**
 * Latin hypercube sampling on the unit cube.
 *
 * Why: DE's first generation decides which basins the search can reach. A Latin hypercube puts exactly one
 * point in each of the n equal strata of every coordinate, so the initial population covers each axis evenly
 * (an i.i.d. uniform sample of 150 points leaves visible gaps and clumps). It is also what scipy uses by
 * default. For int parameters the strata also spread the population evenly over the integer values.
 */
import type { Rng } from './rng.js';

/** n points in [0,1)^d; point i, coordinate j lies in stratum perm_j(i) of width 1/n, jittered uniformly. */
export function latinHypercube(n: number, d: number, rng: Rng): number[][] {
  const points: number[][] = Array.from({ length: n }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    const strata = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < n; i++) {
      (points[i] as number[])[j] = ((strata[i] as number) + rng.uniform()) / n;
    }
  }
  return points;
}
