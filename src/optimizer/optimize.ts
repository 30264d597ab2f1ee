/**
 * From a resolved configuration and loaded data to a finished (or interrupted) study: the objective spec,
 * the executor, the study, and the sensitivity table around its best point.
 */
import type { WorkstealConfig } from '../core/config/schema.js';
import { ValidationError } from '../core/errors.js';
import type { BarSeries } from '../marketdata/index.js';
import type { ParamSpec } from './de/index.js';
import { commonRange, type StudyData } from './data.js';
import { InlineEvaluator } from './evaluators/inline.js';
import { PoolEvaluator } from './evaluators/pool.js';
import type { EvalOutcome, Evaluator } from './evaluators/types.js';
import { codeVersion } from './hash.js';
import { buildFolds, type Window } from './objective/folds.js';
import { baseConfigOf, createObjective, type ObjectiveSpec } from './objective/objective.js';
import { QueueEvaluator } from './queue/evaluator.js';
import {
  sensitivity,
  sensitivityProbes,
  type SensitivityProgress,
  type SensitivityResult,
} from './sensitivity.js';
import { buildSpace, defaultPopulation } from './space.js';
import type { OptimizerStore } from './store.js';
import {
  objectiveHashOf,
  runStudy,
  type RunStudyInput,
  type StudyProgress,
  type StudyResult,
  type StudySettings,
} from './study.js';

export type Executor =
  { kind: 'inline' } | { kind: 'pool'; threads: number } | { kind: 'queue'; url: string; queueName?: string };

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** What a caller calls the data and the requested range in its errors (the CLI's flags by default). */
export interface RangeNames {
  data: string;
  range: string;
}

/** The window the folds cover: the requested one (or the benchmark set's), within the data's common span. */
export function studyRange(
  series: readonly BarSeries[],
  requested?: Partial<Window>,
  names: RangeNames = { data: '--data', range: '--from/--to' },
): Window {
  const common = commonRange(series);
  if (!common) {
    throw new ValidationError('The data has no common window', [
      {
        where: names.data,
        message: 'the symbols never have bars at the same time; choose symbols that overlap',
      },
    ]);
  }
  const range = {
    from: Math.max(common.from, requested?.from ?? -Infinity),
    to: Math.min(common.to, requested?.to ?? Infinity),
  };
  if (!(range.to > range.from)) {
    throw new ValidationError('The requested window holds no data', [
      {
        where: names.range,
        message: `the data's common window is ${day(common.from)} → ${day(common.to)}; choose dates inside it`,
        // Only what was asked for: an absent bound printed as `"to":undefined` reads like a bug.
        value: {
          ...(requested?.from !== undefined ? { from: day(requested.from) } : {}),
          ...(requested?.to !== undefined ? { to: day(requested.to) } : {}),
        },
      },
    ]);
  }
  return range;
}

export function prepareObjective(input: {
  config: WorkstealConfig;
  data: StudyData;
  range?: Partial<Window>;
  onBadData?: 'refuse' | 'repair';
}): { spec: ObjectiveSpec; series: BarSeries[]; range: Window } {
  const series = input.data.loaded.map((l) => l.series);
  const range = studyRange(series, { ...input.data.defaultRange, ...input.range });
  const spec: ObjectiveSpec = {
    version: 1,
    data: input.data.refs,
    onBadData: input.onBadData ?? 'refuse',
    config: baseConfigOf(input.config),
    folds: buildFolds(range, input.config.optimize.folds),
    score: input.config.optimize.score,
    codeVersion: codeVersion(),
  };
  return { spec, series, range };
}

/** `log`: where a queue's Redis outage is said (the command line: stderr). */
export async function createEvaluator(
  executor: Executor,
  spec: ObjectiveSpec,
  series: readonly BarSeries[],
  log?: (line: string) => void,
): Promise<Evaluator> {
  switch (executor.kind) {
    case 'inline':
      return new InlineEvaluator(createObjective(spec, series));
    case 'pool':
      return new PoolEvaluator(spec, series, executor.threads);
    case 'queue':
      return QueueEvaluator.connect({
        url: executor.url,
        ...(executor.queueName ? { queueName: executor.queueName } : {}),
        spec,
        objectiveHash: objectiveHashOf(spec),
        ...(log ? { log } : {}),
      });
  }
}

export interface OptimizeInput {
  config: WorkstealConfig;
  spec: ObjectiveSpec;
  evaluator: Evaluator;
  store: OptimizerStore;
  seed: number;
  generations: number;
  /** Points per parameter for the sensitivity table; 0 skips it. */
  sensitivityPoints?: number;
  signal?: AbortSignal;
  onProgress?: (p: StudyProgress) => void;
  onEvaluated?: (o: EvalOutcome) => void;
  onStart?: RunStudyInput['onStart'];
  /** Called when the study is done and the sensitivity evaluations begin (with their exact count). */
  onSensitivity?: (count: number) => void;
  /** The sensitivity phase's progress: at its start and after every evaluation it runs. */
  onSensitivityProgress?: (p: SensitivityProgress) => void;
}

export interface OptimizeOutcome {
  space: ParamSpec[];
  settings: StudySettings;
  study: StudyResult;
  sensitivity: SensitivityResult | null;
}

export function studySettings(
  config: WorkstealConfig,
  space: readonly ParamSpec[],
  seed: number,
): StudySettings {
  return {
    strategy: config.optimize.strategy,
    popSize: config.optimize.population ?? defaultPopulation(space.length),
    seed,
  };
}

export async function optimize(input: OptimizeInput): Promise<OptimizeOutcome> {
  const space = buildSpace(input.config.optimize, input.config.victimRanking);
  const settings = studySettings(input.config, space, input.seed);
  const study = await runStudy({
    spec: input.spec,
    space,
    settings,
    generations: input.generations,
    evaluator: input.evaluator,
    store: input.store,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.onEvaluated ? { onEvaluated: input.onEvaluated } : {}),
    ...(input.onStart ? { onStart: input.onStart } : {}),
  });
  let sens: SensitivityResult | null = null;
  const points = input.sensitivityPoints ?? 5;
  if (study.status === 'done' && study.best && points > 0 && !input.signal?.aborted) {
    input.onSensitivity?.(sensitivityProbes(space, study.best.params, study.objectiveHash, points).length);
    sens = await sensitivity({
      space,
      best: study.best.params,
      bestEvaluation: study.best.evaluation,
      objectiveHash: study.objectiveHash,
      evaluator: input.evaluator,
      store: input.store,
      points,
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onEvaluated ? { onEvaluated: input.onEvaluated } : {}),
      ...(input.onSensitivityProgress ? { onProgress: input.onSensitivityProgress } : {}),
    });
  }
  return { space, settings, study, sensitivity: sens };
}
