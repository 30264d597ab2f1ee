import { firstPassage } from './normal.js';

/**
 * Standardised distances `z = d/√V` at which past origins are scored. Spaced so that the model's raw
 * probability 2Φ(−z) runs from about 0.92 down to 0.001: every decile of predicted fill chance has points.
 */
export const CALIBRATION_GRID: readonly number[] = Object.freeze([
  0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1, 1.2, 1.4, 1.6, 1.85, 2.1, 2.4, 2.8, 3.3,
]);

/** The grid as a typed array: reading a frozen array's numbers is several times slower in the hot paths. */
const GRID = Float64Array.from(CALIBRATION_GRID);
const LAST = GRID.length - 1;
const GRID_FIRST = GRID[0]!;
const GRID_LAST = GRID[LAST]!;
/** The raw model at the last grid point, which the tail is scaled by. */
const RAW_LAST = firstPassage(GRID_LAST);

/**
 * The spacing in z of the samples a query interpolates between (Calibration.sampleAt). Every grid point is a
 * multiple of it, so the samples reproduce the piecewise-linear curve exactly (up to rounding).
 */
const LUT_STEP = 0.05;
const LUT_SIZE = Math.round(GRID_LAST / LUT_STEP);

/**
 * Map from the model's standardised distance z to the fill rate actually seen, for one asset class.
 *
 * Learns from resolved origins only (see FillModel: an origin is resolved once its horizon is over, so no
 * look-ahead). Each grid point's rate is shrunk toward the raw first-passage value by `priorWeight`
 * pseudo-trials, so an empty or thin calibration is the raw model; the shrunk rates are then made
 * non-increasing in z by pool-adjacent-violators (isotonic regression), so the calibrated probability keeps
 * falling with distance. Between grid points it interpolates linearly; below the first point it runs to 1 at
 * z = 0, beyond the last it follows the raw curve scaled to meet the last point.
 */
export class Calibration {
  /** Outcomes added one at a time (`add`), per grid point. */
  private readonly pointHits: Float64Array;
  private readonly pointTrials: Float64Array;
  /**
   * Outcomes of whole origins (`addOrigin`), kept as counts: every origin is two trials at every grid point,
   * and the points a side hits are a prefix of the grid, so `prefixes[c]` counts the sides that hit exactly
   * the first `c` points. The per-point hits are its suffix sums (see `hits`).
   */
  private origins = 0;
  private readonly prefixes: Float64Array;
  private readonly table: Float64Array;
  private readonly raw: Float64Array;
  /**
   * sampleAt(j) for every j, computed at each refit: a decision values hundreds of orders between two
   * refits, and a full table lets a query read two samples with no check (67 samples per refit).
   */
  private readonly samples = new Float64Array(LUT_SIZE + 1);
  private dirty = true;
  // Scratch of refit, which runs after every bar that resolves origins: allocated once.
  private readonly value: Float64Array;
  private readonly weight: Float64Array;
  private readonly blocks: IsotonicScratch;

  constructor(private readonly priorWeight: number) {
    const n = CALIBRATION_GRID.length;
    this.pointHits = new Float64Array(n);
    this.pointTrials = new Float64Array(n);
    this.prefixes = new Float64Array(n + 1);
    this.table = new Float64Array(n);
    this.raw = Float64Array.from(CALIBRATION_GRID, (z) => firstPassage(z));
    this.value = new Float64Array(n);
    this.weight = new Float64Array(n);
    this.blocks = isotonicScratch(n);
  }

  /** One resolved outcome at grid point k. */
  add(k: number, hit: boolean): void {
    this.pointTrials[k]! += 1;
    if (hit) this.pointHits[k]! += 1;
    this.dirty = true;
  }

  /**
   * One resolved origin, both sides at every grid distance `z·scale` (scale = √V of its horizon): a buy
   * would have filled when the price fell `down` in log terms, a sell when it rose `up`.
   */
  addOrigin(down: number, up: number, scale: number): void {
    this.addSides(hitPrefix(down, scale), hitPrefix(up, scale));
  }

  /**
   * One resolved origin by how many grid points each side reached (hitPrefix of its move): what addOrigin
   * adds, for a caller that kept the counts (a FillTape replaying the model).
   */
  addSides(downPoints: number, upPoints: number): void {
    this.origins++;
    this.prefixes[downPoints]! += 1;
    this.prefixes[upPoints]! += 1;
    this.dirty = true;
  }

