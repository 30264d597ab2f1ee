/**
 * The optimizer: differential evolution over the coordinator's parameters, scored out of sample on
 * walk-forward folds, run inline, on a thread pool or on a BullMQ queue, resumable from SQLite.
 */
export * from './de/index.js';
export {
  buildFolds,
  distinctWindows,
  DAY_MS,
  type Fold,
  type FoldsConfig,
  type Window,
} from './objective/folds.js';
export { score, median, windowMetrics, SCORE_DESCRIPTIONS, type WindowMetrics } from './objective/scores.js';
export {
  baseConfigOf,
  candidateConfig,
  createObjective,
  type BaseConfig,
  type DataRef,
  type Evaluation,
  type FoldResult,
  type Objective,
  type ObjectiveSpec,
  type Params as CandidateParams,
  type WindowResult,
} from './objective/objective.js';
export { windowView } from './objective/window.js';
export { buildSpace, defaultPopulation, STANDARD_SPACE } from './space.js';
export { canonicalJson, codeVersion, hashOf } from './hash.js';
export { commonRange, loadRefs, loadStudyData, DataMismatchError, type StudyData } from './data.js';
export type { EvalOutcome, EvalTask, EvaluateOptions, Evaluator } from './evaluators/types.js';
export { InlineEvaluator } from './evaluators/inline.js';
export { PoolEvaluator, defaultThreads } from './evaluators/pool.js';
export { QueueEvaluator } from './queue/evaluator.js';
export { startWorkerService, type WorkerService, type WorkerServiceOptions } from './queue/worker-service.js';
export { DEFAULT_QUEUE_NAME, QueueError, parseRedisUrl } from './queue/connection.js';
export { OptimizerStore, type StoredEvaluation, type StudyRow, type TrialRow } from './store.js';
export {
  evaluateMissing,
  evaluationHash,
  objectiveHashOf,
  runStudy,
  studyIdOf,
  type GenerationSummary,
  type StudyProgress,
  type StudyResult,
  type StudySettings,
} from './study.js';
export { sensitivity, probeValues, type SensitivityResult, type SensitivityRow } from './sensitivity.js';
export {
  createEvaluator,
  optimize,
  prepareObjective,
  studyRange,
  studySettings,
  type Executor,
  type OptimizeInput,
  type OptimizeOutcome,
} from './optimize.js';
export { bestConfigFile, buildMeta, metaPathFor, type OptimizeMeta } from './output.js';
export { renderOptimizeReport } from './report/html.js';
