/**
 * A paired, windowed comparison of policies (README "Is A better than B? `worksteal compare`"). One path
 * through the data proves little: every different decision changes all that follows. So the same data is cut
 * into windows (and, when asked, random symbol subsets); in each, policy A and baseline B are simulated
 * afresh from the initial equity, and the pairs are compared: how often A is at least as good, the median
 * difference with a 95% interval, and whether the steals paid for what they took (net steal regret).
 *
 * A sweep level is a setting applied to both sides (e.g. the research signal skill): each level is its own
 * comparison, so "A against B as k grows" is one run.
 */
import type { WorkstealConfig } from '../core/config/schema.js';
import type { Window } from '../optimizer/objective/folds.js';
import type { BarSeries } from '../marketdata/index.js';
import { combineClassPairs, type ClassPairRegret } from '../sim/regret.js';
import type { ExternalSignal } from '../sim/signals/csv-signals.js';
import { runSides, type SideTask } from './pool.js';
import { clusteredMedianInterval, tallyWins, type Interval, type WinTally } from './stats.js';
import type { SideMetrics } from './window-run.js';
import {
  perturbOrderFraction,
  replicateDeltas,
  replicatedSides,
  rms,
  type ReplicateInfo,
  type ReplicatePair,
} from './replicates.js';

export interface ComparisonGroup {
  /** The sweep level this group is at ('' without a sweep). */
  level: string;
  baseline: { label: string; config: WorkstealConfig };
  variants: { label: string; config: WorkstealConfig }[];
}

export interface PairedWindow {
  window: Window;
  subset: number;
  a: SideMetrics;
  b: SideMetrics;
  /** A − B (with replicates: each side the mean of its replicates, each difference the mean of the pairs'). */
  diff: { sharpe: number; totalReturn: number; maxDrawdown: number; netRegret: number };
  /** With --replicates n > 1: every replicate's pair, in replicate order. */
  replicates?: ReplicatePair[];
  /** With --replicates n > 1: the sample standard deviation of ΔSharpe across the replicates. */
  sharpeSpread?: number;
}

export interface Aggregate {
  pairs: number;
  /** A against B in Sharpe, window by window (ties shown apart). */
  sharpe: WinTally;
  medianSharpeDiff: Interval;
  medianReturnDiff: Interval;
  /** Sums over the windows, per side. */
  netRegret: { a: number; b: number };
  /** The standard error of that sum (the windows' added in quadrature). */
  netRegretStandardError: { a: number; b: number };
  victimWouldHaveMade: { a: number; b: number };
  stealersMade: { a: number; b: number };
  steals: { a: number; b: number };
  distinctVictims: { a: number; b: number };
  /**
   * Net steal regret by stealer and victim asset class, per side, summed over the windows (standard errors in
   * quadrature): where on a mixed book stealing paid and where it cost. Empty for a side that never stole.
   */
  regretByClass: { a: ClassPairRegret[]; b: ClassPairRegret[] };
  /** Steals over distinct victims, summed over the windows; NaN for a side that never stole. */
  stealsPerVictim: { a: number; b: number };
  /** With --replicates n > 1: the RMS over the windows of ΔSharpe's spread across replicates (path noise). */
  pathNoise?: number;
}

export interface Comparison {
  level: string;
  variant: string;
  baseline: string;
  windows: PairedWindow[];
  aggregate: Aggregate;
}

