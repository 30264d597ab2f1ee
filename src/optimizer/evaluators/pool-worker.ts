/**
 * Entry point of a pool thread. The objective is built once per thread from the shared series and the spec
 * in workerData; each task is then just a parameter set.
 */
import { workerData } from 'node:worker_threads';
import type { BarSeries } from '../../marketdata/index.js';
import { createObjective, type ObjectiveSpec, type Params } from '../objective/objective.js';

export interface PoolWorkerData {
  spec: ObjectiveSpec;
  series: BarSeries[];
}

const data = workerData as PoolWorkerData;
const objective = createObjective(data.spec, data.series);

export default function evaluateTask(task: { params: Params }): {
  evaluation: ReturnType<typeof objective>;
  elapsedMs: number;
} {
  const t0 = performance.now();
  const evaluation = objective(task.params);
  return { evaluation, elapsedMs: performance.now() - t0 };
}
