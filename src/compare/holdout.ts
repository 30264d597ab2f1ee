/**
 * The seed system's claim, tested out of sample: stealing disabled, protection 0.4%, 0.1% and 0.15% (other
 * keys at their defaults) and the optimiser's best, on data the optimiser never saw.
 *
 * The optimiser maximises the median score of its walk-forward test windows, so those windows are not out of
 * sample for its own best point. The range is therefore split: the optimiser (and the walk-forward columns)
 * use the selection period; the last `holdoutFraction` of the range is scored once per row after the choice
 * is made. Only the holdout columns compare all rows on equal terms.
 *
 * The holdout is scored by the paired comparison of `worksteal compare` (src/compare) over that one window,
 * every row against stealing disabled: one comparison tool, of which this table is a use.
 */
import { compareWindows, type CompareResult as PairedResult } from './compare.js';
import type { SideMetrics } from './window-run.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import type { StudyData } from '../optimizer/data.js';
import type { EvalOutcome, Evaluator } from '../optimizer/evaluators/types.js';
import { DAY_MS, type Window } from '../optimizer/objective/folds.js';
import { MIN_WINDOW_DAYS, boundary, checkMeasurable } from './windows.js';
import { holdoutCut, shortHoldoutWarning } from './holdout-length.js';
import {
  baseConfigOf,
  candidateConfig,
  type Evaluation,
  type ObjectiveSpec,
  type Params,
} from '../optimizer/objective/objective.js';
import { score } from '../optimizer/objective/scores.js';
import { optimize, prepareObjective, studyRange, type OptimizeOutcome } from '../optimizer/optimize.js';
import { shownParams } from '../optimizer/output.js';
import type { OptimizerStore } from '../optimizer/store.js';
import { evaluateMissing, evaluationHash, objectiveHashOf, type StudyProgress } from '../optimizer/study.js';
import { researchLabel, researchNote, type ResearchLabel } from '../sim/signals/skill.js';

export interface CompareRowSpec {
  label: string;
  params: Params;
}

/** The rows the claim is about; the optimiser's best is added after the study. */
export const CLAIM_ROWS: readonly CompareRowSpec[] = [
  { label: 'stealing disabled', params: { stealingEnabled: false } },
  { label: 'protection 0.4%', params: { protectionPct: 0.004 } },
  { label: 'protection 0.1%', params: { protectionPct: 0.001 } },
  { label: 'protection 0.15% (default)', params: { protectionPct: 0.0015 } },
];

export interface CompareRow extends CompareRowSpec {
  optimised: boolean;
  /** Walk-forward medians over the selection period (in-sample for the optimiser's own row). */
  walkForward: { oos: number; is: number };
  /** The holdout window, simulated once, with its score and steal regret. */
  holdout: SideMetrics & { score: number };
}

export interface CompareResult {
  score: string;
  range: Window;
  selection: Window;
  holdout: Window;
  folds: ObjectiveSpec['folds'];
  rows: CompareRow[];
  /** Every row but the first against the first (stealing disabled) on the holdout. */
  paired: PairedResult;
  study: OptimizeOutcome;
  seconds: number;
  /** What the numbers should be read with (a holdout shorter than a few test windows), as printed. */
  warnings: string[];
  /**
   * The optimiser's best as the result lines show it: without its keys in seconds that a key in bars
   * replaced (they had no effect; best.json and `optimize --quiet` leave them out by the same rule).
   */
  bestShown: Params;
  /**
   * The label when the signals read the future (sim.research): the rows set only coordinator keys and sim
   * is not searched, so the base configuration decides it for every row.
   */
  research: ResearchLabel | null;
}

/** The share of the range `optimize --compare` keeps from the optimiser unless --holdout says otherwise. */
export const DEFAULT_HOLDOUT = 0.25;

