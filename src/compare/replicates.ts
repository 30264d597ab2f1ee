/**
 * Replicated windows (`compare --replicates n`). One path per window is mostly noise: every decision changes
 * all that follows, so even a meaningless change of the order size (sim.orderFraction 0.25 → 0.2501, stealing
 * off on both sides) moves a window's ΔSharpe about as much as stealing does. So each window is simulated n
 * times per side, replicate r with the order size scaled by a tiny fixed factor 1 + δ_r applied to BOTH sides
 * (the pair stays paired), and the window's numbers are the means over the replicates.
 *
 * The factors: δ_0 = 0 (replicate 0 is the single path of n = 1), then +s, −s, +2s, −2s, … with
 * s = 0.2% / ⌈(n − 1)/2⌉, so the outermost replicates sit at ±0.2% (for n = 7: 0, ±0.0667%, ±0.1333%, ±0.2%).
 * Deterministic: no generator, the same n gives the same paths. sim.orderFraction is read only to size entry
 * orders (`orderFraction × equity` at the limit, src/session/entry.ts), so the factor changes sizes and
 * nothing else.
 */
import type { WorkstealConfig } from '../core/config/schema.js';
import { combineClassPairs } from '../sim/regret.js';
import type { SideMetrics } from './window-run.js';

/** The widest relative change of the order size among the replicates. */
export const REPLICATE_SPREAD = 0.002;

/** δ_r for r = 0 … n − 1 (see the file comment). */
export function replicateDeltas(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`replicates must be a whole number >= 1: ${n}`);
  const step = n > 1 ? REPLICATE_SPREAD / Math.ceil((n - 1) / 2) : 0;
  return Array.from({ length: n }, (_, r) => (r === 0 ? 0 : (r % 2 ? 1 : -1) * Math.ceil(r / 2) * step));
}

/**
 * A side's config with its own order size scaled by 1 + δ (the value the side resolved to, whoever set it),
 * kept within the schema's (0, 1]. δ = 0 gives the config itself, untouched.
 */
export function perturbOrderFraction(config: WorkstealConfig, delta: number): WorkstealConfig {
  if (delta === 0) return config;
  const orderFraction = Math.min(1, config.sim.orderFraction * (1 + delta));
  return { ...config, sim: { ...config.sim, orderFraction } };
}

/** One replicate of one window: both sides at the same order-size factor. */
export interface ReplicatePair {
  delta: number;
  /** The order sizes the two sides ran with (each side's own value × (1 + δ)). */
  orderFraction: { a: number; b: number };
  a: SideMetrics;
  b: SideMetrics;
  /** A − B in this replicate. */
  diffSharpe: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Root mean square of the finite values; NaN when there is none. */
export function rms(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite);
  return f.length ? Math.sqrt(mean(f.map((x) => x * x))) : Number.NaN;
}

/**
 * A side's metrics over its replicates: every number is the mean. Counts (steals, victims) become means too,
 * so steals per victim summed over windows is the pooled ratio. The net regret's standard error is the mean
 * of the replicates' errors: the replicates share the data and are far from independent, and whatever their
 * correlation the error of a mean is at most the mean of the errors (the triangle inequality), so this is an
 * honest upper bound where dividing by √n would claim independence the paths do not have.
 */
export function meanMetrics(ms: readonly SideMetrics[]): SideMetrics {
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(ms[0]!)) {
    if (k === 'regretByClass') continue;
    out[k] = mean(ms.map((m) => (m as unknown as Record<string, number>)[k]!));
  }
  if (ms[0]!.regretByClass)
    out.regretByClass = combineClassPairs(
      ms.map((m) => m.regretByClass ?? []),
      'mean',
    );
  return out as unknown as SideMetrics;
}

/**
 * The replicate pairs of one window as one: each side the mean of its replicates, ΔSharpe the mean of the
 * paired differences, and how far the differences spread across replicates (their sample standard deviation:
 * the noise of a single path).
 */
export function replicatedSides(reps: readonly ReplicatePair[]): {
  a: SideMetrics;
  b: SideMetrics;
  diffSharpe: number;
  sharpeSpread: number;
} {
  const diffs = reps.map((r) => r.diffSharpe);
  return {
    a: meanMetrics(reps.map((r) => r.a)),
    b: meanMetrics(reps.map((r) => r.b)),
    diffSharpe: mean(diffs),
    sharpeSpread: sampleSd(diffs),
  };
}

/** What `compare --replicates` records about its replicates. */
export interface ReplicateInfo {
  count: number;
  deltas: number[];
}
