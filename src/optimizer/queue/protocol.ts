/**
 * What travels through the queue. A job is one evaluation: its content hash is the job id, so adding the
 * same candidate twice (a resumed coordinator, a duplicate in a generation) creates one job, and its result
 * is read back from the job's return value.
 */
import type { ObjectiveSpec, Params } from '../objective/objective.js';
import { studyLabel } from '../study.js';

export const JOB_NAME = 'evaluate';

export interface EvaluateJobData {
  hash: string;
  /** Hash of the objective spec: a worker builds (and caches) one study context per spec. */
  objectiveHash: string;
  spec: ObjectiveSpec;
  params: Params;
  /**
   * The study that queued the job (absent outside a study). A job is shared by every study that needs the
   * same evaluation (its id is the content hash), so it names the one that put it on the queue first.
   */
  studyId?: string;
}

/**
 * What a worker's lines about a job start with: the study as `optimize` names it, or, for an evaluation
 * outside a study, its objective, said as such (an objective is not a study: several studies share one).
 */
export const jobLabel = (d: Pick<EvaluateJobData, 'studyId' | 'objectiveHash'>): string =>
  d.studyId ? studyLabel(d.studyId) : `objective ${d.objectiveHash.slice(0, 12)}`;

export interface EvaluateJobResult {
  hash: string;
  /** The Evaluation as encodeJson text (keeps -Infinity scores). */
  evaluation: string;
  elapsedMs: number;
  worker: string;
  /** Which start of the job produced this result (2 or more after a worker died holding it). */
  attempt: number;
}

/** BullMQ refuses purely numeric custom ids; a prefix keeps any hash valid. */
export const jobIdOf = (hash: string): string => `eval-${hash}`;
