/**
 * Convenience driver: ask → evaluate (possibly async, possibly in parallel) → tell, until a stop rule fires.
 */
import {
  DifferentialEvolution,
  type BestPoint,
  type Candidate,
  type HistoryEntry,
  type StopReason,
} from './de.js';
import type { DEOptions } from './options.js';
import type { ParamSpec } from './space.js';

export interface MinimizeResult {
  best: BestPoint;
  /** Generations told, the initial population included. */
  generations: number;
  evaluations: number;
  reason: StopReason;
  history: HistoryEntry[];
}

/** `evaluate` gets one whole generation and returns scores in the same order (lower is better). */
export type BatchEvaluator = (batch: Candidate[]) => Promise<number[]> | number[];

export async function minimize(
  space: ParamSpec[],
  options: DEOptions,
  evaluate: BatchEvaluator,
): Promise<MinimizeResult> {
  const de = new DifferentialEvolution(space, options);
  for (;;) {
    const status = de.done();
    if (status.stop) {
      return {
        best: de.best(),
        generations: de.generation,
        evaluations: de.evaluations,
        reason: status.reason as StopReason,
        history: de.history(),
      };
    }
    const batch = de.ask();
    const scores = await evaluate(batch);
    if (!Array.isArray(scores) || scores.length !== batch.length) {
      throw new Error(
        `minimize(): evaluate returned ${Array.isArray(scores) ? scores.length : typeof scores} scores for ${batch.length} candidates`,
      );
    }
    de.tell(batch.map((c, i) => ({ id: c.id, score: scores[i] as number })));
  }
}