  /** Hits per grid point so far (a copy). */
  get hits(): Float64Array {
    const out = new Float64Array(this.pointHits.length);
    this.hitsInto(out);
    return out;
  }

  /** Trials per grid point so far (a copy). */
  get trials(): Float64Array {
    const out = new Float64Array(this.pointTrials.length);
    this.trialsInto(out);
    return out;
  }

  /** Outcomes seen so far, over all grid points. */
  get observations(): number {
    let s = 0;
    for (let k = 0; k < this.pointTrials.length; k++) s += this.pointTrials[k]!;
    return s + 2 * this.origins * this.pointTrials.length;
  }

  /** The calibrated fill probability at standardised distance z > 0 (1 for z ≤ 0; NaN stays NaN). */
  probability(z: number): number {
    if (z <= 0) return 1;
    if (this.dirty) this.refit();
    // Inside the grid (most queries): two samples and a straight line, small enough to be inlined.
    if (insideGrid(z)) return interpolate(this.samples, z);
    return this.outsideGrid(z);
  }

  /**
   * The curve's samples, fitted first if outcomes came since the last fit: a caller valuing many orders at
   * once reads them for `interpolate` (inside the grid) and asks `outsideGrid` for the rest, with no fit
   * check per order. Valid until the next outcome is added.
   */
  fittedSamples(): Float64Array {
    if (this.dirty) this.refit();
    return this.samples;
  }

  /** probability(z) at or below the first grid point, at or beyond the last, or for NaN (fitted). */
  outsideGrid(z: number): number {
    const table = this.table;
    if (z <= GRID_FIRST) return 1 + (table[0]! - 1) * (z / GRID_FIRST);
    if (z >= GRID_LAST) return tailProbability(table[LAST]!, z);
    return Number.NaN;
  }

  /**
   * The fitted value at the last grid point: probability(z) for z at or beyond it is tailProbability(this, z),
   * never above it (the raw curve falls with z). Fitted.
   */
  tailCeiling(): number {
    if (this.dirty) this.refit();
    return this.table[LAST]!;
  }

  /**
   * The curve sampled at z = j·LUT_STEP (running to 1 at z = 0 below the first grid point, flat beyond the
   * last), by the segment and weight found once for the grid (LUT_SEGMENT): a refit fills the samples from
   * the fitted values, and queries interpolate between two of them.
   */
  private sampleAt(j: number): number {
    const table = this.table;
    const lo = LUT_SEGMENT[j]!;
    if (lo >= 0) return table[lo]! + (table[lo + 1]! - table[lo]!) * LUT_WEIGHT[j]!;
    return lo === BELOW_GRID ? 1 + (table[0]! - 1) * LUT_WEIGHT[j]! : table[LAST]!;
  }

  /** The calibrated value at each grid point (a copy), for reports. */
  curve(): Float64Array {
    if (this.dirty) this.refit();
    return this.table.slice();
  }

  /** Hits per grid point into `out`: the single outcomes plus every side whose prefix reaches the point. */
  private hitsInto(out: Float64Array): void {
    const prefixes = this.prefixes;
    let reaching = 0;
    for (let k = out.length - 1; k >= 0; k--) {
      reaching += prefixes[k + 1]!;
      out[k] = this.pointHits[k]! + reaching;
    }
  }

  private trialsInto(out: Float64Array): void {
    const fromOrigins = 2 * this.origins;
    for (let k = 0; k < out.length; k++) out[k] = this.pointTrials[k]! + fromOrigins;
  }

  private refit(): void {
    const n = this.table.length;
    const k = this.priorWeight;
    const value = this.value;
    const weight = this.weight;
    const hits = value;
    this.trialsInto(weight);
    this.hitsInto(hits);
    for (let i = 0; i < n; i++) {
      weight[i]! += k;
      value[i] = weight[i]! > 0 ? (hits[i]! + k * this.raw[i]!) / weight[i]! : this.raw[i]!;
    }
    isotonicNonIncreasing(value, weight, this.table, this.blocks);
    const samples = this.samples;
    for (let j = 0; j <= LUT_SIZE; j++) samples[j] = this.sampleAt(j);
    this.dirty = false;
  }
}

