/**
 * Differential evolution with an ask/tell interface.
 *
 * The optimiser never calls the objective. `ask()` hands out a whole generation of candidates, the caller
 * evaluates them however it likes (in parallel, on other machines, across restarts) and `tell()` returns the
 * scores. Selection is generation-synchronous ("deferred"): all trials of generation g are built from the
 * population as it stood after generation g−1, so the order in which scores arrive cannot change anything.
 *
 * Determinism: the only randomness is the seeded PRNG in rng.ts, and it is consumed in a fixed order
 * (LHS in the constructor, trial construction in ask(), archive trimming in tell()). `snapshot()` captures
 * everything, including the PRNG state and an asked-but-not-told generation, so a restored optimiser
 * continues on exactly the same trajectory.
 */
import { latinHypercube } from './lhs.js';
import { resolveOptions, type DEOptions, type ResolvedDEOptions, type Strategy } from './options.js';
import { Rng, type RngState } from './rng.js';
import { decode, validateSpace, type ParamSpec, type Params } from './space.js';
import { adaptJade, jadeTrials, rand1binTrials, type JadeParams, type TrialBatch } from './strategies.js';

export interface Candidate {
  /** Deterministic id `g${generation}-i${index}`. */
  id: string;
  generation: number;
  /** Population slot this trial competes for. */
  index: number;
  unit: number[];
  params: Params;
}

export interface EvalResult {
  id: string;
  /** Lower is better. NaN and ±Infinity count as +Infinity (a failed evaluation never wins). */
  score: number;
}

export interface BestPoint {
  params: Params;
  unit: number[];
  score: number;
}

export type StopReason = 'maxGenerations' | 'maxEvaluations' | 'converged' | 'target';

export interface StopStatus {
  stop: boolean;
  reason?: StopReason;
}

export interface HistoryEntry {
  /** Index of the generation just told (0 = initial population). */
  generation: number;
  bestScore: number;
  meanScore: number;
  /** Cumulative evaluations after this generation. */
  evaluations: number;
}

/** JSON has no Infinity: +Infinity scores are stored as null. */
type JsonScore = number | null;

/** JSON-serialisable full optimiser state, for resuming (see {@link DifferentialEvolution.restore}). */
export interface DEState {
  version: 1;
  strategy: Strategy;
  dim: number;
  popSize: number;
  rng: RngState;
  generation: number;
  evaluations: number;
  population: number[][];
  scores: JsonScore[];
  archive: number[][];
  muF: number;
  muCR: number;
  pending: { generation: number; trials: number[][]; F: number[]; CR: number[] } | null;
  history: { generation: number; bestScore: JsonScore; meanScore: JsonScore; evaluations: number }[];
}

