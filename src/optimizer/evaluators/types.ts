/**
 * One interface, three executors: in this thread, in a worker-thread pool, or on a job queue. A study asks
 * an evaluator for a batch of evaluations and does not care where they run; because the objective is
 * deterministic, the results (and so the whole optimisation) are the same with any of them.
 */
import type { Evaluation, Params } from '../objective/objective.js';

export interface EvalTask {
  /** Content hash of (parameters, objective spec): the evaluation's identity everywhere. */
  hash: string;
  params: Params;
}

export interface EvalOutcome {
  hash: string;
  evaluation: Evaluation;
  /** Wall time of the evaluation itself, where it ran. */
  elapsedMs: number;
  /** Who evaluated it: 'main', 'pool', or a queue worker's host:pid. */
  worker: string;
  /** How many times the evaluation was started (more than 1 when a queue worker died holding it). */
  attempts: number;
}

export interface EvaluateOptions {
  /** Stop dispatching new work; evaluations already running are finished and reported. */
  signal?: AbortSignal;
  /** Called once per finished evaluation, as soon as it finishes (the study stores it right away). */
  onResult?: (outcome: EvalOutcome) => void;
  /**
   * The id of the study the evaluations are for, so that a queue worker's lines name it as `optimize` does;
   * absent for evaluations outside a study (the fixed rows of `optimize --compare`).
   */
  study?: string;
}

export interface Evaluator {
  readonly name: string;
  /** Evaluations that can run at once (for progress and ETA). */
  readonly concurrency: number;
  /**
   * Evaluates the tasks (distinct hashes). Resolves with the outcomes in task order; when the signal aborts,
   * resolves early with the outcomes that finished.
   */
  evaluate(tasks: readonly EvalTask[], options?: EvaluateOptions): Promise<EvalOutcome[]>;
  close(): Promise<void>;
}

/** Runs `work` on tasks with at most `limit` in flight; stops starting new ones once `signal` aborts. */
export async function runLimited<T>(
  tasks: readonly EvalTask[],
  limit: number,
  signal: AbortSignal | undefined,
  work: (task: EvalTask) => Promise<T>,
): Promise<(T | undefined)[]> {
  const results: (T | undefined)[] = new Array<T | undefined>(tasks.length).fill(undefined);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length && !signal?.aborted) {
      const i = next++;
      results[i] = await work(tasks[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, lane));
  return results;
}
