/**
 * The statistics of a paired comparison: how often A beat B, and the median difference with a seeded
 * percentile-bootstrap interval. Windows are few (a handful to a few dozen), so the median and a bootstrap
 * say more than a mean and a normal interval would, and they make no assumption about the distribution.
 */
import { Rng } from '../optimizer/de/rng.js';
import { median as medianOrNegInf } from '../optimizer/objective/scores.js';

/** Median (mean of the two middle values for an even count); NaN when there are no values. */
export function median(values: readonly number[]): number {
  return values.length ? medianOrNegInf(values) : Number.NaN;
}

/** Quantile of sorted values by linear interpolation between order statistics (type 7, as R and NumPy). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  resamples: number;
}

export const DEFAULT_RESAMPLES = 2000;

/**
 * The sample median with a percentile bootstrap interval: `resamples` resamples with replacement, drawn from
 * a generator seeded with `seed`, so the same sample and seed always give the same interval. Values that
 * are not finite are left out (a window with nothing to measure says nothing about the difference).
 */
export function bootstrapMedian(
  values: readonly number[],
  options: { seed: number; resamples?: number; level?: number },
): Interval {
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const xs = values.filter(Number.isFinite);
  const estimate = median(xs);
  if (xs.length === 0) return { estimate, low: Number.NaN, high: Number.NaN, level, resamples };
  const rng = Rng.fromSeed(options.seed);
  const meds = new Float64Array(resamples);
  const draw = new Array<number>(xs.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < xs.length; i++) draw[i] = xs[rng.int(xs.length)]!;
    meds[r] = median(draw);
  }
  meds.sort();
  const sorted = Array.from(meds);
  return {
    estimate,
    low: quantileSorted(sorted, (1 - level) / 2),
    high: quantileSorted(sorted, 1 - (1 - level) / 2),
    level,
    resamples,
  };
}

/**
 * The median over windows of each window's mean, with a two-level percentile bootstrap: each resample draws
 * the windows with replacement and, within each drawn window, its replicates with replacement, so the
 * interval carries the noise left in each window's mean as well as the spread between windows (with few
 * replicates per window, the between-window bootstrap alone took a mean of a few noisy paths for a sure
 * number: a placebo, two policies differing by nothing, came out "significant"). Windows with a single value
 * draw nothing more: with none having more, the answer is `bootstrapMedian` of the values, draw for draw.
 */
export function bootstrapMedianOfMeans(
  groups: readonly (readonly number[])[],
  options: { seed: number; resamples?: number; level?: number },
): Interval {
  const gs = groups.map((g) => g.filter(Number.isFinite)).filter((g) => g.length > 0);
  const means = gs.map((g) => (g.length === 1 ? g[0]! : g.reduce((a, b) => a + b, 0) / g.length));
  if (gs.every((g) => g.length === 1)) return bootstrapMedian(means, options);
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const rng = Rng.fromSeed(options.seed);
  const meds = new Float64Array(resamples);
  const draw = new Array<number>(gs.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < gs.length; i++) {
      const g = gs[rng.int(gs.length)]!;
      let total = 0;
      for (let k = 0; k < g.length; k++) total += g[rng.int(g.length)]!;
      draw[i] = total / g.length;
    }
    meds[r] = median(draw);
  }
  meds.sort();
  const sorted = Array.from(meds);
  return {
    estimate: median(means),
    low: quantileSorted(sorted, (1 - level) / 2),
    high: quantileSorted(sorted, 1 - (1 - level) / 2),
    level,
    resamples,
  };
}

export interface WinTally {
  wins: number;
  ties: number;
  losses: number;
  /** Pairs where either side has nothing to measure (NaN): counted apart, in no rate. */
  undecided: number;
  /** Wins plus ties over the decided pairs (A ≥ B), NaN when none is decided. */
  winOrTieRate: number;
}

/**
 * A against B pair by pair: a win when A is higher, a tie when the two are within `tolerance` (equal up to
 * rounding; identical runs give exactly equal numbers).
 */
export function tallyWins(pairs: readonly { a: number; b: number }[], tolerance = 1e-12): WinTally {
  let wins = 0;
  let ties = 0;
  let losses = 0;
  let undecided = 0;
  for (const { a, b } of pairs) {
    if (Number.isNaN(a) || Number.isNaN(b)) undecided++;
    else if (Math.abs(a - b) <= tolerance || a === b) ties++;
    else if (a > b) wins++;
    else losses++;
  }
  const decided = wins + ties + losses;
  return { wins, ties, losses, undecided, winOrTieRate: decided ? (wins + ties) / decided : Number.NaN };
}
