import type { TimeMs } from '../types.js';

/**
 * What every order of a symbol shares at one `now`: its σ per √hour and its next bar (the bar's end, the
 * variance over it and that variance's square root). A decision values many orders of few symbols, so each
 * symbol's values are computed once per generation: a new generation begins when `now` or the model's version
 * changes. σ depends on the version alone and √variance on the variance, so a new time whose next bar has the
 * same variance keeps both (`keeps`).
 */
export class NextBarWindows {
  private now = Number.NaN;
  private version = -1;
  /** The current generation; a symbol whose `stamp` equals it has its values for this `now` and version. */
  generation = 0;
  readonly stamp: Float64Array;
  readonly sigma: Float64Array;
  readonly end: Float64Array;
  readonly variance: Float64Array;
  readonly sqrt: Float64Array;
  /** The version σ and √variance were computed at (−1: never): they hold while it and the variance stay. */
  readonly keptAt: Float64Array;

  constructor(symbols: number) {
    this.stamp = new Float64Array(symbols);
    this.sigma = new Float64Array(symbols);
    this.end = new Float64Array(symbols);
    this.variance = new Float64Array(symbols);
    this.sqrt = new Float64Array(symbols);
    this.keptAt = new Float64Array(symbols).fill(-1);
  }

  /** A new generation when `now` or the version has changed since the last call. */
  begin(now: TimeMs, version: number): void {
    if (now !== this.now || version !== this.version) {
      this.now = now;
      this.version = version;
      this.generation++;
    }
  }

  /** Symbol i's σ and next-bar variance at this version. */
  keep(i: number, version: number, sigma: number, v: number): void {
    this.keptAt[i] = version;
    this.sigma[i] = sigma;
    this.variance[i] = v;
    this.sqrt[i] = Math.sqrt(v);
  }
}