export interface CompareResult {
  windows: Window[];
  subsets: string[][];
  seed: number;
  resamples: number;
  comparisons: Comparison[];
  /** Simulations run (sides × windows × subsets × replicates). */
  simulations: number;
  /** With --replicates n > 1: how many, and each one's order-size change δ_r. */
  replicates?: ReplicateInfo;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * The pairs' values grouped by window, in window order: one entry per symbol subset of the window (its
 * values: the replicates', or its one value). The median and its interval take each window once.
 */
function byWindow(pairs: readonly PairedWindow[], values: (p: PairedWindow) => number[]): number[][][] {
  const windows = new Map<string, number[][]>();
  for (const p of pairs) {
    const key = `${p.window.from}|${p.window.to}`;
    let w = windows.get(key);
    if (!w) windows.set(key, (w = []));
    w.push(values(p));
  }
  return [...windows.values()];
}

export function aggregate(
  pairs: readonly PairedWindow[],
  options: { seed: number; resamples?: number },
): Aggregate {
  const side = (f: (m: SideMetrics) => number) => ({
    a: sum(pairs.map((p) => f(p.a))),
    b: sum(pairs.map((p) => f(p.b))),
  });
  const steals = side((m) => m.steals);
  const distinctVictims = side((m) => m.distinctVictims);
  const boot = { seed: options.seed, ...(options.resamples ? { resamples: options.resamples } : {}) };
  return {
    pairs: pairs.length,
    sharpe: tallyWins(pairs.map((p) => ({ a: p.a.sharpe, b: p.b.sharpe }))),
    // With replicates, the interval resamples them too, and it is never narrower than the windows allow (stats.ts).
    medianSharpeDiff: clusteredMedianInterval(
      byWindow(pairs, (p) => p.replicates?.map((r) => r.diffSharpe) ?? [p.diff.sharpe]),
      boot,
    ),
    medianReturnDiff: clusteredMedianInterval(
      byWindow(
        pairs,
        (p) => p.replicates?.map((r) => r.a.totalReturn - r.b.totalReturn) ?? [p.diff.totalReturn],
      ),
      boot,
    ),
    netRegret: side((m) => m.netRegret),
    netRegretStandardError: {
      a: Math.sqrt(sum(pairs.map((p) => p.a.netRegretStandardError ** 2))),
      b: Math.sqrt(sum(pairs.map((p) => p.b.netRegretStandardError ** 2))),
    },
    regretByClass: {
      a: combineClassPairs(
        pairs.map((p) => p.a.regretByClass ?? []),
        'sum',
      ),
      b: combineClassPairs(
        pairs.map((p) => p.b.regretByClass ?? []),
        'sum',
      ),
    },
    victimWouldHaveMade: side((m) => m.victimWouldHaveMade),
    stealersMade: side((m) => m.stealersMade),
    steals,
    distinctVictims,
    stealsPerVictim: {
      a: distinctVictims.a > 0 ? steals.a / distinctVictims.a : Number.NaN,
      b: distinctVictims.b > 0 ? steals.b / distinctVictims.b : Number.NaN,
    },
    ...(pairs.some((p) => p.sharpeSpread !== undefined)
      ? { pathNoise: rms(pairs.map((p) => p.sharpeSpread ?? Number.NaN)) }
      : {}),
  };
}

export function pair(window: Window, subset: number, a: SideMetrics, b: SideMetrics): PairedWindow {
  return {
    window,
    subset,
    a,
    b,
    diff: {
      sharpe: a.sharpe - b.sharpe,
      totalReturn: a.totalReturn - b.totalReturn,
      maxDrawdown: a.maxDrawdown - b.maxDrawdown,
      netRegret: a.netRegret - b.netRegret,
    },
  };
}

/** One window from its replicate pairs (in replicate order); a single pair is the plain pair. */
export function replicatedPair(window: Window, subset: number, reps: readonly ReplicatePair[]): PairedWindow {
  if (reps.length === 1) return pair(window, subset, reps[0]!.a, reps[0]!.b);
  const sides = replicatedSides(reps);
  const diffs = reps.map((r) => pair(window, subset, r.a, r.b).diff);
  const meanOf = (f: (d: PairedWindow['diff']) => number): number => sum(diffs.map(f)) / diffs.length;
  return {
    window,
    subset,
    a: sides.a,
    b: sides.b,
    diff: {
      sharpe: sides.diffSharpe,
      totalReturn: meanOf((d) => d.totalReturn),
      maxDrawdown: meanOf((d) => d.maxDrawdown),
      netRegret: meanOf((d) => d.netRegret),
    },
    replicates: [...reps],
    sharpeSpread: sides.sharpeSpread,
  };
}

export async function compareWindows(input: {
  series: readonly BarSeries[];
  groups: readonly ComparisonGroup[];
  windows: readonly Window[];
  /** Symbol subsets; default: one subset of every symbol. */
  subsets?: readonly (readonly string[])[];
  seed: number;
  resamples?: number;
  /** Worker threads (0: this thread). */
  threads: number;
  /** A sessions file's content instead of the NYSE calendar. */
  calendar?: { file: string; sessions: unknown };
  /** Signals from a CSV instead of the built-in forecaster, for every side. */
  signals?: readonly ExternalSignal[];
  /** Simulations per side and window, each at its own order-size factor (replicates.ts); default 1. */
  replicates?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<CompareResult> {
  const subsets = (input.subsets ?? [input.series.map((s) => s.symbol)]).map((s) => [...s]);
  const deltas = replicateDeltas(input.replicates ?? 1);
  const configs: WorkstealConfig[] = [];
  /** Per group: the config index of the baseline, then of each variant; per replicate. */
  const index = deltas.map((d) =>
    input.groups.map((g) => {
      const at = (c: WorkstealConfig): number => configs.push(perturbOrderFraction(c, d)) - 1;
      return { b: at(g.baseline.config), a: g.variants.map((v) => at(v.config)) };
    }),
  );
  // Window-major order: the sides of one window run close together, while its views are in the caches.
  // Replicate r's configs follow replicate r − 1's, so with one replicate the order is the plain one.
  const tasks: SideTask[] = [];
  const taskAt = new Map<string, number>();
  const key = (c: number, s: number, w: number): string => `${c}|${s}|${w}`;
  input.windows.forEach((window, w) => {
    subsets.forEach((_, s) => {
      configs.forEach((_, c) => {
        taskAt.set(key(c, s, w), tasks.push({ config: c, subset: s, window }) - 1);
      });
    });
  });
  const results = await runSides(
    {
      series: [...input.series],
      configs,
      subsets,
      ...(input.calendar ? { calendar: input.calendar } : {}),
      ...(input.signals ? { signals: [...input.signals] } : {}),
    },
    tasks,
    input.threads,
    input.onProgress,
  );
  const resultOf = (c: number, s: number, w: number): SideMetrics => results[taskAt.get(key(c, s, w))!]!;
  const comparisons = input.groups.flatMap((g, gi) =>
    g.variants.map((v, vi) => {
      const pairs: PairedWindow[] = [];
      input.windows.forEach((window, w) => {
        subsets.forEach((_, s) => {
          const reps = deltas.map((delta, r): ReplicatePair => {
            const ia = index[r]![gi]!.a[vi]!;
            const ib = index[r]![gi]!.b;
            const a = resultOf(ia, s, w);
            const b = resultOf(ib, s, w);
            const orderFraction = { a: configs[ia]!.sim.orderFraction, b: configs[ib]!.sim.orderFraction };
            return { delta, orderFraction, a, b, diffSharpe: a.sharpe - b.sharpe };
          });
          pairs.push(replicatedPair(window, s, reps));
        });
      });
      return {
        level: g.level,
        variant: v.label,
        baseline: g.baseline.label,
        windows: pairs,
        aggregate: aggregate(pairs, {
          seed: input.seed,
          ...(input.resamples ? { resamples: input.resamples } : {}),
        }),
      };
    }),
  );
  const resamples = comparisons[0]?.aggregate.medianSharpeDiff.resamples ?? input.resamples ?? 0;
  return {
    windows: [...input.windows],
    subsets,
    seed: input.seed,
    resamples,
    comparisons,
    simulations: tasks.length,
    ...(deltas.length > 1 ? { replicates: { count: deltas.length, deltas } } : {}),
  };
}
