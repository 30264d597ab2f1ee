import type { ExchangeCalendar } from '../calendar/index.js';
import type { Side, TimeMs } from '../types.js';
import { beyondGrid, insideGrid, interpolate, tailProbability } from './calibration.js';
import { logDistance } from './distance.js';
import { TradableProfile } from './horizon.js';
import { FILL_P, FILL_P_NEXT_BAR, FILL_SIGMA_HOUR, FILL_SLOTS } from './model-options.js';
import { NextBarWindows, nextBarEnd } from './next-bar.js';
import type { FillState } from './tape.js';

const HOUR_MS = 3_600_000;

/**
 * The columns of FillChances.evaluateRows, by row: what it reads (`symbol`: the model's index of the order's
 * symbol; `distance`: its side-aware log distance, logDistance; `until`: when it stops being valid) and what
 * it writes. `nextBarVariance[r]` says what `nextBar[r]` holds: the chance over the symbol's shared next-bar
 * window of that variance, or NaN (none, or the validity's own window). The chance is a function of the
 * distance, the variance and the calibration alone, so a caller that keeps both columns for a row while its
 * distance and the model's version stay has it taken as it is whenever the window's variance is the same
 * again (a crypto's next bar at any time, a stock's next hour inside one session); otherwise the row must
 * hold NaN. A next-bar chance may be left for later (evaluateRows' `deferBelow`): `nextBar[r]` then holds
 * its curve argument negated, a deferred chance that resolveNextBar turns into the chance.
 */
export interface ChanceColumns {
  readonly symbol: Int32Array;
  readonly distance: Float64Array;
  readonly until: Float64Array;
  readonly probability: Float64Array;
  readonly nextBar: Float64Array;
  readonly nextBarVariance: Float64Array;
  readonly sigma: Float64Array;
  /**
   * Optional, kept by the caller with the rows: what a stock row's validity reaches in the tradable profile
   * (TradableProfile.reach: `windowTradable`, `windowOpens`), for the validity `windowTo` at the profile's
   * `windowEpoch` (0: none). A row whose validity and epoch stay then takes its window from them.
   */
  readonly windowTo?: Float64Array;
  readonly windowEpoch?: Float64Array;
  readonly windowTradable?: Float64Array;
  readonly windowOpens?: Float64Array;
}

/** The row list of a one-row evaluation. */
const ONE_ROW = new Int32Array(1);

/**
 * What a FillModel answers from its state (FillState: what the bars taught it): readiness, σ, the variance
 * over a window and the calibrated chances of orders. The model owns the state and passes its version to
 * every call, so that what is shared by a symbol's orders (σ and its next bar, see NextBarWindows) is
 * computed once and kept while the version and the next bar's window stay. Pure: no I/O, no clock.
 */
export class FillChances {
  private readonly rate: Float64Array;
  private readonly gap: Float64Array;
  private readonly bars: Int32Array;
  private readonly gaps: Int32Array;
  private readonly barLength: Float64Array;
  private readonly stock: Uint8Array;
  private readonly calibrations: FillState['calibrations'];
  private readonly profile: TradableProfile;
  private readonly next: NextBarWindows;
  private readonly scratch = new Float64Array(2);
  /** fillProbability's answer slots. */
  private readonly slots = new Float64Array(FILL_SLOTS);
  /** The columns of evaluateDistance's one row. */
  private readonly one: ChanceColumns = {
    symbol: new Int32Array(1),
    distance: new Float64Array(1),
    until: new Float64Array(1),
    probability: new Float64Array(1),
    nextBar: new Float64Array(1),
    nextBarVariance: new Float64Array(1),
    sigma: new Float64Array(1),
  };

  constructor(
    state: FillState,
    calendar: ExchangeCalendar,
    private readonly minBars: number,
    private readonly maxHorizonMs: number,
  ) {
    ({
      rate: this.rate,
      gap: this.gap,
      bars: this.bars,
      gaps: this.gaps,
      barLength: this.barLength,
      stock: this.stock,
      calibrations: this.calibrations,
    } = state);
    this.profile = new TradableProfile(calendar, maxHorizonMs);
    this.next = new NextBarWindows(state, this.profile, minBars, maxHorizonMs);
  }

  /** The symbol has enough history for a volatility. */
  ready(i: number): boolean {
    return this.bars[i]! >= this.minBars && (this.stock[i] === 0 || this.gaps[i]! > 0);
  }

  /** Volatility per √hour of trading (NaN until ready). */
  sigmaPerHour(i: number): number {
    return this.ready(i) ? Math.sqrt(this.rate[i]! * HOUR_MS) : Number.NaN;
  }

  /** Opening-gap variance of a stock (0 for crypto; NaN until ready). */
  gapVariance(i: number): number {
    return this.ready(i) ? (this.stock[i] === 1 ? this.gap[i]! : 0) : Number.NaN;
  }

