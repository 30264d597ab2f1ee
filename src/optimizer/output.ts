/**
 * What an optimisation writes: best.json, a config file `simulate --config` and `run --config` accept as it
 * is (config keys and an optional top-level preset, nothing else: unknown keys are errors there), and a
 * separate metadata file with the scores, folds, data hashes and history that produced it.
 */
import { BARS_REPLACE_SECONDS } from '../core/config/warnings.js';
import { researchLabel, type ResearchLabel } from '../sim/signals/skill.js';
import type { CandidateCounts } from './counts.js';
import { SCORE_DESCRIPTIONS } from './objective/scores.js';
import type { ParamSpec } from './de/index.js';
import type { FoldResult, ObjectiveSpec, Params } from './objective/objective.js';
import type { OptimizeOutcome } from './optimize.js';
import type { SensitivityRow } from './sensitivity.js';
import type { GenerationSummary } from './study.js';

/**
 * The user's own settings (`fileValues`: the config file, the `WORKSTEAL_*` config keys and the `--set` values,
 * src/cli/commands/optimize-shared.ts; without `preset` and `optimize`), then the best parameters over them,
 * under the same preset. Loaded by `simulate --config best.json` alone it gives the configuration the
 * optimiser scored (environment variables still apply on top, as for any config file). When that configuration's
 * signals read the future (`research`, from the file or the environment), the file says so in its
 * sim.research: the best was chosen on look-ahead signals, and every check and run of it must say that.
 */
export function bestConfigFile(input: {
  preset?: string;
  fileValues?: Record<string, unknown>;
  params: Params;
  research?: ResearchLabel | null;
}): Record<string, unknown> {
  const { preset: _preset, optimize: _optimize, ...rest } = input.fileValues ?? {};
  if (input.research) {
    const { signalSkill, signalSkillSeed } = input.research;
    const sim = typeof rest.sim === 'object' && rest.sim !== null ? rest.sim : {};
    rest.sim = { ...sim, research: { signalSkill, signalSkillSeed } };
  }
  // A searched key in seconds whose key in bars is set had no effect on any evaluation (the bars one
  // replaced it): written, it would be an untested value and a warning in every check of the file.
  const params: Record<string, unknown> = { ...input.params };
  for (const seconds of unusedParams({ ...rest, ...params }, params).keys()) delete params[seconds];
  return {
    ...(input.preset && input.preset !== 'default' ? { preset: input.preset } : {}),
    ...rest,
    ...params,
  };
}

/**
 * The searched keys in seconds that had no effect because their key in bars is set (> 0) in `config` (the
 * base configuration with the params over it), each with that bars key: shown as unused, never as results.
 */
export function unusedParams(
  config: Record<string, unknown>,
  params: Params | Record<string, unknown>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [bars, seconds] of BARS_REPLACE_SECONDS)
    if (Number(config[bars]) > 0 && seconds in params) out.set(seconds, bars);
  return out;
}

/**
 * The one rule for runs that traded nothing: when none of `trades` (one count per row, candidate or window)
 * is above 0, the scores compared are all the same nothing, and the warning says so (`optimize --compare`:
 * no row traded in the holdout; a plain `optimize`: no candidate traded in any test window). Null otherwise.
 */
export function noTradesWarning(
  trades: readonly number[],
  s: { who: string; where: string; what: string; fix: string },
): string | null {
  if (trades.length === 0 || trades.some((t) => t > 0)) return null;
  return `warning: no ${s.who} traded in ${s.where}; ${s.what} measure nothing. ${s.fix}`;
}

/**
 * The parameters as the result lines show them (`optimize --quiet`, `optimize --compare`'s "Optimiser's best"):
 * without the keys in seconds that a key in bars replaced in `config` (the base configuration).
 */
export function shownParams(config: Record<string, unknown>, params: Params): Params {
  const unused = unusedParams({ ...config, ...params }, params);
  return Object.fromEntries(Object.entries(params).filter(([k]) => !unused.has(k)));
}

