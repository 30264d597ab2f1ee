/** What `optimize` and `optimize --compare` share: their options, the executor, data loading and progress. */
import type { WorkstealConfig } from '../../core/config/schema.js';
import { envLayer, mergeLayer, shapesConfig } from '../../core/config/resolve.js';
import { loadConfig } from '../../io/load-config.js';
import { readStructuredFile } from '../../io/read-structured.js';
import { loadStudyData, type StudyData } from '../../optimizer/data.js';
import { defaultThreads } from '../../optimizer/evaluators/pool.js';
import type { Executor } from '../../optimizer/optimize.js';
import { QueueError, parseRedisUrl } from '../../optimizer/queue/connection.js';
import type { SensitivityProgress } from '../../optimizer/sensitivity.js';
import type { StudyProgress } from '../../optimizer/study.js';
import type { Window } from '../../optimizer/objective/folds.js';
import { warmUpBars } from '../../optimizer/objective/window.js';
import { boundary } from '../../compare/windows.js';
import { num } from '../../report/text.js';
import { barLoadOptions, type BarFileFlags } from '../bar-flags.js';
import type { ReadRange } from '../data-summary.js';
import { setFlagLayers } from '../flag-layers.js';
import { listFlag } from '../lists.js';
import { CliError, EXIT } from '../errors.js';
import { wholeNumber } from '../whole-number.js';
import type { Progress } from '../progress.js';

export interface OptimizeOptions extends BarFileFlags {
  data?: string[];
  benchmark?: string;
  symbols?: string;
  from?: string;
  to?: string;
  out?: string;
  outMeta?: string;
  report?: string;
  sensitivity: string;
  compare?: boolean;
  holdout?: string;
  markdown?: string;
  json?: string;
  config?: string;
  preset?: string;
  generations: string;
  population?: string;
  seed: string;
  threads?: string;
  /** Deprecated name of --threads. */
  workers?: string;
  queue?: string;
  queueName?: string;
  db: string;
  quiet?: boolean;
  /** `--set key=value`, in the order given. */
  set?: string[];
}

export const DEFAULT_DB = 'worksteal-optimize.sqlite';

/** A malformed --queue URL is a usage mistake (exit 2), unlike a Redis that does not answer (exit 1). */
export function checkQueueUrl(url: string): void {
  try {
    parseRedisUrl(url);
  } catch (error) {
    if (error instanceof QueueError) throw new CliError(error.message, EXIT.badInput);
    throw error;
  }
}

export function executorOf(opts: OptimizeOptions): Executor {
  if (opts.queue !== undefined) {
    if (opts.threads !== undefined) {
      throw new CliError(
        '--threads and --queue do not go together: with --queue the evaluations run on `worksteal worker` processes (give those --threads)',
      );
    }
    checkQueueUrl(opts.queue);
    return { kind: 'queue', url: opts.queue, ...(opts.queueName ? { queueName: opts.queueName } : {}) };
  }
  const threads = opts.threads === undefined ? defaultThreads() : wholeNumber(opts.threads, '--threads', 0);
  return threads === 0 ? { kind: 'inline' } : { kind: 'pool', threads };
}

/**
 * Ctrl-C or SIGTERM once: finish and store the running evaluations, then stop (exit 130, docs/cli.md). A
 * second signal stops now: `onForce` first (closing the store removes its lock), then exit 130.
 */
export function interruptOnSignal(
  onFirst: (signal: NodeJS.Signals) => void,
  onForce: () => void = () => undefined,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      try {
        onForce();
      } finally {
        process.exit(EXIT.interrupted);
      }
    }
    onFirst(name);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** What optimize says when a first stop signal arrives. */
export function stoppingLine(signal: NodeJS.Signals): string {
  return signal === 'SIGINT'
    ? '\nstopping after the running evaluations are stored (Ctrl-C again to quit now)…\n'
    : `\nstopping (${signal}) after the running evaluations are stored (a second signal quits now)…\n`;
}

/** The optimizer's progress line: work done from the first finished evaluation, not per generation. */
export function progressLabel(p: StudyProgress): string {
  const best = Number.isFinite(p.bestOos) ? num(p.bestOos, 3) : '—';
  const rate = p.evaluated > 0 ? `${num(p.rate, 2)} eval/s` : 'first evaluations running';
  const reused = p.reused > 0 ? ` (${p.reused} from the store)` : '';
  return `evaluations${reused} · gen ${Math.min(p.generation + 1, p.generations)}/${p.generations} · best ${best} · ${rate}`;
}

export function progressReporter(bar: Progress): (p: StudyProgress) => void {
  return (p) => bar.update(p.told + p.inGeneration, p.budget, progressLabel(p));
}