  /** Log-price variance over `(from, to]`, tradable time only plus one gap per session open (NaN until ready). */
  variance(i: number, from: TimeMs, to: TimeMs): number {
    if (!this.ready(i)) return Number.NaN;
    if (!(to > from)) return 0;
    if (this.stock[i] === 0) return cappedVariance(this.rate[i]!, to - from, this.maxHorizonMs);
    return this.stockVariance(i, from, to);
  }

  /** variance() of a ready stock over `(from, to]`, `to > from`. */
  private stockVariance(i: number, from: TimeMs, to: TimeMs): number {
    this.profile.window(from, to, this.scratch);
    return this.rate[i]! * this.scratch[0]! + this.scratch[1]! * this.gap[i]!;
  }

  /** Row r's reach of its validity `u` in the profile (TradableProfile.reach), kept in its columns. */
  private keepReach(r: number, u: TimeMs, columns: ChanceColumns): void {
    const profile = this.profile;
    const reached = this.scratch;
    profile.reach(u, reached);
    columns.windowTradable![r] = reached[0]!;
    columns.windowOpens![r] = reached[1]!;
    // Past the sessions looked up, the reach is their total so far: not kept (epoch 0 is none).
    columns.windowEpoch![r] = profile.settled(u) ? profile.epoch : 0;
    columns.windowTo![r] = u;
  }

  /** Calibrated chance that the limit is touched before `validUntil` (see the class contract). */
  fillProbability(
    version: number,
    i: number,
    side: Side,
    limit: number,
    refPrice: number,
    now: TimeMs,
    validUntil: TimeMs,
  ): number {
    this.evaluate(version, i, side, limit, refPrice, now, validUntil, this.slots);
    return this.slots[FILL_P]!;
  }

  /**
   * Everything a decision needs about one order in one call (one log, shared): into `out`, by slot,
   * FILL_P (until `validUntil`), FILL_P_NEXT_BAR (over one bar of this symbol's length) and FILL_SIGMA_HOUR.
   */
  evaluate(
    version: number,
    i: number,
    side: Side,
    limit: number,
    refPrice: number,
    now: TimeMs,
    validUntil: TimeMs,
    out: Float64Array,
  ): void {
    this.evaluateDistance(version, i, logDistance(side, limit, refPrice), now, validUntil, out);
  }

  /**
   * `evaluate` from the order's side-aware log distance `d` (logDistance: NaN for a bad price, ≤ 0 when
   * marketable): a caller that keeps `d` while the order's price and limit stay saves the logarithm.
   */
  evaluateDistance(
    version: number,
    i: number,
    d: number,
    now: TimeMs,
    validUntil: TimeMs,
    out: Float64Array,
  ): void {
    const one = this.one;
    one.symbol[0] = i;
    one.distance[0] = d;
    one.until[0] = validUntil;
    one.nextBarVariance[0] = Number.NaN;
    this.evaluateRows(version, ONE_ROW, 1, now, one);
    out[FILL_P] = one.probability[0]!;
    out[FILL_P_NEXT_BAR] = one.nextBar[0]!;
    out[FILL_SIGMA_HOUR] = one.sigma[0]!;
  }

