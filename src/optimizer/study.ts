/**
 * A study: differential evolution over one objective, with any evaluator, resumable from the store.
 *
 * Per generation: ask DE for the candidates, hash each, take the ones already stored from the store (a
 * resumed run, or a duplicate of an earlier candidate), evaluate only the rest, tell DE, and save its state.
 * DE is generation-synchronous and the objective deterministic, so an interrupted-and-resumed study follows
 * exactly the trajectory of an uninterrupted one, and never evaluates a hash twice.
 */
import {
  DifferentialEvolution,
  type DEOptions,
  type ParamSpec,
  type StopReason,
  type Strategy,
} from './de/index.js';
import { ValidationError } from '../core/errors.js';
import { CandidateTally, type CandidateCounts } from './counts.js';
import type { EvalOutcome, EvalTask, Evaluator } from './evaluators/types.js';
import { hashOf } from './hash.js';
import type { Evaluation, ObjectiveSpec, Params } from './objective/objective.js';
import type { OptimizerStore, StoredEvaluation } from './store.js';

export interface StudySettings {
  strategy: Strategy;
  popSize: number;
  seed: number;
}

export interface StudyProgress {
  /** Generations told so far (the initial population is the first). */
  generation: number;
  generations: number;
  /** Candidate evaluations told to DE so far, and the budget. */
  told: number;
  budget: number;
  /** Evaluations of the current generation finished (run or found in the store). */
  inGeneration: number;
  popSize: number;
  /** Best median out-of-sample score of the evaluations finished so far (not finite before the first). */
  bestOos: number;
  /** Evaluations run by this process (counted as each finishes), and taken from the store instead. */
  evaluated: number;
  reused: number;
  /** Evaluations per second run by this process (0 until the first one finishes). */
  rate: number;
}

export interface GenerationSummary {
  generation: number;
  /** Best and mean median-OOS score of the population after this generation. */
  bestOos: number;
  meanOos: number;
  evaluations: number;
}

export interface StudyResult {
  studyId: string;
  objectiveHash: string;
  status: 'done' | 'interrupted';
  reason?: StopReason;
  /** The study was found in the store and continued. */
  resumed: boolean;
  generations: number;
  evaluations: number;
  /** Evaluations this run ran and stored (those of an unfinished generation included). */
  evaluated: number;
  /** Where the candidates came from; the parts add up to `evaluations` (src/optimizer/counts.ts). */
  candidates: CandidateCounts;
  best: { params: Params; hash: string; evaluation: Evaluation } | null;
  history: GenerationSummary[];
}

export interface RunStudyInput {
  spec: ObjectiveSpec;
  space: ParamSpec[];
  settings: StudySettings;
  /** Told generations to stop at, the initial population counting as one. */
  generations: number;
  evaluator: Evaluator;
  store: OptimizerStore;
  signal?: AbortSignal;
  onProgress?: (p: StudyProgress) => void;
  /**
   * Called once before the first generation: whether a stored study is continued, where it stands, and
   * whether it is already complete (its generations all told: nothing runs).
   */
  onStart?: (info: {
    studyId: string;
    resumed: boolean;
    generation: number;
    evaluations: number;
    complete: boolean;
  }) => void;
  /** Called for every evaluation this process runs (after it is stored). */
  onEvaluated?: (o: EvalOutcome) => void;
}

/**
 * The objective's identity. File paths are left out: a file is identified by its SHA-256 (and the symbol and
 * asset class it stands for), so moving the data folder, or a worker finding it elsewhere, changes nothing.
 */
export const objectiveHashOf = (spec: ObjectiveSpec): string =>
  hashOf({ ...spec, data: spec.data.map(({ path: _path, ...ref }) => ref) });

export const evaluationHash = (objectiveHash: string, params: Params): string =>
  hashOf({ objective: objectiveHash, params });

/**
 * How a study is named in every line about it: `optimize` (`study 3f9c0a1b2d4e: new …`) and the queue workers
 * that run its evaluations, so a worker's line can be matched to the coordinator's by eye.
 */
export const studyLabel = (studyId: string): string => `study ${studyId.slice(0, 12)}`;

/** The study's identity: the objective, the space and DE's settings (not the budget, which may grow). */
export function studyIdOf(objectiveHash: string, space: readonly ParamSpec[], s: StudySettings): string {
  return hashOf({ objective: objectiveHash, space, strategy: s.strategy, popSize: s.popSize, seed: s.seed });
}

/**
 * Evaluates the distinct tasks not yet stored and stores each as it finishes. `known`: the hashes the store
 * held before (`reused` of them are among the tasks).
 */
export async function evaluateMissing(
  tasks: readonly EvalTask[],
  objectiveHash: string,
  evaluator: Evaluator,
  store: OptimizerStore,
  options: { signal?: AbortSignal; onStored?: (o: EvalOutcome) => void; study?: string } = {},
): Promise<{
  stored: Map<string, StoredEvaluation>;
  known: ReadonlySet<string>;
  evaluated: number;
  reused: number;
  complete: boolean;
}> {
  const unique = [...new Map(tasks.map((t) => [t.hash, t])).values()];
  const known = store.evaluations(unique.map((t) => t.hash));
  const missing = unique.filter((t) => !known.has(t.hash));
  let evaluated = 0;
  if (missing.length > 0 && !options.signal?.aborted) {
    await evaluator.evaluate(missing, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.study ? { study: options.study } : {}),
      onResult: (o) => {
        const params = missing.find((t) => t.hash === o.hash)?.params;
        if (!params) return;
        store.putEvaluation({ ...o, objectiveHash, params });
        evaluated++;
        options.onStored?.(o);
      },
    });
  }
  const stored = store.evaluations(unique.map((t) => t.hash));
  return {
    stored,
    known: new Set(known.keys()),
    evaluated,
    reused: unique.length - missing.length,
    complete: stored.size === unique.length,
  };
}

