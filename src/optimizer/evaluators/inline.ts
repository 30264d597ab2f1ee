/** Evaluations one after another in this thread: the reference executor, and the simplest to debug. */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Objective } from '../objective/objective.js';
import {
  runLimited,
  type EvalOutcome,
  type EvalTask,
  type EvaluateOptions,
  type Evaluator,
} from './types.js';

export class InlineEvaluator implements Evaluator {
  readonly name = 'inline';
  readonly concurrency = 1;

  constructor(private readonly objective: Objective) {}

  async evaluate(tasks: readonly EvalTask[], options: EvaluateOptions = {}): Promise<EvalOutcome[]> {
    const results = await runLimited(tasks, 1, options.signal, async (task) => {
      // An evaluation blocks the thread; yielding between them lets Ctrl-C and timers get through.
      await yieldToEventLoop();
      const t0 = performance.now();
      const evaluation = this.objective(task.params);
      const outcome: EvalOutcome = {
        hash: task.hash,
        evaluation,
        elapsedMs: performance.now() - t0,
        worker: 'main',
        attempts: 1,
      };
      options.onResult?.(outcome);
      return outcome;
    });
    return results.filter((r): r is EvalOutcome => r !== undefined);
  }

  async close(): Promise<void> {}
}
