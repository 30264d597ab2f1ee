/**
 * The simulations of a comparison on worker threads, the optimizer's way (piscina, the bars in shared memory
 * handed to each thread once, a task carrying only indices): each task is one side of one window. With
 * zero threads they run in this thread. Results come back in task order whatever thread ran them, so the
 * output does not depend on the number of threads.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { calendarFromSessions, nyseCalendar } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { Window } from '../optimizer/objective/folds.js';
import { shareSeries } from '../optimizer/evaluators/shared-series.js';
import type { BarSeries } from '../marketdata/index.js';
import type { ExternalSignal } from '../sim/signals/csv-signals.js';
import { ForecastCache } from '../sim/signals/forecast-cache.js';
import { FillTapeCache } from '../sim/fill-tape-cache.js';
import { TimelineCache } from '../sim/timeline-cache.js';
import { runWindow, WindowViews, type SideMetrics } from './window-run.js';

/** Everything a thread needs once: the bars, the configs and the symbol subsets, referred to by index. */
export interface CompareWorkerData {
  series: BarSeries[];
  configs: WorkstealConfig[];
  subsets: string[][];
  /** A sessions file's content (`--calendar`), rebuilt in each thread; the NYSE calendar without it. */
  calendar?: { file: string; sessions: unknown };
  /** Signals from a CSV instead of the built-in forecaster, for every side. */
  signals?: ExternalSignal[];
}

export interface SideTask {
  config: number;
  subset: number;
  window: Window;
}

/** A runner of side tasks built from the worker data: the same code in a pool thread and in this one. */
export function sideRunner(data: CompareWorkerData): (task: SideTask) => SideMetrics {
  const views = new WindowViews(data.series);
  const calendar = data.calendar
    ? calendarFromSessions(data.calendar.sessions, data.calendar.file)
    : nyseCalendar();
  // Sides that share the forecaster share its signals; sides of one window share its timeline, and with it
  // what its bars do to the fill model.
  const forecasts = new ForecastCache();
  const timelines = new TimelineCache();
  const fillTapes = new FillTapeCache();
  return (task) =>
    runWindow({
      views,
      symbols: data.subsets[task.subset]!,
      config: data.configs[task.config]!,
      window: task.window,
      calendar,
      ...(data.signals ? { signals: data.signals } : {}),
      forecasts,
      timelines,
      fillTapes,
    });
}

function workerEntry(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(`./compare-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return { filename, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/**
 * Runs every task, `threads` at a time (0: in this thread, one after another), calling `onDone` as each
 * finishes. Resolves with the results in task order.
 */
export async function runSides(
  data: CompareWorkerData,
  tasks: readonly SideTask[],
  threads: number,
  onDone?: (done: number, total: number) => void,
): Promise<SideMetrics[]> {
  let done = 0;
  if (threads === 0 || tasks.length <= 1) {
    const run = sideRunner(data);
    return tasks.map((t) => {
      const r = run(t);
      onDone?.(++done, tasks.length);
      return r;
    });
  }
  const n = Math.min(threads, tasks.length);
  const workerData: CompareWorkerData = { ...data, series: shareSeries(data.series) };
  const pool = new Piscina({
    ...workerEntry(),
    workerData,
    minThreads: n,
    maxThreads: n,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  try {
    return await Promise.all(
      tasks.map(async (t) => {
        const r = (await pool.run(t)) as SideMetrics;
        onDone?.(++done, tasks.length);
        return r;
      }),
    );
  } finally {
    await pool.destroy();
  }
}
