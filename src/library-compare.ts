/**
 * The library's `compare`: the paired, windowed comparison `worksteal compare` runs (src/compare), from
 * series in memory and resolved configurations, with its input checked first (a ValidationError naming the
 * argument, its value and what to pass). compareReport (library-report.ts) renders what it returns as the CLI
 * prints it. The windows and subsets are built by the CLI's own code
 * (compare/plan.ts) and the simulations run by its own pool, so the same data and settings give the numbers
 * `worksteal compare --json` writes.
 */
import { calendarFromSessions } from './core/calendar/override.js';
import type { WorkstealConfig } from './core/config/schema.js';
import { ValidationError, type Issue } from './core/errors.js';
import { optionNames, unknownOptionIssues } from './core/option-names.js';
import { compareWindows, type CompareResult, type ComparisonGroup } from './compare/compare.js';
import { comparePlan, type PlanNames } from './compare/plan.js';
import { DEFAULT_RESAMPLES } from './compare/stats.js';
import { parseSpan, type Span } from './compare/windows.js';
import type { BarSeries } from './marketdata/types.js';
import type { Window } from './optimizer/objective/folds.js';
import type { ExternalSignal } from './sim/signals/csv-signals.js';
import { validateSeries } from './sim/sim-input.js';
import { isObject, rangeIssues, replayIssues } from './library-checks.js';
import { sideGroups, type CompareSide } from './library-sides.js';

export type { CompareSide } from './library-sides.js';

