/** Entry point of a comparison pool thread: one runner per thread, one side of one window per task. */
import { workerData } from 'node:worker_threads';
import { sideRunner, type CompareWorkerData, type SideTask } from './pool.js';
import type { SideMetrics } from './window-run.js';

const run = sideRunner(workerData as CompareWorkerData);

export default function runSideTask(task: SideTask): SideMetrics {
  return run(task);
}
