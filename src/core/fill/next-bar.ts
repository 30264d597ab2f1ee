import type { TimeMs } from '../types.js';
import type { TradableProfile } from './horizon.js';
import type { FillState } from './tape.js';

const HOUR_MS = 3_600_000;

/**
 * What every order of a symbol shares at one `now`: its σ per √hour and the variance over its next bar
 * (`now` to `now + bar`, see nextBarEnd) with that variance's square root. A decision values many orders of
 * few symbols, so each symbol's values are computed once and kept for as long as what they come from stays:
 * the model's version, and the next bar's window.
 *
 * Most symbols' bars are an hour long (a bar length of 0, no bar yet, also counts as an hour). Their next
 * bar is one window for all of them: its length in milliseconds and, for a stock, the regular-session time
 * and the session opens in it. That window is computed once per `now`; the values of an hourly symbol
 * depend on it and on the version alone, so they are kept under a `key` that changes only when the version
 * or that window does (a later `now` in the same session, or any `now` for crypto, keeps them: a decision
 * at a new time looks at no symbol again). A symbol with another bar length has a window of its own,
 * computed once per `now` and version (a generation).
 */
export class NextBarWindows {
  private now = Number.NaN;
  private version = -1;
  /** The key of the values computed at this `now` and version: rows of a symbol whose `validFor` equals it read them as they are. */
  key = 0;
  /** Changes with `now` and the version: what a symbol of another bar length is stamped with (negated). */
  private generation = 0;
  /** The hourly next bar at `now`: `(now + hour) − now`, and a stock's [tradable ms, opens] in it. */
  private span = Number.NaN;
  private readonly hourly = new Float64Array([Number.NaN, Number.NaN]);
  private readonly window = new Float64Array(2);
  /** A model without stocks never asks the profile for a window. */
  private readonly stocks: boolean;
  // The state's columns, kept (the model never replaces them): share reads them for every symbol.
  private readonly bars: Int32Array;
  private readonly gaps: Int32Array;
  private readonly stock: Uint8Array;
  private readonly rate: Float64Array;
  private readonly gap: Float64Array;
  private readonly barLength: Float64Array;
  /** Per symbol: the key its values were computed under, or minus the generation (another bar length). */
  readonly validFor: Float64Array;
  readonly sigma: Float64Array;
  readonly variance: Float64Array;
  readonly sqrt: Float64Array;

  constructor(
    state: FillState,
    private readonly profile: TradableProfile,
    private readonly minBars: number,
    private readonly maxHorizonMs: number,
  ) {
    const symbols = state.rate.length;
    this.validFor = new Float64Array(symbols).fill(Number.NaN);
    this.sigma = new Float64Array(symbols);
    this.variance = new Float64Array(symbols);
    this.sqrt = new Float64Array(symbols);
    this.stocks = state.stock.includes(1);
    ({
      bars: this.bars,
      gaps: this.gaps,
      stock: this.stock,
      rate: this.rate,
      gap: this.gap,
      barLength: this.barLength,
    } = state);
  }

  /** Starts a query at `now` and `version`: a new key when the version or the hourly window has changed. */
  begin(now: TimeMs, version: number): void {
    if (now === this.now && version === this.version) return;
    this.generation++;
    const span = now + HOUR_MS - now;
    const hourly = this.hourly;
    const w = this.window;
    // The stock window as the symbols would ask it; an empty window never reaches the profile.
    if (span > 0 && this.stocks) this.profile.window(now, now + HOUR_MS, w);
    else w[0] = w[1] = 0;
    if (version !== this.version || !(span === this.span && w[0] === hourly[0] && w[1] === hourly[1])) {
      this.key++;
      this.span = span;
      hourly[0] = w[0]!;
      hourly[1] = w[1]!;
    }
    this.now = now;
    this.version = version;
  }

  /**
   * Symbol i's values at the `now` and version begun (when `validFor[i]` is not the key): the variance() of
   * its next bar written out, and σ. For a bar of an hour σ is √(rate·hour) and so is √variance whenever the
   * variance is rate·hour (crypto, and a stock inside the session): one square root for both.
   */
  share(i: number): void {
    const { bars, gaps, stock, rate, gap, barLength } = this;
    const length = barLength[i]! || HOUR_MS;
    const own = length !== HOUR_MS;
    if (own && this.validFor[i] === -this.generation) return;
    this.validFor[i] = own ? -this.generation : this.key;
    const c = stock[i]!;
    if (!(bars[i]! >= this.minBars && (c === 0 || gaps[i]! > 0))) {
      this.sigma[i] = this.variance[i] = this.sqrt[i] = Number.NaN;
      return;
    }
    const now = this.now;
    const span = own ? now + length - now : this.span;
    let v: number;
    if (!(span > 0)) v = 0;
    else if (c === 0) v = span < this.maxHorizonMs ? rate[i]! * span : rate[i]! * this.maxHorizonMs;
    else {
      const w = own ? this.window : this.hourly;
      if (own) this.profile.window(now, now + length, w);
      v = rate[i]! * w[0]! + w[1]! * gap[i]!;
    }
    const perHour = rate[i]! * HOUR_MS;
    const sigma = Math.sqrt(perHour);
    this.sigma[i] = sigma;
    this.variance[i] = v;
    // The same number gives the same root (a positive one: +0 and −0 compare equal but root apart).
    this.sqrt[i] = v === perHour && v > 0 ? sigma : Math.sqrt(v);
  }
}

/** The end of symbol i's next bar at `now`: one bar of its length (an hour before its first bar). */
export function nextBarEnd(barLength: Float64Array, i: number, now: TimeMs): TimeMs {
  return now + (barLength[i]! || HOUR_MS);
}