/** A best value as the tables show it: marked when a key in bars replaced it. */
export function bestCell(shown: string, name: string, unused: ReadonlyMap<string, string>): string {
  const bars = unused.get(name);
  return bars ? `${shown} (unused: ${bars} set)` : shown;
}

export interface OptimizeMeta {
  study: string;
  objective: string;
  status: 'done' | 'interrupted';
  reason?: string;
  command?: string;
  score: string;
  scoreDescription: string;
  strategy: string;
  population: number;
  seed: number;
  generations: number;
  /** Candidates told to DE (= candidates.candidates). */
  evaluations: number;
  /** Evaluations this run ran and stored, those of an unfinished generation included. */
  evaluated: number;
  /** Where the candidates came from, parts that add up (src/optimizer/counts.ts). */
  candidates: CandidateCounts;
  range: { from: number; to: number };
  foldScheme: string;
  folds: { index: number; train: [string, string]; test: [string, string] }[];
  /**
   * Always null: a plain `optimize` holds nothing out (every fold's dates choose the best, and `best.oos` is
   * the score it was chosen on). `optimize --compare` is the run with a holdout.
   */
  holdout: null;
  data: ObjectiveSpec['data'];
  codeVersion: string;
  space: ParamSpec[];
  baseConfig: ObjectiveSpec['config'];
  best: { params: Params; hash: string; oos: number; is: number; folds: FoldResult[] } | null;
  history: GenerationSummary[];
  sensitivity: SensitivityRow[] | null;
  /**
   * `interrupted` when the sensitivity phase was stopped before every probe ran: its incomplete rows say
   * `complete: false` and carry no low, high or swing. Null when there is no table.
   */
  sensitivityStatus: 'done' | 'interrupted' | null;
  /** Warnings about what the numbers can mean (said on stderr too): no candidate traded. */
  warnings: string[];
  /** The label when the signals read the future (sim.research, in the base configuration and so in every candidate). */
  research: ResearchLabel | null;
}

const iso = (t: number): string => new Date(t).toISOString();

export function buildMeta(input: {
  outcome: OptimizeOutcome;
  spec: ObjectiveSpec;
  range: { from: number; to: number };
  foldScheme: string;
  command?: string;
  warnings?: string[];
}): OptimizeMeta {
  const { outcome, spec } = input;
  const s = outcome.study;
  return {
    study: s.studyId,
    objective: s.objectiveHash,
    status: s.status,
    ...(s.reason ? { reason: s.reason } : {}),
    ...(input.command ? { command: input.command } : {}),
    score: spec.score,
    scoreDescription: SCORE_DESCRIPTIONS[spec.score],
    strategy: outcome.settings.strategy,
    population: outcome.settings.popSize,
    seed: outcome.settings.seed,
    generations: s.generations,
    evaluations: s.evaluations,
    evaluated: s.evaluated,
    candidates: s.candidates,
    range: input.range,
    foldScheme: input.foldScheme,
    folds: spec.folds.map((f) => ({
      index: f.index,
      train: [iso(f.train.from), iso(f.train.to)],
      test: [iso(f.test.from), iso(f.test.to)],
    })),
    holdout: null,
    data: spec.data,
    codeVersion: spec.codeVersion,
    space: outcome.space,
    baseConfig: spec.config,
    best: s.best
      ? {
          params: s.best.params,
          hash: s.best.hash,
          oos: s.best.evaluation.oos,
          is: s.best.evaluation.is,
          folds: s.best.evaluation.folds,
        }
      : null,
    history: s.history,
    sensitivity: outcome.sensitivity?.rows ?? null,
    sensitivityStatus: outcome.sensitivity ? (outcome.sensitivity.complete ? 'done' : 'interrupted') : null,
    warnings: input.warnings ?? [],
    research: researchLabel(spec.config.sim),
  };
}

/** `best.json` → `best.meta.json`; other names get `.meta.json` appended. */
export function metaPathFor(out: string): string {
  return out.endsWith('.json') ? `${out.slice(0, -'.json'.length)}.meta.json` : `${out}.meta.json`;
}
