/**
 * Evaluations on a pool of worker threads (piscina). The market data is put in shared memory once and handed
 * to the threads at start; a task carries only the parameters and returns only the scores.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { BarSeries } from '../../marketdata/index.js';
import type { Evaluation, ObjectiveSpec } from '../objective/objective.js';
import type { PoolWorkerData } from './pool-worker.js';
import { shareSeries } from './shared-series.js';
import {
  runLimited,
  type EvalOutcome,
  type EvalTask,
  type EvaluateOptions,
  type Evaluator,
} from './types.js';

/**
 * The thread entry beside this file: pool-worker.ts when running from source (threads then load tsx, as the
 * main process did), pool-worker.js in dist/.
 */
function workerEntry(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(`./pool-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return { filename, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

export class PoolEvaluator implements Evaluator {
  readonly name: string;
  readonly concurrency: number;
  private readonly pool: Piscina;

  constructor(spec: ObjectiveSpec, series: readonly BarSeries[], threads = defaultThreads()) {
    if (!Number.isSafeInteger(threads) || threads < 1) {
      throw new RangeError(`PoolEvaluator: threads must be a whole number >= 1 (got ${threads})`);
    }
    const workerData: PoolWorkerData = { spec, series: shareSeries(series) };
    this.pool = new Piscina({
      ...workerEntry(),
      workerData,
      minThreads: threads,
      maxThreads: threads,
      // Threads hold the objective (and its window views); keep them for the life of the pool.
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    this.concurrency = threads;
    this.name = `pool of ${threads} thread${threads === 1 ? '' : 's'}`;
  }

  async evaluate(tasks: readonly EvalTask[], options: EvaluateOptions = {}): Promise<EvalOutcome[]> {
    // At most one task per thread is handed to piscina: nothing waits in its queue, so stopping early only
    // means not starting more (aborting a running piscina task would kill its thread mid-evaluation).
    const results = await runLimited(tasks, this.concurrency, options.signal, async (task) => {
      const r = (await this.pool.run({ params: task.params })) as {
        evaluation: Evaluation;
        elapsedMs: number;
      };
      const outcome: EvalOutcome = { hash: task.hash, ...r, worker: 'pool', attempts: 1 };
      options.onResult?.(outcome);
      return outcome;
    });
    return results.filter((r): r is EvalOutcome => r !== undefined);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