/** What {@link compare} takes. Times are epoch ms; lengths are written as `worksteal compare` takes them. */
export interface CompareInput {
  /** The bars, one series per symbol: `(await loadData([...])).series`. */
  series: readonly BarSeries[];
  /** Policy A: `resolveConfig().config` (labelled "A"), or several labelled sides, each compared with B. */
  a: WorkstealConfig | readonly CompareSide[];
  /** Policy B. Default: A with `stealingEnabled: false`, labelled "stealing off" (needs a single A). */
  b?: WorkstealConfig | CompareSide;
  /**
   * As `--sweep`: `key=v1,v2,…` per key, one comparison per value (several keys: every combination, the first
   * key outermost), the value set on every side; the default B turns stealing off after it. Default: no sweep.
   */
  sweep?: readonly string[];
  /** Window length: `90d`, `2w`, `1mo`, `6mo`, `1y` (months and years are UTC calendar months). */
  window: string;
  /** From one window start to the next; default the window length (no overlap). */
  step?: string;
  /** Only these symbols of `series` (as `--symbols`); default every series. */
  symbols?: readonly string[];
  /** Start of the first window and the latest end of any (epoch ms); default the data's common span. */
  from?: number;
  to?: number;
  /** Also compare on `count` random subsets of `size` symbols (as `--subsets`, `--subset-size`). */
  subsets?: { count: number; size: number };
  /** Simulations per side and window, each at its own order size; the window is their mean. Default 1. */
  replicates?: number;
  /** Seed of the subsets and the bootstrap (default 1, as the CLI). */
  seed?: number;
  /** Bootstrap resamples (default 2,000, as the CLI; at least 100). */
  resamples?: number;
  /** Simulations at once: 1 (the default) runs them one after another in this thread, n > 1 on n worker threads. */
  threads?: number;
  /** Your exchange's sessions, as `calendarFromSessions` takes them (parsed JSON); default the NYSE calendar. */
  sessions?: unknown;
  /** Signals for every side instead of the built-in forecaster (what `--signals FILE` reads). */
  signals?: readonly ExternalSignal[];
  /** Called as each simulation finishes: how many are done, of how many. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What {@link compare} returns: what `worksteal compare --json` writes of the comparison (the windows, the
 * subsets, the seed, the resamples, one comparison of A with B per sweep level and A, level by level, each
 * naming its level and A, the simulations run) and the range the windows were laid in. In JSON, a number that is not finite (NaN steals per victim) is written as null.
 */
export interface CompareOutput extends CompareResult {
  range: Window;
  /** The data's name, as `--json` writes it for `--data`: the symbols compared, e.g. `SOLUSDT, LINKUSDT`. */
  data: string;
  /** The sides compared (B, and each A) per sweep level, as `--json` writes them: what compareReport reads. */
  sides: ComparisonGroup[];
  /** The sweep as given (`[]` without one): compareReport's HTML draws the curve of a numeric one from it. */
  sweep: string[];
  /**
   * The configuration warnings of the sides a sweep level made (each once, as `compare --sweep` prints them;
   * `[]` without a sweep: the sides as given carry the warnings their resolveConfig() returned).
   */
  warnings: string[];
}

/** The input's names in errors: the argument, never a CLI flag. */
const NAMES: PlanNames = {
  data: 'series',
  range: 'from/to',
  window: 'window',
  subsets: 'subsets.count',
  subsetSize: 'subsets.size',
};

const INPUT_NAMES = optionNames<CompareInput>({
  series: true,
  a: true,
  b: true,
  sweep: true,
  window: true,
  step: true,
  symbols: true,
  from: true,
  to: true,
  subsets: true,
  replicates: true,
  seed: true,
  resamples: true,
  threads: true,
  sessions: true,
  signals: true,
  onProgress: true,
});

const wholeAtLeast = (x: unknown, min: number): boolean => Number.isSafeInteger(x) && (x as number) >= min;

/** The series kept (`symbols`), naming a symbol the data lacks. */
function selected(input: CompareInput, issues: Issue[]): BarSeries[] {
  const series = Array.isArray(input.series) ? (input.series as BarSeries[]) : [];
  if (input.symbols === undefined) return series;
  const have = series.map((s) => (isObject(s) ? s.symbol : undefined));
  if (!Array.isArray(input.symbols) || input.symbols.length === 0) {
    issues.push({
      where: 'symbols',
      message: 'must be a non-empty array of symbols, or absent',
      value: input.symbols,
    });
    return series;
  }
  input.symbols.forEach((sym: unknown, i) => {
    if (!have.includes(sym as string))
      issues.push({
        where: `symbols[${i}]`,
        message: `has no series: choose among ${have.join(', ')}, or load its bars`,
        value: sym,
      });
  });
  return series.filter((s) => input.symbols!.includes(s.symbol));
}

/** A length as parseSpan reads it, or its issue. */
function span(text: unknown, where: string, issues: Issue[]): Span | undefined {
  try {
    return parseSpan(typeof text === 'string' ? text : String(text), where);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    issues.push(...e.issues.map((i) => ({ ...i, value: text })));
    return undefined;
  }
}

/** The settings: whole numbers in range, a callback, from/to, and no option compare() does not take. */
function settingIssues(input: CompareInput): Issue[] {
  const issues: Issue[] = [];
  const check = (where: string, value: unknown, min: number, what: string): void => {
    if (value !== undefined && !wholeAtLeast(value, min)) issues.push({ where, message: what, value });
  };
  check('threads', input.threads, 1, 'must be a whole number ≥ 1 (1: this thread), or absent');
  check('replicates', input.replicates, 1, 'must be a whole number ≥ 1, or absent');
  check('seed', input.seed, 0, 'must be a whole number ≥ 0, or absent');
  check('resamples', input.resamples, 100, 'must be a whole number ≥ 100, or absent');
  if (input.subsets !== undefined && !isObject(input.subsets))
    issues.push({ where: 'subsets', message: 'must be { count, size }, or absent', value: input.subsets });
  else if (input.subsets !== undefined)
    issues.push(...unknownOptionIssues(input.subsets, ['count', 'size'], 'subsets'));
  if (input.onProgress !== undefined && typeof input.onProgress !== 'function')
    issues.push({
      where: 'onProgress',
      message: 'must be a function (done, total) => void, or absent',
      value: input.onProgress,
    });
  issues.push(...rangeIssues(input.from, input.to), ...unknownOptionIssues(input, INPUT_NAMES, ''));
  return issues;
}

/**
 * Policy A against policy B on the same bars cut into windows (and, if asked, random symbol subsets): in each,
 * both are simulated afresh from the initial equity and the pair compared, at each level of the sweep if one
 * is given. Returns, per level and A, every window's
 * metrics and differences and the aggregate: the win tally in Sharpe, the median ΔSharpe and Δreturn with
 * their 95% intervals (each interval's `level` says what it reaches where too few windows reach 95%), the
 * net steal regret and the steals per distinct victim. The numbers are those
 * `worksteal compare --json` writes for the same data and settings. Throws a ValidationError naming each bad
 * argument before anything is simulated.
 */
export async function compare(input: CompareInput): Promise<CompareOutput> {
  if (!isObject(input))
    throw new ValidationError('Invalid compare() input', [
      { where: 'input', message: 'must be an object { series, a, window, … }', value: input },
    ]);
  const issues: Issue[] = [];
  if (!Array.isArray(input.series))
    issues.push({
      where: 'series',
      message: 'must be an array of bar series: (await loadData([...])).series',
      value: input.series,
    });
  issues.push(...replayIssues(input.series, input.signals));
  const series = selected(input, issues);
  const sides = await sideGroups(input, issues);
  const window = span(input.window, 'window', issues);
  const step = input.step === undefined ? window : span(input.step, 'step', issues);
  issues.push(...settingIssues(input));
  if (input.sessions !== undefined) {
    try {
      calendarFromSessions(input.sessions, 'sessions');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length || !sides || !window || !step)
    throw new ValidationError('Invalid compare() input', issues);
  // The simulator's own check of the bars, here rather than in a worker thread.
  validateSeries(series);
  const seed = input.seed ?? 1;
  const requested = {
    ...(input.from !== undefined ? { from: input.from } : {}),
    ...(input.to !== undefined ? { to: input.to } : {}),
  };
  const plan = comparePlan({
    series,
    window,
    step,
    requested,
    ...(input.subsets ? { subsets: input.subsets } : {}),
    seed,
    names: NAMES,
  });
  const threads = input.threads ?? 1;
  const result = await compareWindows({
    series,
    groups: sides.groups,
    windows: plan.windows,
    ...(plan.subsets ? { subsets: plan.subsets } : {}),
    seed,
    resamples: input.resamples ?? DEFAULT_RESAMPLES,
    ...(input.replicates !== undefined && input.replicates > 1 ? { replicates: input.replicates } : {}),
    threads: threads === 1 ? 0 : threads,
    ...(input.sessions !== undefined ? { calendar: { file: 'sessions', sessions: input.sessions } } : {}),
    ...(input.signals ? { signals: input.signals } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  return {
    ...result,
    range: plan.range,
    data: series.map((s) => s.symbol).join(', '),
    sides: sides.groups,
    warnings: sides.warnings,
    sweep: [...(input.sweep ?? [])],
  };
}
