/**
 * DE options: public shape, defaults and validation.
 *
 * Defaults follow scipy.optimize.differential_evolution (population 15 per dimension, F dithered in
 * [0.5, 1) per generation, CR 0.7, tol 0.01, maxiter 1000) for rand1bin. For JADE, F and CR are only the
 * starting values of the adapted means μF and μCR, which JADE starts at 0.5.
 */
import { ValidationError, type Issue } from '../../core/errors.js';

export type Strategy = 'rand1bin' | 'jade';

export interface DEOptions {
  strategy: Strategy;
  /** Population size; default 15 × dimensions (minimum 4). */
  popSize?: number;
  /**
   * rand1bin: mutation factor, or a [lo, hi] range dithered once per generation (default [0.5, 1]).
   * jade: initial μF (default 0.5); a range is rejected because JADE adapts F itself.
   */
  F?: number | [number, number];
  /** rand1bin: crossover rate (default 0.7). jade: initial μCR (default 0.5). */
  CR?: number;
  /** Seed for the built-in PRNG (safe integer). Same seed, same trajectory. */
  seed: number;
  /** Stop after this many told generations, the initial population counting as one (default 1000). */
  maxGenerations?: number;
  /**
   * Evaluation budget. A generation is all-or-nothing, so the run stops before a generation that would
   * exceed it; `evaluations` never exceeds this. Must be at least popSize. Default: unlimited.
   */
  maxEvaluations?: number;
  /**
   * scipy-style convergence: stop when std(population scores) <= atol + tol × |mean(population scores)|
   * (only while all scores are finite). Defaults tol 0.01, atol 0; set both to 0 to disable the test.
   */
  tol?: number;
  atol?: number;
  /** Stop as soon as the best score is <= targetScore. */
  targetScore?: number;
  /** jade: p of current-to-pbest (default 0.1; the p-best pool has at least 2 members). */
  p?: number;
  /** jade: adaptation rate c of μF and μCR (default 0.1). */
  c?: number;
}

export interface ResolvedDEOptions {
  strategy: Strategy;
  popSize: number;
  F: number | [number, number];
  CR: number;
  seed: number;
  maxGenerations: number;
  maxEvaluations: number;
  tol: number;
  atol: number;
  targetScore: number;
  p: number;
  c: number;
}

type Check = (value: number) => boolean;

const isProbability: Check = (v) => Number.isFinite(v) && v >= 0 && v <= 1;
const isIntOrInfinity: Check = (v) => Number.isSafeInteger(v) || v === Infinity;

function check(issues: Issue[], name: string, value: unknown, ok: Check, message: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !ok(value)) issues.push({ where: `options.${name}`, message, value });
}

function checkF(issues: Issue[], strategy: Strategy, F: unknown): void {
  if (F === undefined) return;
  const inRange = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 2;
  if (Array.isArray(F)) {
    if (strategy === 'jade') {
      issues.push({
        where: 'options.F',
        message: 'jade adapts F; give a single number (initial μF)',
        value: F,
      });
    } else if (F.length !== 2 || !inRange(F[0]) || !inRange(F[1]) || F[0] > F[1]) {
      issues.push({ where: 'options.F', message: 'range must be [lo, hi] with 0 < lo <= hi <= 2', value: F });
    }
  } else if (!inRange(F)) {
    issues.push({ where: 'options.F', message: 'must be a number in (0, 2]', value: F });
  }
}

function optionIssues(o: DEOptions, dim: number): Issue[] {
  const issues: Issue[] = [];
  if (o.strategy !== 'rand1bin' && o.strategy !== 'jade') {
    issues.push({ where: 'options.strategy', message: "must be 'rand1bin' or 'jade'", value: o.strategy });
  }
  if (typeof o.seed !== 'number' || !Number.isSafeInteger(o.seed)) {
    issues.push({ where: 'options.seed', message: 'must be a safe integer', value: o.seed });
  }
  check(issues, 'popSize', o.popSize, (v) => Number.isSafeInteger(v) && v >= 4, 'must be an integer >= 4');
  checkF(issues, o.strategy, o.F);
  check(issues, 'CR', o.CR, isProbability, 'must be a number in [0, 1]');
  check(
    issues,
    'maxGenerations',
    o.maxGenerations,
    (v) => isIntOrInfinity(v) && v >= 1,
    'must be an integer >= 1',
  );
  const popSize = o.popSize ?? 15 * dim;
  check(
    issues,
    'maxEvaluations',
    o.maxEvaluations,
    (v) => isIntOrInfinity(v) && v >= popSize,
    `must be an integer >= popSize (${popSize}), so the initial population fits`,
  );
  check(issues, 'tol', o.tol, (v) => Number.isFinite(v) && v >= 0, 'must be a finite number >= 0');
  check(issues, 'atol', o.atol, (v) => Number.isFinite(v) && v >= 0, 'must be a finite number >= 0');
  check(issues, 'targetScore', o.targetScore, (v) => !Number.isNaN(v), 'must be a number');
  check(issues, 'p', o.p, (v) => Number.isFinite(v) && v > 0 && v <= 1, 'must be a number in (0, 1]');
  check(issues, 'c', o.c, (v) => Number.isFinite(v) && v > 0 && v <= 1, 'must be a number in (0, 1]');
  return issues;
}

/** Validates (throwing a ValidationError that names each bad option and its value) and fills defaults. */
export function resolveOptions(options: DEOptions, dim: number): ResolvedDEOptions {
  const issues = optionIssues(options, dim);
  if (issues.length > 0) throw new ValidationError('Invalid DE options', issues);
  const jade = options.strategy === 'jade';
  return {
    strategy: options.strategy,
    popSize: options.popSize ?? 15 * dim,
    F: options.F ?? (jade ? 0.5 : [0.5, 1]),
    CR: options.CR ?? (jade ? 0.5 : 0.7),
    seed: options.seed,
    maxGenerations: options.maxGenerations ?? 1000,
    maxEvaluations: options.maxEvaluations ?? Infinity,
    tol: options.tol ?? 0.01,
    atol: options.atol ?? 0,
    targetScore: options.targetScore ?? -Infinity,
    p: options.p ?? 0.1,
    c: options.c ?? 0.1,
  };
}
