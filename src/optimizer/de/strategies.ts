/**
 * Trial-vector generation for the two DE strategies, on the unit cube.
 *
 * Both are written generation-synchronously: every trial of a generation is built from the same, current
 * population (and archive) before any trial is evaluated, so a whole generation can be evaluated in
 * parallel. Selection and adaptation happen afterwards (see de.ts).
 */
import type { Rng } from './rng.js';

export interface TrialBatch {
  /** One trial (unit) vector per population member, same order as the population. */
  trials: number[][];
  /** Mutation factor used for each trial (JADE records the successful ones). */
  F: number[];
  /** Crossover rate used for each trial. */
  CR: number[];
}

/** JADE control-parameter state: the means that per-individual F and CR are sampled around. */
export interface JadeParams {
  muF: number;
  muCR: number;
  /** Fraction of the population the p-best donor is drawn from (at least 2 individuals). */
  p: number;
}

/** A uniformly random index in [0, n) not in `exclude` (rejection; `exclude` is tiny). */
export function pickIndex(rng: Rng, n: number, exclude: readonly number[]): number {
  for (;;) {
    const r = rng.int(n);
    if (!exclude.includes(r)) return r;
  }
}

/**
 * Bound handling: a mutant coordinate outside [0,1] is put halfway between the parent's coordinate and the
 * violated bound (JADE, Zhang & Sanderson 2009). Unlike clipping it does not pile points onto the faces of
 * the box, and unlike random reinitialisation it keeps the information that the step pointed outward, so an
 * optimum on (or near) a bound is approached geometrically.
 */
export function repairToBounds(mutant: number[], parent: readonly number[]): number[] {
  for (let j = 0; j < mutant.length; j++) {
    const v = mutant[j] as number;
    const x = parent[j] as number;
    if (v < 0) mutant[j] = x / 2;
    else if (v > 1) mutant[j] = (1 + x) / 2;
    else if (Number.isNaN(v)) mutant[j] = x;
  }
  return mutant;
}

/**
 * Binomial ("bin") crossover: each coordinate comes from the mutant with probability CR, and one randomly
 * chosen coordinate always does, so the trial never equals its parent.
 */
export function binomialCrossover(
  parent: readonly number[],
  mutant: readonly number[],
  CR: number,
  rng: Rng,
): number[] {
  const d = parent.length;
  const jRand = rng.int(d);
  const trial = new Array<number>(d);
  for (let j = 0; j < d; j++) {
    trial[j] = j === jRand || rng.uniform() < CR ? (mutant[j] as number) : (parent[j] as number);
  }
  return trial;
}

/** Mutation factor for a rand1bin generation: fixed, or dithered uniformly in [lo, hi) once per generation. */
export function ditheredF(F: number | readonly [number, number], rng: Rng): number {
  if (typeof F === 'number') return F;
  return F[0] + rng.uniform() * (F[1] - F[0]);
}

/**
 * DE/rand/1/bin (Storn & Price 1997): v = x_r1 + F (x_r2 - x_r3) with r1, r2, r3, i distinct.
 * F is dithered per generation, as scipy does.
 */
export function rand1binTrials(
  population: readonly number[][],
  F: number | readonly [number, number],
  CR: number,
  rng: Rng,
): TrialBatch {
  const n = population.length;
  const f = ditheredF(F, rng);
  const batch: TrialBatch = { trials: [], F: [], CR: [] };
  for (let i = 0; i < n; i++) {
    const r1 = pickIndex(rng, n, [i]);
    const r2 = pickIndex(rng, n, [i, r1]);
    const r3 = pickIndex(rng, n, [i, r1, r2]);
    const a = population[r1] as number[];
    const b = population[r2] as number[];
    const c = population[r3] as number[];
    const parent = population[i] as number[];
    const mutant = a.map((aj, j) => aj + f * ((b[j] as number) - (c[j] as number)));
    batch.trials.push(binomialCrossover(parent, repairToBounds(mutant, parent), CR, rng));
    batch.F.push(f);
    batch.CR.push(CR);
  }
  return batch;
}

/** JADE's F_i ~ Cauchy(μF, 0.1), regenerated while <= 0 and truncated to 1. */
export function sampleJadeF(muF: number, rng: Rng): number {
  for (;;) {
    const f = rng.cauchy(muF, 0.1);
    if (f > 0) return Math.min(f, 1);
  }
}

/** JADE's CR_i ~ Normal(μCR, 0.1), clipped to [0, 1]. */
export function sampleJadeCR(muCR: number, rng: Rng): number {
  const cr = rng.normal(muCR, 0.1);
  return cr < 0 ? 0 : cr > 1 ? 1 : cr;
}

/** Population indices sorted best-first (stable, so ties keep index order and runs stay deterministic). */
export function rankByScore(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
}

/**
 * JADE's DE/current-to-pbest/1/bin with archive (Zhang & Sanderson 2009, IEEE TEC 13(5)):
 *   v = x_i + F_i (x_pbest - x_i) + F_i (x_r1 - x~_r2)
 * x_pbest is a random member of the best max(2, round(p n)) individuals; r1 != i is from the population and
 * r2 != i, r1 from the population united with the archive of recently replaced parents. Greediness comes
 * from the p-best pull; diversity from the archive, which enlarges the pool of difference vectors.
 */
export function jadeTrials(
  population: readonly number[][],
  scores: readonly number[],
  archive: readonly number[][],
  jade: JadeParams,
  rng: Rng,
): TrialBatch {
  const n = population.length;
  const ranked = rankByScore(scores);
  const topCount = Math.min(n, Math.max(2, Math.round(jade.p * n)));
  const batch: TrialBatch = { trials: [], F: [], CR: [] };
  for (let i = 0; i < n; i++) {
    const f = sampleJadeF(jade.muF, rng);
    const cr = sampleJadeCR(jade.muCR, rng);
    const pbest = population[ranked[rng.int(topCount)] as number] as number[];
    const r1 = pickIndex(rng, n, [i]);
    const r2 = pickIndex(rng, n + archive.length, [i, r1]);
    const x = population[i] as number[];
    const a = population[r1] as number[];
    const b = (r2 < n ? population[r2] : archive[r2 - n]) as number[];
    const mutant = x.map(
      (xj, j) => xj + f * ((pbest[j] as number) - xj) + f * ((a[j] as number) - (b[j] as number)),
    );
    batch.trials.push(binomialCrossover(x, repairToBounds(mutant, x), cr, rng));
    batch.F.push(f);
    batch.CR.push(cr);
  }
  return batch;
}

/** Lehmer mean Σf²/Σf: JADE uses it for μF because it leans toward larger successful F, countering the
 * arithmetic mean's drift toward small steps (premature convergence). */
export function lehmerMean(values: readonly number[]): number {
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
  }
  return sum > 0 ? sumSq / sum : 0;
}

export function arithmeticMean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * JADE adaptation after a generation: μ ← (1 − c) μ + c · mean(successful values). With no successes the
 * means are left alone (JADE's rule; SHADE does the same).
 */
export function adaptJade(
  jade: JadeParams,
  successF: readonly number[],
  successCR: readonly number[],
  c: number,
): JadeParams {
  if (successF.length === 0) return jade;
  return {
    ...jade,
    muF: (1 - c) * jade.muF + c * lehmerMean(successF),
    muCR: (1 - c) * jade.muCR + c * arithmeticMean(successCR),
  };
}
