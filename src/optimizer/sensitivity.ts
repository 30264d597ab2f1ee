/**
 * One-at-a-time sensitivity around the best point: each parameter is moved across its range while the others
 * keep their best values, and the median out-of-sample score is recorded. A parameter whose swing is small
 * barely matters on this data; one with a large swing, or a best value at the edge of a cliff, deserves
 * care (and a look at the report's parameter-vs-score charts).
 *
 * These are ordinary evaluations: hashed, stored and resumable like the study's own.
 */
import { decodeValue, type ParamSpec, type ParamValue } from './de/index.js';
import type { EvalOutcome, Evaluator } from './evaluators/types.js';
import type { Evaluation, Params } from './objective/objective.js';
import type { OptimizerStore } from './store.js';
import { evaluateMissing, evaluationHash } from './study.js';

export interface SensitivityPoint {
  value: ParamValue;
  oos: number;
  is: number;
}

export interface SensitivityRow {
  name: string;
  best: ParamValue;
  /** Points across the range in ascending order, the best value included. */
  points: SensitivityPoint[];
  /**
   * Lowest and highest median OOS score over the points, and their difference; not a number (NaN, "NaN" in
   * the JSON) when some of the row's points did not run (`complete` false): such a row measures nothing.
   */
  low: number;
  high: number;
  swing: number;
  /** Every point of the row ran; false after an interrupted sensitivity phase (`missing` points did not). */
  complete: boolean;
  missing: number;
}

/** The sensitivity phase's progress: evaluations finished (run now or read from the store) of the total. */
export interface SensitivityProgress {
  done: number;
  total: number;
  /** Run by this process so far, and read from the store. */
  evaluated: number;
  reused: number;
  /** Evaluations per second run by this process (0 until the first one finishes). */
  rate: number;
}

export interface SensitivityResult {
  rows: SensitivityRow[];
  evaluated: number;
  reused: number;
  /** Every probe ran (false when the phase was interrupted). */
  complete: boolean;
}

/** Said above the table in every output when the phase was interrupted. */
export const SENSITIVITY_INTERRUPTED =
  'interrupted: the sensitivity phase stopped before every point ran; a row marked "not measured" says nothing about its parameter. Run the same command again to complete it';

/** How an incomplete row reads in every output (printed table, report): what did not run, never a swing. */
export function unmeasuredNote(row: SensitivityRow): string {
  const total = row.points.length - 1 + row.missing;
  return `not measured: ${row.missing} of ${total} points did not run`;
}

/** The values a parameter takes at `n` evenly spaced points of its range (distinct values only). */
export function probeValues(spec: ParamSpec, n: number): ParamValue[] {
  if (spec.kind === 'bool') return [false, true];
  const values = Array.from({ length: n }, (_, i) => decodeValue(spec, n === 1 ? 0.5 : i / (n - 1)));
  return [...new Set(values)];
}

const sortValues = (a: ParamValue, b: ParamValue): number => Number(a) - Number(b);

/**
 * Every point the table needs besides the best one: each parameter at each probe value other than its best.
 * Its length is the count announced before they run (a best value off the probe grid adds one per parameter).
 */
export function sensitivityProbes(
  space: readonly ParamSpec[],
  best: Params,
  objectiveHash: string,
  n: number,
): { name: string; value: ParamValue; params: Params; hash: string }[] {
  return space.flatMap((spec) =>
    probeValues(spec, n)
      .filter((v) => v !== best[spec.name])
      .map((value) => {
        const params = { ...best, [spec.name]: value };
        return { name: spec.name, value, params, hash: evaluationHash(objectiveHash, params) };
      }),
  );
}

export async function sensitivity(input: {
  space: readonly ParamSpec[];
  best: Params;
  bestEvaluation: Evaluation;
  objectiveHash: string;
  evaluator: Evaluator;
  store: OptimizerStore;
  points?: number;
  signal?: AbortSignal;
  onEvaluated?: (o: EvalOutcome) => void;
  onProgress?: (p: SensitivityProgress) => void;
}): Promise<SensitivityResult> {
  const n = input.points ?? 5;
  const probes = sensitivityProbes(input.space, input.best, input.objectiveHash, n);
  const total = new Set(probes.map((p) => p.hash)).size;
  const reused = input.store.evaluations(probes.map((p) => p.hash)).size;
  let evaluated = 0;
  const started = performance.now();
  const progress = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    input.onProgress?.({
      done: reused + evaluated,
      total,
      evaluated,
      reused,
      rate: evaluated > 0 && elapsed > 0 ? evaluated / elapsed : 0,
    });
  };
  progress();
  const r = await evaluateMissing(probes, input.objectiveHash, input.evaluator, input.store, {
    ...(input.signal ? { signal: input.signal } : {}),
    onStored: (o) => {
      evaluated++;
      input.onEvaluated?.(o);
      progress();
    },
  });
  const rows = input.space.map((spec): SensitivityRow => {
    const best = input.best[spec.name]!;
    const own = probes.filter((p) => p.name === spec.name);
    const missing = own.filter((p) => !r.stored.has(p.hash)).length;
    const points: SensitivityPoint[] = [
      { value: best, oos: input.bestEvaluation.oos, is: input.bestEvaluation.is },
      ...probes.flatMap((p) => {
        const e = p.name === spec.name ? r.stored.get(p.hash)?.evaluation : undefined;
        return e ? [{ value: p.value, oos: e.oos, is: e.is }] : [];
      }),
    ].sort((a, b) => sortValues(a.value, b.value));
    // A row with points that never ran would read as a finding (a swing of 0.000 from the best point alone).
    const scores = missing === 0 ? points.map((p) => p.oos) : [Number.NaN];
    const low = Math.min(...scores);
    const high = Math.max(...scores);
    return { name: spec.name, best, points, low, high, swing: high - low, complete: missing === 0, missing };
  });
  // Measured rows first, largest swing first; rows left incomplete after them, by name.
  rows.sort(
    (a, b) =>
      Number(b.complete) - Number(a.complete) ||
      (a.complete ? b.swing - a.swing : 0) ||
      a.name.localeCompare(b.name),
  );
  return { rows, evaluated: r.evaluated, reused: r.reused, complete: r.complete };
}