/** The sensitivity phase's progress line: its own budget (the probes), from the store and run now. */
export function sensitivityLabel(p: SensitivityProgress): string {
  const rate = p.evaluated > 0 ? `${num(p.rate, 2)} eval/s` : 'first evaluations running';
  const reused = p.reused > 0 ? ` (${p.reused} from the store)` : '';
  return `evaluations${reused} · sensitivity · ${rate}`;
}

export function sensitivityReporter(bar: () => Progress): (p: SensitivityProgress) => void {
  return (p) => bar().update(p.done, p.total, sensitivityLabel(p));
}

/**
 * The configuration the study starts from, with its config warnings (said on stderr as simulate and compare
 * say them: among them that research settings read the future). `fileValues`, what best.json keeps of the
 * user's own settings, in the order the configuration was resolved: the config file's values (`--config`,
 * else `WORKSTEAL_CONFIG`), the `WORKSTEAL_*` config keys of the environment over them, then the `--set`
 * values, so `simulate --config best.json` alone (without those variables) gives the configuration the study
 * scored. The live runtime's own variables (`live.*`: webhook URLs, paths) shape no score and are left out,
 * as the recorded command leaves them out.
 */
export async function resolveOptimizeConfig(opts: OptimizeOptions): Promise<{
  config: WorkstealConfig;
  preset: string;
  fileValues?: Record<string, unknown>;
  warnings: string[];
}> {
  const set = setFlagLayers(opts.set);
  const resolved = await loadConfig({
    file: opts.config,
    preset: opts.preset,
    flags: set,
    env: process.env,
  });
  const fileName = opts.config ?? process.env.WORKSTEAL_CONFIG;
  const file = fileName ? await readStructuredFile(fileName) : undefined;
  // The variables' keys with the values the resolution gave them (typed: `WORKSTEAL_SIM_FEES_BPS=7` is 7).
  const env = valuesAt(
    resolved.config,
    envLayer(Object.fromEntries(Object.entries(process.env).filter(([name]) => shapesConfig(name)))).values,
  );
  const raw = set.reduce<unknown>(
    (values, layer) => mergeLayer(values, layer.values),
    mergeLayer(file ?? {}, env),
  );
  let config = resolved.config;
  if (opts.population !== undefined) {
    const population = wholeNumber(opts.population, '--population', 4);
    config = { ...config, optimize: { ...config.optimize, population } };
  }
  return {
    config,
    preset: resolved.preset,
    warnings: resolved.warnings.map((w) => `config warning: ${w.message}`),
    ...(raw && typeof raw === 'object' ? { fileValues: raw as Record<string, unknown> } : {}),
  };
}

/** `shape`'s keys (nested objects followed to their leaves) with the values `source` has there. */
function valuesAt(source: unknown, shape: unknown): unknown {
  if (typeof shape !== 'object' || shape === null) return source;
  return Object.fromEntries(
    Object.keys(shape).map((k) => [
      k,
      valuesAt((source as Record<string, unknown> | undefined)?.[k], (shape as Record<string, unknown>)[k]),
    ]),
  );
}

export function loadData(opts: OptimizeOptions, config: WorkstealConfig): Promise<StudyData> {
  return loadStudyData(
    {
      ...(opts.benchmark !== undefined ? { benchmark: opts.benchmark } : {}),
      ...(opts.data ? { data: opts.data } : {}),
      ...(opts.symbols !== undefined ? { symbols: listFlag(opts.symbols, '--symbols')! } : {}),
    },
    {
      configSymbols: config.symbols,
      ...barLoadOptions(opts),
      // A file left out for a finer one, or bar lengths that differ between symbols: said, as in simulate.
      onNote: (note) => {
        if (!opts.quiet) process.stderr.write(`note: ${note}\n`);
      },
    },
  );
}

/**
 * The bars a study reads (data-summary.ts: a suspicious move outside them is a note): its range, folds and
 * holdout together, and the warm-up before it. The warm-up is the base config's for every candidate: the
 * forecaster that sets it is under `sim`, which is not tunable (optimize-schema.ts), so no point of the search
 * space changes it (test/optimizer/space-warm-up.test.ts).
 */
export function studyReads(range: Window, config: WorkstealConfig): ReadRange {
  return { from: range.from, to: range.to, warmUp: warmUpBars(config.sim.forecaster) };
}

/** A line said on stderr even with --quiet (a Redis outage: the run is waiting, and why). */
export const sayAlways = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** A range or fold boundary: the date, with the time when it is not a UTC midnight (as --from/--to take it). */
export const day = boundary;
export const show = (v: unknown): string =>
  typeof v === 'number' ? String(Number(v.toPrecision(6))) : v === undefined ? '—' : String(v);

/** Queue problems are the user's to fix (Redis down, a worker without the data): no stack trace. */
export function asCliError(error: unknown): unknown {
  if (error instanceof QueueError) return new CliError(error.message, EXIT.failed);
  return error;
}
