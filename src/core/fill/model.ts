import type { ExchangeCalendar } from '../calendar/index.js';
import type { AssetClass, Side, TimeMs } from '../types.js';
import { Calibration, hitPrefix } from './calibration.js';
import { FillChances, type ChanceColumns } from './chances.js';
import type { FillModelOptions } from './model-options.js';
import { PendingOrigins } from './origins.js';
import type { FillState, FillTape, FillTapeReader } from './tape.js';

const HOUR_MS = 3_600_000;

export * from './model-options.js';

const CLASS_INDEX: Record<AssetClass, number> = { crypto: 0, stock: 1 };

/**
 * Causal fill-probability model (README "Value-aware stealing: does it pay?"). Pure: no I/O, no clock;
 * everything it knows comes through `onBar`, so the simulator and the live runtime get the same answers from
 * the same bars.
 *
 * Contract for the driver (the trading session):
 * - Call `onBar(i, t, o, h, l, c, barMs)` once per CLOSED bar of symbol `i`, in time order per symbol, with
 *   `t` the bar's OPEN time (epoch ms UTC) and `barMs` its actual length (a 30-minute last bar says so).
 *   A stock bar outside the regular session is ignored (a stock cannot fill there; the gap term covers the
 *   overnight move). Never feed a bar that has not closed: that would be look-ahead.
 * - Query with `fillProbability(i, side, limit, refPrice, now, validUntil)` at any `now` after the bars fed.
 *   It returns the calibrated chance that the limit is touched before `validUntil` (capped at
 *   `maxHorizonMs`): 1 when marketable, NaN while the symbol has too few bars for a volatility or an input
 *   is not a positive price. A NaN is "unknown", never "unlikely": callers must treat it so.
 * - The model learns its calibration by itself: every bar close of a symbol with a volatility is an origin;
 *   once `calibrationHorizonMs` has passed (a later bar opens after it), its outcome at each grid distance
 *   is added to its asset class. `setLearning(false)` freezes the calibration (volatility keeps updating).
 *
 * Variance over `(now, until]`: crypto `rate × (until − now)`; a stock `rate × regular-session ms + opens ×
 * gap variance`, so over a window with the market closed throughout it is the gap term alone. Tradable time
 * is capped at `maxHorizonMs` (a stock's window reaches as many sessions as that takes).
 */
export class FillModel {
  private readonly calendar: ExchangeCalendar;
  private readonly stock: Uint8Array;
  private readonly alpha: Float64Array;
  private readonly gapAlpha: number;
  private readonly minBars: number;
  private readonly maxHorizonMs: number;
  private readonly horizonMs: number;
  /** EWMA of Rogers–Satchell variance per millisecond of bar. */
  private readonly rate: Float64Array;
  /** EWMA of ln²(open / previous session's last close), per session open (stocks). */
  private readonly gap: Float64Array;
  private readonly bars: Int32Array;
  private readonly gaps: Int32Array;
  private readonly lastClose: Float64Array;
  private readonly lastSessionOpen: Float64Array;
  private readonly barLength: Float64Array;
  private readonly calibrations: [Calibration, Calibration];
  private learning = true;
  private bumps = 0;
  private readonly origins: PendingOrigins;
  /** Scores a resolved origin (bound once: the origins call it for every resolution). */
  private readonly resolved = (
    i: number,
    close: number,
    sqrtV: number,
    minLow: number,
    maxHigh: number,
  ): void => {
    if (this.learning) this.score(i, close, sqrtV, minLow, maxHigh);
  };
  private readonly state: FillState;
  private readonly chances: FillChances;
  private readonly recorder: FillTape | null;
  private readonly reader: FillTapeReader | null;