  /**
   * The chances of a decision's orders, in columns (ChanceColumns): row `r = rows[k]` for every `k < count`
   * gets FILL_P in `probability[r]`, FILL_P_NEXT_BAR in `nextBar[r]` and FILL_SIGMA_HOUR in `sigma[r]`
   * (evaluateDistance is this for one row). The next bar ends at min(validity, now + bar): within the
   * validity it is the symbol's shared window, otherwise (a validity ending first, or an unknown one) the
   * very window the validity's chance was valued over.
   *
   * `deferBelow`: a next-bar chance beyond the calibration grid (the raw tail, an exponential each: about
   * half the rows after a bar close) whose class's tail ceiling is below it is left for later: `nextBar[r]`
   * gets −z (a deferred chance, see resolveNextBar), which is below any threshold a chance is compared with,
   * as the chance itself is below `deferBelow`. A kept deferred chance is resolved here when `deferBelow` no
   * longer covers it.
   */
  evaluateRows(
    version: number,
    rows: Int32Array,
    count: number,
    now: TimeMs,
    columns: ChanceColumns,
    deferBelow = Number.NEGATIVE_INFINITY,
  ): void {
    const { symbol, distance, until, probability, nextBar, nextBarVariance, sigma } = columns;
    const next = this.next;
    next.begin(now, version);
    // A symbol's shared values (NextBarWindows) are computed by its first row that finds them stale.
    const { sigma: sigmaNow, sqrt: nextBarSqrt, variance: windowVariance, validFor, key } = next;
    const { stock, calibrations, rate, maxHorizonMs, barLength } = this;
    // variance() and Calibration.probability() written out for the loop (hundreds of orders per decision):
    // the same expressions, so the same numbers. A symbol is ready exactly when its shared σ is known.
    // Each class's curve and tail ceiling in a local of its own (no array to allocate per call).
    const cryptoCurve = calibrations[0].fittedSamples();
    const stockCurve = calibrations[1].fittedSamples();
    const cryptoCeiling = calibrations[0].tailCeiling();
    const stockCeiling = calibrations[1].tailCeiling();
    const deferCrypto = cryptoCeiling < deferBelow;
    const deferStock = stockCeiling < deferBelow;
    // Stock windows from the profile's running sums, begun at the first stock row: 1 when the rows keep
    // their reach and the sums serve `now`, −1 when each window takes stockVariance.
    const { gap, profile, scratch } = this;
    const { windowTo, windowEpoch, windowTradable, windowOpens } = columns;
    const keeps =
      windowTo !== undefined &&
      windowEpoch !== undefined &&
      windowTradable !== undefined &&
      windowOpens !== undefined;
    let sums = keeps ? 0 : -1;
    let epoch = 0;
    let fromTradable = 0;
    let fromOpens = 0;
    let capOpens = 0;
    for (let k = 0; k < count; k++) {
      const r = rows[k]!;
      const i = symbol[r]!;
      if (validFor[i] !== key) next.share(i);
      const d = distance[r]!;
      const u = until[r]!;
      const sigmaHour = sigmaNow[i]!;
      sigma[r] = sigmaHour;
      if (d <= 0 || d !== d) {
        probability[r] = d !== d ? Number.NaN : 1;
        nextBar[r] = probability[r]!;
        nextBarVariance[r] = Number.NaN;
        continue;
      }
      const c = stock[i]!;
      let v: number;
      if (sigmaHour !== sigmaHour) v = Number.NaN;
      else if (!(u > now)) v = 0;
      else if (c === 0) v = cappedVariance(rate[i]!, u - now, maxHorizonMs);
      else {
        if (sums === 0) {
          sums = profile.begin(now) ? 1 : -1;
          ({ epoch, fromTradable, fromOpens, capOpens } = profile);
        }
        if (sums > 0 && Math.floor(u) === u) {
          // TradableProfile.windowTo written out, from what the row keeps of its validity's reach.
          if (windowEpoch![r] !== epoch || windowTo![r] !== u) this.keepReach(r, u, columns);
          const t = windowTradable![r]! - fromTradable;
          v =
            t >= maxHorizonMs
              ? rate[i]! * maxHorizonMs + capOpens * gap[i]!
              : rate[i]! * t + (windowOpens![r]! - fromOpens) * gap[i]!;
        } else {
          // stockVariance written out: a call's result would make `v` a boxed number in every row.
          profile.window(now, u, scratch);
          v = rate[i]! * scratch[0]! + scratch[1]! * gap[i]!;
        }
      }
      const cal = calibrations[c]!;
      const curve = c === 0 ? cryptoCurve : stockCurve;
      let p: number;
      if (v > 0) {
        const z = d / Math.sqrt(v);
        p = insideGrid(z) ? interpolate(curve, z) : cal.outsideGrid(z);
      } else p = v !== v ? Number.NaN : 0;
      probability[r] = p;
      if (u >= nextBarEnd(barLength, i, now)) {
        const vn = windowVariance[i]!;
        const defer = c === 0 ? deferCrypto : deferStock;
        if (vn === nextBarVariance[r]) {
          // nextBar[r] is this very chance, or that chance deferred: resolved once it may matter.
          const kept = nextBar[r]!;
          if (kept < 0 && !defer) nextBar[r] = tailProbability(c === 0 ? cryptoCeiling : stockCeiling, -kept);
          continue;
        }
        nextBarVariance[r] = vn;
        if (vn !== vn || vn <= 0) nextBar[r] = vn !== vn ? Number.NaN : 0;
        else {
          const z = d / nextBarSqrt[i]!;
          nextBar[r] = insideGrid(z)
            ? interpolate(curve, z)
            : defer && beyondGrid(z)
              ? -z
              : cal.outsideGrid(z);
        }
      } else {
        nextBarVariance[r] = Number.NaN;
        nextBar[r] = p;
      }
    }
  }
}

/**
 * A next-bar chance as evaluateRows left it: a chance as it is, or a deferred one (−z, negative) resolved
 * with its class's tail ceiling at the version it was evaluated at (Calibration.tailCeiling): the very
 * number evaluateRows would have written.
 */
export function resolveNextBar(value: number, ceiling: number): number {
  return value < 0 ? tailProbability(ceiling, -value) : value;
}

/**
 * Variance of `ms` of trading at `rate` per ms, `ms` capped at `maxMs` (ms > 0). Two products rather than one
 * of the capped time: a choice between the time (a double) and the cap (a small integer) would make the
 * compiler tag the chosen number in every row's loop.
 */
function cappedVariance(rate: number, ms: number, maxMs: number): number {
  return ms < maxMs ? rate * ms : rate * maxMs;
}
