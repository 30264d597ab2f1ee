import type { AssetClass } from '../types.js';

export interface ReturnShrinkerOptions {
  /** Asset class per symbol index. */
  assetClasses: readonly AssetClass[];
  /** Expected net return per fill before anything is known (a fraction: 0.002 = 0.2%). Default 0.002. */
  prior?: number;
  /** Pseudo-fills pulling a symbol's mean toward its asset class's mean. Default 30. */
  symbolWeight?: number;
  /** Pseudo-fills pulling an asset class's mean toward the prior. Default 30. */
  classWeight?: number;
}

/**
 * Expected net return given a fill, per symbol (`e` of README "Value-aware stealing: does it pay?", not the
 * raw forecast edge). Records the realised net return of each closed trade; the estimate is the symbol's mean
 * shrunk toward its asset class's mean, which is itself shrunk toward the prior:
 * `(n·mean + k·parent) / (n + k)`. A symbol with no trades gets its class's estimate; a class with none gets
 * the prior. Pure and allocation-free after construction.
 */
export class ReturnShrinker {
  private readonly cls: Uint8Array;
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  /** expectedReturn(i) as last computed, and the version it was computed at (−1: never). */
  private readonly estimate: Float64Array;
  private readonly estimateAt: Float64Array;
  private readonly classSum = new Float64Array(2);
  private readonly classCount = new Float64Array(2);
  private readonly prior: number;
  private readonly symbolWeight: number;
  private readonly classWeight: number;
  private records = 0;

  constructor(options: ReturnShrinkerOptions) {
    const n = options.assetClasses.length;
    this.cls = Uint8Array.from(options.assetClasses, (c) => (c === 'stock' ? 1 : 0));
    this.sum = new Float64Array(n);
    this.count = new Float64Array(n);
    this.estimate = new Float64Array(n);
    this.estimateAt = new Float64Array(n).fill(-1);
    this.prior = options.prior ?? 0.002;
    this.symbolWeight = options.symbolWeight ?? 30;
    this.classWeight = options.classWeight ?? 30;
  }

  /**
   * A closed trade of symbol `i` returned `netReturn` (pnl after fees / entry notional). Non-finite is ignored.
   * Answers whether it was recorded.
   */
  record(i: number, netReturn: number): boolean {
    if (!Number.isFinite(netReturn)) return false;
    this.records++;
    const c = this.cls[i]!;
    this.sum[i]! += netReturn;
    this.count[i]! += 1;
    this.classSum[c]! += netReturn;
    this.classCount[c]! += 1;
    return true;
  }

  /** Changes whenever a trade is recorded: an estimate cached at one version is valid until the next. */
  get version(): number {
    return this.records;
  }

  /** How many symbols it holds (its `assetClasses`): the symbol indices are 0 to this − 1. */
  get symbolCount(): number {
    return this.cls.length;
  }

  /** Trades recorded for symbol `i`. */
  trades(i: number): number {
    return this.count[i]!;
  }

  /**
   * Shrunk expected net return given a fill, for symbol `i`. It changes only when a trade is recorded, and a
   * decision asks it for every order valued: kept per symbol until the version moves.
   */
  expectedReturn(i: number): number {
    return this.estimateAt[i] === this.records ? this.estimate[i]! : this.estimateNow(i);
  }

  private estimateNow(i: number): number {
    const c = this.cls[i]!;
    const kc = this.classWeight;
    const classMean = (this.classSum[c]! + kc * this.prior) / (this.classCount[c]! + kc);
    const ks = this.symbolWeight;
    const e = (this.sum[i]! + ks * classMean) / (this.count[i]! + ks);
    this.estimate[i] = e;
    this.estimateAt[i] = this.records;
    return e;
  }
}