  constructor(options: FillModelOptions) {
    const n = options.assetClasses.length;
    this.calendar = options.calendar;
    this.stock = Uint8Array.from(options.assetClasses, (c) => (c === 'stock' ? 1 : 0));
    const halfLife = { crypto: 48, stock: 26, ...options.halfLifeBars };
    this.alpha = Float64Array.from(options.assetClasses, (c) => 1 - Math.pow(2, -1 / halfLife[c]));
    this.gapAlpha = 1 - Math.pow(2, -1 / (options.gapHalfLife ?? 20));
    this.minBars = options.minBars ?? 20;
    this.maxHorizonMs = options.maxHorizonMs ?? 48 * HOUR_MS;
    this.horizonMs = options.calibrationHorizonMs ?? 24 * HOUR_MS;
    const prior = options.calibrationPriorWeight ?? 50;
    this.calibrations = [new Calibration(prior), new Calibration(prior)];
    this.rate = new Float64Array(n);
    this.gap = new Float64Array(n);
    this.bars = new Int32Array(n);
    this.gaps = new Int32Array(n);
    this.lastClose = new Float64Array(n).fill(Number.NaN);
    this.lastSessionOpen = new Float64Array(n).fill(Number.NaN);
    this.barLength = new Float64Array(n);
    this.origins = new PendingOrigins(n, options.maxPendingOrigins ?? 512);
    const { rate, gap, bars, gaps, barLength, stock, calibrations } = this;
    this.state = { rate, gap, bars, gaps, barLength, stock, calibrations };
    this.chances = new FillChances(this.state, this.calendar, this.minBars, this.maxHorizonMs);
    const tape = options.tape;
    this.reader = tape?.complete ? tape.reader() : null;
    this.recorder = tape && !tape.complete ? tape : null;
  }

  /** Changes whenever a bar is fed: an answer cached at one version is valid until the next. */
  get version(): number {
    return this.bumps;
  }

  /** How many symbols the model holds (its `assetClasses`): the symbol indices are 0 to this − 1. */
  get symbolCount(): number {
    return this.stock.length;
  }

  /** Freeze (false) or resume (true) learning the calibration from resolved origins. */
  setLearning(on: boolean): void {
    this.learning = on;
  }

  /** The calibration of an asset class (for reports). */
  calibration(assetClass: AssetClass): Calibration {
    return this.calibrations[CLASS_INDEX[assetClass]]!;
  }

  /** Feed one closed bar of symbol `i` (see the class contract). Bars with a non-positive price are skipped. */
  onBar(i: number, t: TimeMs, o: number, h: number, l: number, c: number, barMs: number): void {
    if (this.reader) {
      this.bumps += this.reader.replay(i, t, this.state);
      return;
    }
    this.recorder?.begin(i, t, this.bumps);
    this.learnBar(i, t, o, h, l, c, barMs);
    this.recorder?.end(i, this.state, this.bumps);
  }