/** The holdout starts on a UTC midnight so its daily equity curve has whole days. */
export function splitHoldout(range: Window, fraction: number): { selection: Window; holdout: Window } {
  if (!(fraction > 0 && fraction < 1))
    throw new RangeError(`holdout fraction must be in (0, 1) (got ${fraction})`);
  const { selection, holdout } = holdoutCut(range, fraction);
  const days = (range.to - range.from) / DAY_MS;
  checkMeasurable(
    holdout,
    '--holdout',
    `the range ${boundary(range.from)} → ${boundary(range.to)} has ${days.toFixed(1)} days; give --holdout ${Math.min(0.99, Math.ceil((100 * (MIN_WINDOW_DAYS + 1)) / days) / 100)} or more`,
  );
  return { selection, holdout };
}

async function evaluateRows(
  rows: readonly CompareRowSpec[],
  spec: ObjectiveSpec,
  evaluator: Evaluator,
  store: OptimizerStore,
  signal?: AbortSignal,
): Promise<Evaluation[] | null> {
  const objectiveHash = objectiveHashOf(spec);
  store.putObjective(objectiveHash, spec);
  const tasks = rows.map((r) => ({ hash: evaluationHash(objectiveHash, r.params), params: r.params }));
  const res = await evaluateMissing(tasks, objectiveHash, evaluator, store, signal ? { signal } : {});
  if (!res.complete) return null;
  return tasks.map((t) => res.stored.get(t.hash)!.evaluation);
}

export async function compare(input: {
  config: WorkstealConfig;
  data: StudyData;
  holdoutFraction: number;
  /** --from/--to: the range split into selection and holdout (default: the set's window, else the data's). */
  range?: Partial<Window>;
  onBadData?: 'refuse' | 'repair';
  seed: number;
  generations: number;
  /** Evaluators for the selection objective and the holdout objective (same executor, two specs). */
  evaluatorFor: (spec: ObjectiveSpec) => Promise<Evaluator>;
  store: OptimizerStore;
  sensitivityPoints?: number;
  /** Worker threads for the holdout simulations (0: this thread). */
  holdoutThreads?: number;
  signal?: AbortSignal;
  onProgress?: (p: StudyProgress) => void;
  onEvaluated?: (o: EvalOutcome) => void;
  onPhase?: (phase: string) => void;
  /** Called once the range is split, before anything is evaluated: the dates, the folds and the warnings. */
  onSplit?: (split: {
    selection: Window;
    holdout: Window;
    folds: ObjectiveSpec['folds'];
    warnings: string[];
  }) => void;
}): Promise<CompareResult | null> {
  const t0 = performance.now();
  const series = input.data.loaded.map((l) => l.series);
  const range = studyRange(series, { ...input.data.defaultRange, ...input.range });
  const { selection, holdout } = splitHoldout(range, input.holdoutFraction);
  const sel = prepareObjective({
    config: input.config,
    data: input.data,
    range: selection,
    ...(input.onBadData ? { onBadData: input.onBadData } : {}),
  });
  const short = shortHoldoutWarning({
    range,
    fraction: input.holdoutFraction,
    holdout,
    selectionFolds: sel.spec.folds,
    folds: input.config.optimize.folds,
  });
  const warnings = short ? [short] : [];
  input.onSplit?.({ selection, holdout, folds: sel.spec.folds, warnings });

  const selEvaluator = await input.evaluatorFor(sel.spec);
  let study: OptimizeOutcome;
  let fixedWf: Evaluation[] | null;
  try {
    input.onPhase?.('the fixed rows on the selection period');
    fixedWf = await evaluateRows(CLAIM_ROWS, sel.spec, selEvaluator, input.store, input.signal);
    if (!fixedWf) return null;
    input.onPhase?.('the optimiser on the selection period');
    study = await optimize({
      config: input.config,
      spec: sel.spec,
      evaluator: selEvaluator,
      store: input.store,
      seed: input.seed,
      generations: input.generations,
      sensitivityPoints: input.sensitivityPoints ?? 0,
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      ...(input.onEvaluated ? { onEvaluated: input.onEvaluated } : {}),
    });
  } finally {
    await selEvaluator.close();
  }
  const best = study.study.best;
  if (study.study.status !== 'done' || !best) return null;

  const rows: CompareRowSpec[] = [...CLAIM_ROWS, { label: "optimiser's best", params: best.params }];
  input.onPhase?.('every row on the holdout');
  const base = baseConfigOf(input.config);
  const side = (r: CompareRowSpec) => ({ label: r.label, config: candidateConfig(base, r.params) });
  const paired = await compareWindows({
    series,
    groups: [{ level: '', baseline: side(rows[0]!), variants: rows.slice(1).map(side) }],
    windows: [holdout],
    seed: input.seed,
    threads: input.holdoutThreads ?? 0,
  });
  const pairs = paired.comparisons.map((c) => c.windows[0]!);
  const held = [pairs[0]!.b, ...pairs.map((p) => p.a)];
  const wf = [...fixedWf, best.evaluation];
  return {
    score: sel.spec.score,
    range,
    selection,
    holdout,
    folds: sel.spec.folds,
    rows: rows.map((r, i) => ({
      ...r,
      optimised: i === rows.length - 1,
      walkForward: { oos: wf[i]!.oos, is: wf[i]!.is },
      holdout: { ...held[i]!, score: score(sel.spec.score, held[i]!) },
    })),
    paired,
    study,
    seconds: (performance.now() - t0) / 1000,
    warnings,
    bestShown: shownParams(base as Record<string, unknown>, best.params),
    research: researchLabel(input.config.sim),
  };
}