export async function runStudy(input: RunStudyInput): Promise<StudyResult> {
  const { spec, space, settings, store, evaluator, signal } = input;
  const objectiveHash = objectiveHashOf(spec);
  const studyId = studyIdOf(objectiveHash, space, settings);
  // Stop on the budget only: a scipy-style convergence stop would end runs early on flat score regions.
  const options: DEOptions = { ...settings, maxGenerations: input.generations, tol: 0, atol: 0 };
  store.putObjective(objectiveHash, spec);
  const row = store.study(studyId);
  if (row && row.generation > input.generations) {
    // Its best is that of its last generation; the same command on a fresh store gives another answer.
    throw new ValidationError('The stored study ran more generations than asked', [
      {
        where: '--generations',
        message: `${studyLabel(studyId)} in ${store.path} already ran ${row.generation} generations, so it cannot give the result of ${input.generations}; give --generations ${row.generation} or more to continue it, or another --db (or --seed) for a ${input.generations}-generation study`,
        value: input.generations,
      },
    ]);
  }
  if (!row) store.createStudy(studyId, objectiveHash, { space, settings });
  const de = row?.state
    ? DifferentialEvolution.restore(space, options, row.state)
    : new DifferentialEvolution(space, options);

  input.onStart?.({
    studyId,
    resumed: row !== undefined,
    generation: de.generation,
    evaluations: store.countEvaluations(objectiveHash),
    complete: de.done().stop,
  });
  let evaluated = 0;
  let reused = 0;
  const tally = new CandidateTally(de.evaluations);
  // Counted per finished evaluation, not per generation: a first generation of a slow objective would
  // otherwise show no rate and no best for minutes.
  let bestSeen = Number.NEGATIVE_INFINITY;
  const started = performance.now();
  const budget = input.generations * settings.popSize;
  const progress = (inGeneration: number): void => {
    const elapsed = (performance.now() - started) / 1000;
    input.onProgress?.({
      generation: de.generation,
      generations: input.generations,
      told: de.evaluations,
      budget,
      inGeneration,
      popSize: settings.popSize,
      bestOos: Math.max(bestSeen, de.generation > 0 ? -de.best().score : Number.NEGATIVE_INFINITY),
      evaluated,
      reused,
      rate: evaluated > 0 && elapsed > 0 ? evaluated / elapsed : 0,
    });
  };
  const seen = (score: number): void => {
    if (Number.isFinite(score)) bestSeen = Math.max(bestSeen, score);
  };
  progress(0);

  let interrupted = false;
  while (!de.done().stop) {
    if (signal?.aborted) {
      interrupted = true;
      break;
    }
    const batch = de.ask();
    const tasks = batch.map((c) => ({ hash: evaluationHash(objectiveHash, c.params), params: c.params }));
    let inGeneration = 0;
    const r = await evaluateMissing(tasks, objectiveHash, evaluator, store, {
      ...(signal ? { signal } : {}),
      study: studyId,
      onStored: (o) => {
        inGeneration++;
        evaluated++;
        seen(o.evaluation.oos);
        input.onEvaluated?.(o);
        progress(inGeneration);
      },
    });
    reused += r.reused;
    for (const t of tasks) seen(r.stored.get(t.hash)?.evaluation.oos ?? Number.NaN);
    if (!r.complete) {
      tally.unfinished(inGeneration);
      interrupted = true;
      break;
    }
    tally.told(
      tasks.map((t) => t.hash),
      r.known,
    );
    // DE minimises; the objective's median out-of-sample score is "higher is better".
    de.tell(batch.map((c, i) => ({ id: c.id, score: -r.stored.get(tasks[i]!.hash)!.evaluation.oos })));
    store.saveGeneration(
      studyId,
      de.snapshot(),
      batch.map((c, i) => ({ generation: c.generation, index: c.index, hash: tasks[i]!.hash })),
    );
    progress(0);
  }
  store.setStatus(studyId, interrupted ? 'interrupted' : 'done');
  return summarise(de, {
    studyId,
    objectiveHash,
    store,
    interrupted,
    resumed: row !== undefined,
    evaluated,
    candidates: tally.value,
  });
}

function summarise(
  de: DifferentialEvolution,
  ctx: {
    studyId: string;
    objectiveHash: string;
    store: OptimizerStore;
    interrupted: boolean;
    resumed: boolean;
    evaluated: number;
    candidates: CandidateCounts;
  },
): StudyResult {
  let best: StudyResult['best'] = null;
  if (de.generation > 0) {
    const params = de.best().params;
    const hash = evaluationHash(ctx.objectiveHash, params);
    const stored = ctx.store.evaluation(hash);
    if (stored) best = { params, hash, evaluation: stored.evaluation };
  }
  const status = de.done();
  return {
    studyId: ctx.studyId,
    objectiveHash: ctx.objectiveHash,
    status: ctx.interrupted ? 'interrupted' : 'done',
    ...(!ctx.interrupted && status.reason ? { reason: status.reason } : {}),
    resumed: ctx.resumed,
    generations: de.generation,
    evaluations: de.evaluations,
    evaluated: ctx.evaluated,
    candidates: ctx.candidates,
    best,
    history: de.history().map((h) => ({
      generation: h.generation,
      bestOos: -h.bestScore,
      meanOos: -h.meanScore,
      evaluations: h.evaluations,
    })),
  };
}
