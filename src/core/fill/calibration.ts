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

/**
 * The lookup table's resolution in z. Every grid point is a multiple of it, so linear interpolation over the
 * table reproduces the piecewise-linear curve exactly (up to rounding).
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
  readonly hits: Float64Array;
  readonly trials: Float64Array;
  private readonly table: Float64Array;
  private readonly raw: Float64Array;
  /** The calibrated curve sampled every LUT_STEP of z up to the last grid point: an O(1) lookup per query. */
  private readonly lut = new Float64Array(LUT_SIZE + 1);
  private dirty = true;
  // Scratch of refit, which runs after every bar that resolves origins: allocated once.
  private readonly value: Float64Array;
  private readonly weight: Float64Array;
  private readonly blocks: IsotonicScratch;

  constructor(private readonly priorWeight: number) {
    const n = CALIBRATION_GRID.length;
    this.hits = new Float64Array(n);
    this.trials = new Float64Array(n);
    this.table = new Float64Array(n);
    this.raw = Float64Array.from(CALIBRATION_GRID, (z) => firstPassage(z));
    this.value = new Float64Array(n);
    this.weight = new Float64Array(n);
    this.blocks = isotonicScratch(n);
  }

  /** One resolved outcome at grid point k. */
  add(k: number, hit: boolean): void {
    this.trials[k]! += 1;
    if (hit) this.hits[k]! += 1;
    this.dirty = true;
  }

  /**
   * One resolved origin, both sides at every grid distance `z·scale` (scale = √V of its horizon): a buy
   * would have filled when the price fell `down` in log terms, a sell when it rose `up`.
   */
  addOrigin(down: number, up: number, scale: number): void {
    const trials = this.trials;
    const hits = this.hits;
    for (let k = 0; k <= LAST; k++) {
      const d = GRID[k]! * scale;
      trials[k]! += 2;
      if (down >= d) hits[k]! += 1;
      if (up >= d) hits[k]! += 1;
    }
    this.dirty = true;
  }

  /** Outcomes seen so far, over all grid points. */
  get observations(): number {
    let s = 0;
    for (let k = 0; k < this.trials.length; k++) s += this.trials[k]!;
    return s;
  }

  /** The calibrated fill probability at standardised distance z > 0 (1 for z ≤ 0; NaN stays NaN). */
  probability(z: number): number {
    if (z <= 0) return 1;
    if (this.dirty) this.refit();
    const table = this.table;
    if (z <= GRID_FIRST) return 1 + (table[0]! - 1) * (z / GRID_FIRST);
    if (z >= GRID_LAST) return (table[LAST]! * firstPassage(z)) / this.raw[LAST]!;
    const x = z / LUT_STEP;
    const k = x | 0;
    const lut = this.lut;
    return lut[k]! + (lut[k + 1]! - lut[k]!) * (x - k);
  }

  /** The curve by search over the grid (what the lookup table samples). */
  private exact(z: number): number {
    const grid = GRID;
    const table = this.table;
    const last = LAST;
    if (z <= grid[0]!) return 1 + (table[0]! - 1) * (z / grid[0]!);
    if (z >= grid[last]!) return table[last]!;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (grid[mid]! <= z) lo = mid;
      else hi = mid;
    }
    const w = (z - grid[lo]!) / (grid[hi]! - grid[lo]!);
    return table[lo]! + (table[hi]! - table[lo]!) * w;
  }

  /** The calibrated value at each grid point (a copy), for reports. */
  curve(): Float64Array {
    if (this.dirty) this.refit();
    return this.table.slice();
  }

  private refit(): void {
    const n = this.table.length;
    const k = this.priorWeight;
    const value = this.value;
    const weight = this.weight;
    for (let i = 0; i < n; i++) {
      weight[i] = this.trials[i]! + k;
      value[i] = weight[i]! > 0 ? (this.hits[i]! + k * this.raw[i]!) / weight[i]! : this.raw[i]!;
    }
    isotonicNonIncreasing(value, weight, this.table, this.blocks);
    this.fillLut();
    this.dirty = false;
  }

  /**
   * `lut[j] = exact(j·LUT_STEP)` with one walk along the grid instead of a search per entry: the same
   * segment and the same arithmetic, so the same numbers.
   */
  private fillLut(): void {
    const grid = GRID;
    const table = this.table;
    const last = LAST;
    let lo = 0;
    for (let j = 0; j <= LUT_SIZE; j++) {
      const z = j * LUT_STEP;
      if (z <= grid[0]! || z >= grid[last]!) {
        this.lut[j] = this.exact(z);
        continue;
      }
      while (grid[lo + 1]! <= z) lo++;
      const hi = lo + 1;
      const w = (z - grid[lo]!) / (grid[hi]! - grid[lo]!);
      this.lut[j] = table[lo]! + (table[hi]! - table[lo]!) * w;
    }
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