const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');
const pc = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const usd = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');

/** The comparison as a Markdown table (for the README), with the command that made it (and research named first). */
export function compareMarkdown(set: string, r: CompareResult, command: string): string {
  const s = r.score;
  const head = `| row | walk-forward median OOS ${s} (selection) | holdout ${s} | holdout return | holdout max DD | holdout trades | holdout steals | holdout blocks | holdout net steal regret |`;
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = r.rows.map(
    (row) =>
      `| ${row.label} | ${f2(row.walkForward.oos)}${row.optimised ? ' (chosen on it)' : ''} | ${f2(row.holdout.score)} | ${pc(row.holdout.totalReturn)} | ${pc(row.holdout.maxDrawdown)} | ${row.holdout.trades} | ${row.holdout.steals} | ${row.holdout.blocks} | ${usd(row.holdout.netRegret)} |`,
  );
  const st = r.study.study;
  const bestParams = Object.entries(r.bestShown)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`)
    .join(', ');
  return [
    ...(r.research ? [`**${researchNote(r.research, 'every row')}**`, ''] : []),
    `**${set}**: selection ${boundary(r.selection.from)} → ${boundary(r.selection.to)} (${r.folds.length} walk-forward folds), holdout ${boundary(r.holdout.from)} → ${boundary(r.holdout.to)}; optimiser: ${r.study.settings.strategy}, population ${r.study.settings.popSize}, ${st.generations} generations, ${st.evaluations} candidates (${st.evaluated} evaluated here), seed ${r.study.settings.seed}, ${(r.seconds / 60).toFixed(1)} min.`,
    '',
    '```',
    command,
    '```',
    '',
    head,
    rule,
    ...lines,
    '',
    `Optimiser's best: ${bestParams}.`,
    '',
    `The holdout is one window, one path: \`worksteal compare\` gives the same rows on rolling windows, with win rates and intervals.`,
  ].join('\n');
}

/**
 * `optimize --compare --quiet`: the result on one line, every row's holdout score (the columns that compare
 * all rows on equal terms), the optimiser's best with its parameters, and a research label when the signals
 * read the future. The table itself is the --markdown file's.
 */
export function compareResultLine(r: CompareResult): string {
  const params = Object.entries(r.bestShown)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`)
    .join(' ');
  const rows = r.rows.map((row) => `${row.label} ${f2(row.holdout.score)}`).join(', ');
  return `holdout ${r.score} ${boundary(r.holdout.from)} → ${boundary(r.holdout.to)}: ${rows}${params ? ` (${params})` : ''}${r.research ? ` [${r.research.label}]` : ''}`;
}