  private learnBar(i: number, t: TimeMs, o: number, h: number, l: number, c: number, barMs: number): void {
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && barMs > 0)) return;
    this.bumps++;
    if (this.stock[i] === 1) {
      const session = this.calendar.sessionAt(t);
      if (!session) return;
      if (session.open !== this.lastSessionOpen[i]) {
        const prev = this.lastClose[i]!;
        if (prev > 0) {
          const g = Math.log(o / prev);
          this.gap[i] = this.gaps[i] === 0 ? g * g : this.gap[i]! + this.gapAlpha * (g * g - this.gap[i]!);
          this.gaps[i]!++;
        }
        this.lastSessionOpen[i] = session.open;
      }
    }
    this.origins.bar(i, t, h, l, this.resolved);
    // Rogers–Satchell: unbiased under drift, from one bar's OHLC.
    const lh = Math.log(h);
    const ll = Math.log(l);
    const lo = Math.log(o);
    const lc = Math.log(c);
    const rs = Math.max(0, (lh - lo) * (lh - lc) + (ll - lo) * (ll - lc)) / barMs;
    this.rate[i] = this.bars[i] === 0 ? rs : this.rate[i]! + this.alpha[i]! * (rs - this.rate[i]!);
    this.bars[i]!++;
    this.lastClose[i] = c;
    this.barLength[i] = barMs;
    if (this.learning && this.ready(i)) this.addOrigin(i, t + barMs, c);
  }

  /** The symbol has enough history for a volatility. */
  ready(i: number): boolean {
    return this.chances.ready(i);
  }

  /** Volatility per √hour of trading (NaN until ready). */
  sigmaPerHour(i: number): number {
    return this.chances.sigmaPerHour(i);
  }

  /** Opening-gap variance of a stock (0 for crypto; NaN until ready). */
  gapVariance(i: number): number {
    return this.chances.gapVariance(i);
  }

  /** Log-price variance over `(from, to]`, tradable time only plus one gap per session open (NaN until ready). */
  variance(i: number, from: TimeMs, to: TimeMs): number {
    return this.chances.variance(i, from, to);
  }

  /** Calibrated chance that the limit is touched before `validUntil` (see the class contract). */
  fillProbability(
    i: number,
    side: Side,
    limit: number,
    refPrice: number,
    now: TimeMs,
    validUntil: TimeMs,
  ): number {
    return this.chances.fillProbability(this.bumps, i, side, limit, refPrice, now, validUntil);
  }

  /** FillChances.evaluate at this version: FILL_P, FILL_P_NEXT_BAR and FILL_SIGMA_HOUR of one order into `out`. */
  evaluate(
    i: number,
    side: Side,
    limit: number,
    refPrice: number,
    now: TimeMs,
    validUntil: TimeMs,
    out: Float64Array,
  ): void {
    this.chances.evaluate(this.bumps, i, side, limit, refPrice, now, validUntil, out);
  }

  /** FillChances.evaluateDistance at this version (`evaluate` from a kept log distance). */
  evaluateDistance(i: number, d: number, now: TimeMs, validUntil: TimeMs, out: Float64Array): void {
    this.chances.evaluateDistance(this.bumps, i, d, now, validUntil, out);
  }

  /** FillChances.evaluateRows at this version: the chances of a decision's orders, in columns. */
  evaluateRows(
    rows: Int32Array,
    count: number,
    now: TimeMs,
    columns: ChanceColumns,
    deferBelow = Number.NEGATIVE_INFINITY,
  ): void {
    this.chances.evaluateRows(this.bumps, rows, count, now, columns, deferBelow);
  }

  /** The calibration class of symbol i: 0 crypto, 1 stock (fixed for the model's life). */
  classOf(i: number): number {
    return this.stock[i]!;
  }

  /**
   * The tail ceiling (Calibration.tailCeiling) of calibration class `c` at this version: with the row's
   * class, what resolves a next-bar chance evaluateRows deferred (resolveNextBar).
   */
  tailCeiling(c: number): number {
    return this.calibrations[c]!.tailCeiling();
  }

  private addOrigin(i: number, closeTime: TimeMs, close: number): void {
    if (this.origins.full(i)) return;
    const end = closeTime + this.horizonMs;
    const v = this.variance(i, closeTime, end);
    if (v > 0) this.origins.add(i, closeTime, end, close, Math.sqrt(v));
  }

  /** Both sides of one origin at every grid distance: a buy fills when the low reaches close·e^(−d). */
  private score(i: number, close: number, sqrtV: number, minLow: number, maxHigh: number): void {
    const down = minLow < Number.POSITIVE_INFINITY ? Math.log(close / minLow) : Number.NEGATIVE_INFINITY;
    const up = maxHigh > 0 ? Math.log(maxHigh / close) : Number.NEGATIVE_INFINITY;
    const downPoints = hitPrefix(down, sqrtV);
    const upPoints = hitPrefix(up, sqrtV);
    this.calibrations[this.stock[i]!]!.addSides(downPoints, upPoints);
    this.recorder?.origin(downPoints, upPoints);
  }
}