/**
 * The curve at or beyond the last grid point: the raw first-passage curve scaled to meet `ceiling`, the fitted
 * value there (Calibration.tailCeiling). One expression, so that a chance computed later from a kept `z` and
 * ceiling is the very number the calibration gives.
 */
export function tailProbability(ceiling: number, z: number): number {
  return (ceiling * firstPassage(z)) / RAW_LAST;
}

/** Whether `z` lies at or beyond the last grid point, where tailProbability gives the curve. */
export function beyondGrid(z: number): boolean {
  return z >= GRID_LAST;
}

/** Whether `probability(z)` reads the samples (strictly between the first and the last grid point). */
export function insideGrid(z: number): boolean {
  return z > GRID_FIRST && z < GRID_LAST;
}

/** The curve at z inside the grid (insideGrid), from its samples (Calibration.fittedSamples): two samples and a straight line. */
export function interpolate(samples: Float64Array, z: number): number {
  const x = z / LUT_STEP;
  const k = x | 0;
  const at = samples[k]!;
  return at + (samples[k + 1]! - at) * (x - k);
}

/**
 * How many grid points a side that moved `x` (log terms) reached, for an origin whose horizon has √V = `scale`:
 * the first `c`, where `x >= z·scale`.
 */
export function hitPrefix(x: number, scale: number): number {
  // z·scale grows with z (rounding is monotone), so the points reached are a prefix of the grid.
  let c = 0;
  while (c <= LAST && x >= GRID[c]! * scale) c++;
  return c;
}

const BELOW_GRID = -1;
const BEYOND_GRID = -2;

/**
 * For each lookup entry `j` (z = j·LUT_STEP): the grid segment it lies in (its lower point; BELOW_GRID at or
 * below the first point, BEYOND_GRID at or beyond the last) and its weight there: the grid is fixed, so only
 * the fitted values change with a refit.
 */
const LUT_SEGMENT = new Int32Array(LUT_SIZE + 1);
const LUT_WEIGHT = new Float64Array(LUT_SIZE + 1);
for (let j = 0, lo = 0; j <= LUT_SIZE; j++) {
  const z = j * LUT_STEP;
  if (z <= GRID_FIRST) {
    LUT_SEGMENT[j] = BELOW_GRID;
    LUT_WEIGHT[j] = z / GRID_FIRST;
  } else if (z >= GRID_LAST) {
    LUT_SEGMENT[j] = BEYOND_GRID;
  } else {
    while (GRID[lo + 1]! <= z) lo++;
    LUT_SEGMENT[j] = lo;
    LUT_WEIGHT[j] = (z - GRID[lo]!) / (GRID[lo + 1]! - GRID[lo]!);
  }
}

interface IsotonicScratch {
  value: Float64Array;
  weight: Float64Array;
  size: Int32Array;
}

function isotonicScratch(n: number): IsotonicScratch {
  return { value: new Float64Array(n), weight: new Float64Array(n), size: new Int32Array(n) };
}

/** Weighted pool-adjacent-violators: the closest non-increasing sequence to `value` (weighted least squares). */
export function isotonicNonIncreasing(
  value: Float64Array,
  weight: Float64Array,
  out: Float64Array,
  scratch: IsotonicScratch = isotonicScratch(value.length),
): void {
  const n = value.length;
  const blockValue = scratch.value;
  const blockWeight = scratch.weight;
  const blockSize = scratch.size;
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    blockValue[blocks] = value[i]!;
    blockWeight[blocks] = weight[i]! > 0 ? weight[i]! : 1e-12;
    blockSize[blocks] = 1;
    blocks++;
    // A later block above an earlier one violates "non-increasing": pool them.
    while (blocks > 1 && blockValue[blocks - 1]! > blockValue[blocks - 2]!) {
      const w = blockWeight[blocks - 2]! + blockWeight[blocks - 1]!;
      blockValue[blocks - 2] =
        (blockValue[blocks - 2]! * blockWeight[blocks - 2]! +
          blockValue[blocks - 1]! * blockWeight[blocks - 1]!) /
        w;
      blockWeight[blocks - 2] = w;
      blockSize[blocks - 2]! += blockSize[blocks - 1]!;
      blocks--;
    }
  }
  let at = 0;
  for (let b = 0; b < blocks; b++) for (let j = 0; j < blockSize[b]!; j++) out[at++] = blockValue[b]!;
}
