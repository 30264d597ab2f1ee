/**
 * The statistics of a paired comparison: how often A beat B, and the median difference with a 95% interval:
 * a seeded percentile bootstrap, widened to the order statistics where the bootstrap of a few windows falls
 * short (medianInterval). Windows are few (a handful to a few dozen), so the median and these intervals say
 * more than a mean and a normal interval would, and they make no assumption about the distribution.
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
  /** Confidence level, e.g. 0.95; lower where too few windows reach the level asked (medianInterval). */
  level: number;
  resamples: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** The confidence level every interval asks for. */
export const DEFAULT_LEVEL = 0.95;

/**
 * The sample median with a percentile bootstrap interval: `resamples` resamples with replacement, drawn from
 * a generator seeded with `seed`, so the same sample and seed always give the same interval. Values that
 * are not finite are left out (a window with nothing to measure says nothing about the difference).
 */
export function bootstrapMedian(
  values: readonly number[],
  options: { seed: number; resamples?: number; level?: number },
): Interval {
  const level = options.level ?? DEFAULT_LEVEL;
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
  const level = options.level ?? DEFAULT_LEVEL;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const rng = Rng.fromSeed(options.seed);
  const meds = new Float64Array(resamples);
  const draw = new Array<number>(gs.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < gs.length; i++) draw[i] = drawnMean(gs[rng.int(gs.length)]!, rng);
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

/** The mean of `g.length` values drawn from `g` with replacement. */
function drawnMean(g: readonly number[], rng: Rng): number {
  let total = 0;
  for (let k = 0; k < g.length; k++) total += g[rng.int(g.length)]!;
  return total / g.length;
}

/** P(Bin(n, ½) ≤ k), summed in log space so that no n under- or overflows. */
export function binomialHalfCdf(n: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let log = -n * Math.LN2;
  let total = 0;
  for (let i = 0; i <= k; i++) {
    total += Math.exp(log);
    log += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, total);
}

/**
 * The distribution-free interval of a median from `sorted` values: the order statistics x(k) and x(n + 1 − k),
 * k the largest whose coverage 1 − 2·P(Bin(n, ½) ≤ k − 1) reaches `level` (any continuous distribution,
 * independent values). Fewer values than that needs (under 6 at 95%) reach it with no k: then [min, max], and
 * `coverage` says what it reaches (50% from 2 values, 87.5% from 4, 0 from one: a point).
 */
export function orderStatisticInterval(
  sorted: readonly number[],
  level: number,
): { low: number; high: number; coverage: number } {
  const n = sorted.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN, coverage: 0 };
  const coverage = (k: number): number => Math.max(0, 1 - 2 * binomialHalfCdf(n, k - 1));
  let k = 1;
  while (k + 1 <= (n + 1) / 2 && coverage(k + 1) >= level) k++;
  return { low: sorted[k - 1]!, high: sorted[n - k]!, coverage: coverage(k) };
}

/**
 * The interval `compare` reports for a median over windows: the bootstrap's (bootstrapMedianOfMeans, which
 * carries the noise within a window's replicates), widened where needed to the order-statistic interval of
 * the windows' means at the same level. The percentile bootstrap of a median from a handful of windows covers
 * far less than it says: from 7 windows its "95%" interval is [x(2), x(6)], which holds the true median 87.5%
 * of the time; from 4 windows [min, max], 87.5%; from 2, 50%. The order statistics guarantee the level where
 * the windows allow it, and where too few windows allow none, `level` is what [min, max] reaches instead.
 */
export function medianInterval(
  groups: readonly (readonly number[])[],
  options: { seed: number; resamples?: number; level?: number },
): Interval {
  const boot = bootstrapMedianOfMeans(groups, options);
  const means = groups
    .map((g) => g.filter(Number.isFinite))
    .filter((g) => g.length > 0)
    .map((g) => g.reduce((a, b) => a + b, 0) / g.length)
    .sort((a, b) => a - b);
  if (means.length === 0) return boot;
  const exact = orderStatisticInterval(means, boot.level);
  return {
    ...boot,
    low: Math.min(boot.low, exact.low),
    high: Math.max(boot.high, exact.high),
    level: Math.min(boot.level, exact.coverage),
  };
}

/**
 * medianInterval where each window holds several symbol subsets (`windows[w][s]`: the values of subset s in
 * window w, its replicates or its one value). The subsets of one window share its market, so they are not
 * independent pairs: the window is the unit. Its value is the mean over its subsets of each subset's mean,
 * the estimate is the median of those window values, and each bootstrap resample draws windows with
 * replacement, then within each drawn window its subsets with replacement, then within each drawn subset
 * its replicates (a cluster bootstrap). The order statistics that widen it are the windows' values: the
 * level is what that many windows reach. Windows of a single subset are medianInterval's case, and get
 * its very numbers.
 */
export function clusteredMedianInterval(
  windows: readonly (readonly (readonly number[])[])[],
  options: { seed: number; resamples?: number; level?: number },
): Interval {
  const clusters = windows
    .map((w) => w.map((g) => g.filter(Number.isFinite)).filter((g) => g.length > 0))
    .filter((w) => w.length > 0);
  if (clusters.every((w) => w.length === 1))
    return medianInterval(
      clusters.map((w) => w[0]!),
      options,
    );
  const level = options.level ?? DEFAULT_LEVEL;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const values = clusters.map((w) => mean(w.map(mean)));
  const rng = Rng.fromSeed(options.seed);
  const meds = new Float64Array(resamples);
  const draw = new Array<number>(clusters.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < clusters.length; i++) {
      const w = clusters[rng.int(clusters.length)]!;
      let total = 0;
      for (let k = 0; k < w.length; k++) total += drawnMean(w[rng.int(w.length)]!, rng);
      draw[i] = total / w.length;
    }
    meds[r] = median(draw);
  }
  meds.sort();
  const sorted = Array.from(meds);
  const exact = orderStatisticInterval(
    [...values].sort((a, b) => a - b),
    level,
  );
  return {
    estimate: median(values),
    low: Math.min(quantileSorted(sorted, (1 - level) / 2), exact.low),
    high: Math.max(quantileSorted(sorted, 1 - (1 - level) / 2), exact.high),
    level: Math.min(level, exact.coverage),
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