const toJson = (x: number): JsonScore => (x === Infinity ? null : x);
const fromJson = (x: JsonScore): number => (x === null ? Infinity : x);
const sanitise = (score: number): number => (Number.isFinite(score) ? score : Infinity);
const cloneRows = (rows: readonly number[][]): number[][] => rows.map((r) => [...r]);

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Population standard deviation (ddof 0, like numpy.std as used by scipy's convergence test). */
function std(values: readonly number[], m: number): number {
  return Math.sqrt(values.reduce((s, v) => s + (v - m) * (v - m), 0) / values.length);
}

export class DifferentialEvolution {
  private readonly space: readonly ParamSpec[];
  private readonly opts: ResolvedDEOptions;
  private rng: Rng;
  private gen = 0;
  private evals = 0;
  /** Unit vectors of the current population; scores aligned. Empty until generation 0 is told. */
  private population: number[][] = [];
  private scores: number[] = [];
  /** JADE archive of parents that lost to their trial (size <= popSize). */
  private archive: number[][] = [];
  private jade: JadeParams;
  /** The asked-but-not-yet-told generation. */
  private pending: (TrialBatch & { generation: number }) | null = null;
  private log: HistoryEntry[] = [];

  constructor(space: ParamSpec[], options: DEOptions) {
    validateSpace(space);
    this.space = space.map((s) => ({ ...s }));
    this.opts = resolveOptions(options, space.length);
    this.rng = Rng.fromSeed(this.opts.seed);
    const F0 = this.opts.F;
    this.jade = { muF: typeof F0 === 'number' ? F0 : 0.5, muCR: this.opts.CR, p: this.opts.p };
  }

  /** Number of generations told so far (the initial population is generation 0). */
  get generation(): number {
    return this.gen;
  }

  /** Number of scores told so far. */
  get evaluations(): number {
    return this.evals;
  }

  get dimension(): number {
    return this.space.length;
  }

  get popSize(): number {
    return this.opts.popSize;
  }

  /**
   * The next generation's candidates: the Latin-hypercube population for generation 0, trial vectors after
   * that. Calling ask() again before tell() returns the same candidates. Throws once done().stop is true.
   */
  ask(): Candidate[] {
    const status = this.done();
    if (status.stop) throw new Error(`DE has stopped (${status.reason}); nothing more to ask`);
    this.pending ??= { generation: this.gen, ...this.breed() };
    const { generation, trials } = this.pending;
    return trials.map((unit, index) => ({
      id: `g${generation}-i${index}`,
      generation,
      index,
      unit: [...unit],
      params: decode(this.space, unit),
    }));
  }

  /** Scores for exactly the asked ids (any order). Performs selection and, for JADE, adaptation. */
  tell(results: readonly EvalResult[]): void {
    if (this.pending === null) throw new Error('DE tell() without a pending ask()');
    const scores = this.matchResults(this.pending.generation, this.pending.trials.length, results);
    if (this.gen === 0) {
      this.population = cloneRows(this.pending.trials);
      this.scores = scores;
    } else {
      this.select(this.pending, scores);
    }
    this.pending = null;
    this.evals += scores.length;
    this.log.push({
      generation: this.gen,
      bestScore: Math.min(...this.scores),
      meanScore: mean(this.scores),
      evaluations: this.evals,
    });
    this.gen++;
  }

  /** Best member of the population (lowest score; ties go to the lower index). */
  best(): BestPoint {
    if (this.gen === 0) throw new Error('DE best() before the initial population was told');
    let bi = 0;
    this.scores.forEach((s, i) => {
      if (s < (this.scores[bi] as number)) bi = i;
    });
    const unit = [...(this.population[bi] as number[])];
    return { params: decode(this.space, unit), unit, score: this.scores[bi] as number };
  }

  /** Whether to stop, checked in the order target, converged, maxEvaluations, maxGenerations. */
  done(): StopStatus {
    const o = this.opts;
    if (this.gen > 0) {
      if (this.best().score <= o.targetScore) return { stop: true, reason: 'target' };
      if (this.converged()) return { stop: true, reason: 'converged' };
    }
    if (this.evals + o.popSize > o.maxEvaluations) return { stop: true, reason: 'maxEvaluations' };
    if (this.gen >= o.maxGenerations) return { stop: true, reason: 'maxGenerations' };
    return { stop: false };
  }

  history(): HistoryEntry[] {
    return this.log.map((h) => ({ ...h }));
  }

  /** Current JADE means (for diagnostics; constant for rand1bin). */
  controlParameters(): { muF: number; muCR: number } {
    return { muF: this.jade.muF, muCR: this.jade.muCR };
  }

  snapshot(): DEState {
    const p = this.pending;
    return {
      version: 1,
      strategy: this.opts.strategy,
      dim: this.space.length,
      popSize: this.opts.popSize,
      rng: this.rng.state(),
      generation: this.gen,
      evaluations: this.evals,
      population: cloneRows(this.population),
      scores: this.scores.map(toJson),
      archive: cloneRows(this.archive),
      muF: this.jade.muF,
      muCR: this.jade.muCR,
      pending: p && { generation: p.generation, trials: cloneRows(p.trials), F: [...p.F], CR: [...p.CR] },
      history: this.log.map((h) => ({
        ...h,
        bestScore: toJson(h.bestScore),
        meanScore: toJson(h.meanScore),
      })),
    };
  }

  /**
   * Continue from a snapshot. `options` may change stopping rules (e.g. a larger budget), but strategy,
   * popSize and the space's dimension must match the snapshot; the seed is ignored (the PRNG state is
   * restored).
   */
  static restore(space: ParamSpec[], options: DEOptions, state: DEState): DifferentialEvolution {
    const de = new DifferentialEvolution(space, options);
    de.checkCompatible(state);
    de.rng = Rng.fromState(state.rng);
    de.gen = state.generation;
    de.evals = state.evaluations;
    de.population = cloneRows(state.population);
    de.scores = state.scores.map(fromJson);
    de.archive = cloneRows(state.archive);
    de.jade = { ...de.jade, muF: state.muF, muCR: state.muCR };
    const p = state.pending;
    de.pending = p && { generation: p.generation, trials: cloneRows(p.trials), F: [...p.F], CR: [...p.CR] };
    de.log = state.history.map((h) => ({
      ...h,
      bestScore: fromJson(h.bestScore),
      meanScore: fromJson(h.meanScore),
    }));
    return de;
  }

  private checkCompatible(state: DEState): void {
    const o = this.opts;
    const problems: string[] = [];
    if (state.version !== 1) problems.push(`version ${String(state.version)} (expected 1)`);
    if (state.strategy !== o.strategy)
      problems.push(`strategy '${state.strategy}' (options say '${o.strategy}')`);
    if (state.popSize !== o.popSize) problems.push(`popSize ${state.popSize} (options say ${o.popSize})`);
    if (state.dim !== this.space.length) problems.push(`dim ${state.dim} (space has ${this.space.length})`);
    if (state.population.length !== (state.generation > 0 ? o.popSize : 0)) {
      problems.push(`population of ${state.population.length} at generation ${state.generation}`);
    }
    if (problems.length > 0) throw new Error(`DE snapshot does not fit: ${problems.join('; ')}`);
  }

  /** Builds the next generation's vectors; consumes the PRNG. */
  private breed(): TrialBatch {
    const n = this.opts.popSize;
    if (this.gen === 0) {
      const trials = latinHypercube(n, this.space.length, this.rng);
      return { trials, F: new Array<number>(n).fill(0), CR: new Array<number>(n).fill(0) };
    }
    if (this.opts.strategy === 'jade') {
      return jadeTrials(this.population, this.scores, this.archive, this.jade, this.rng);
    }
    return rand1binTrials(this.population, this.opts.F, this.opts.CR, this.rng);
  }

  /** Scores in slot order; throws unless `results` holds exactly the asked ids. */
  private matchResults(generation: number, n: number, results: readonly EvalResult[]): number[] {
    const scores = new Array<number | undefined>(n).fill(undefined);
    for (const r of results) {
      const m = /^g(\d+)-i(\d+)$/.exec(String(r?.id));
      const index = m && Number(m[1]) === generation ? Number(m[2]) : -1;
      if (!(index >= 0 && index < n))
        throw new Error(`DE tell(): unknown id ${JSON.stringify(r?.id)} for generation ${generation}`);
      if (scores[index] !== undefined) throw new Error(`DE tell(): duplicate id '${r.id}'`);
      scores[index] = sanitise(typeof r.score === 'number' ? r.score : NaN);
    }
    const missing = scores.flatMap((s, i) => (s === undefined ? [`g${generation}-i${i}`] : []));
    if (missing.length > 0) {
      throw new Error(`DE tell(): missing ${missing.length} of ${n} results, e.g. '${missing[0]}'`);
    }
    return scores as number[];
  }

  /**
   * One-to-one survivor selection: a trial replaces its parent when it scores <= the parent (ties move, which
   * lets DE drift across plateaus, as in scipy). Only strict improvements count as JADE successes and send the
   * parent to the archive (as in SHADE), so plateau moves don't steer μF/μCR.
   */
  private select(batch: TrialBatch, scores: readonly number[]): void {
    const successF: number[] = [];
    const successCR: number[] = [];
    scores.forEach((score, i) => {
      const parentScore = this.scores[i] as number;
      if (!(score <= parentScore)) return;
      if (score < parentScore) {
        successF.push(batch.F[i] as number);
        successCR.push(batch.CR[i] as number);
        if (this.opts.strategy === 'jade') this.archive.push(this.population[i] as number[]);
      }
      this.population[i] = [...(batch.trials[i] as number[])];
      this.scores[i] = score;
    });
    if (this.opts.strategy !== 'jade') return;
    // JADE keeps the archive at the population size by removing random members.
    while (this.archive.length > this.opts.popSize) this.archive.splice(this.rng.int(this.archive.length), 1);
    this.jade = adaptJade(this.jade, successF, successCR, this.opts.c);
  }

  /** scipy's test, skipped while any score is infinite (mean/std meaningless) or when tol = atol = 0. */
  private converged(): boolean {
    const { tol, atol } = this.opts;
    if (tol === 0 && atol === 0) return false;
    if (!this.scores.every(Number.isFinite)) return false;
    const m = mean(this.scores);
    return std(this.scores, m) <= atol + tol * Math.abs(m);
  }
}
