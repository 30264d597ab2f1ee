import type { ExchangeCalendar } from '../calendar/index.js';
import type { TimeMs } from '../types.js';
import { grownColumn } from '../policy/columns.js';

/**
 * What a stock can trade in a window `(from, to]`: regular-session milliseconds, and how many session opens
 * fall inside (each brings an overnight gap). The window ends early once `maxTradableMs` of session time is
 * counted (opens after that point are not counted), and at the end of the calendar's range.
 * Written into `out` ([tradableMs, opens]) so that the fill model's hot path allocates nothing.
 */
export function stockWindow(
  calendar: ExchangeCalendar,
  from: TimeMs,
  to: TimeMs,
  maxTradableMs: number,
  out: Float64Array,
): void {
  let tradable = 0;
  let opens = 0;
  let t = from;
  // Each turn of the loop crosses one session (or the closed spell before one); a window of days takes a few.
  while (t < to) {
    const session = calendar.sessionAt(t);
    if (session) {
      const end = session.close < to ? session.close : to;
      // The cap compared, never added to `t`: t + (cap − tradable) rounds a cap that is not a whole
      // millisecond, which would end the window a little past the cap or let it run on to `to`.
      if (end - t >= maxTradableMs - tradable) {
        tradable = maxTradableMs;
        break;
      }
      tradable += end - t;
      t = session.close;
      continue;
    }
    const open = calendar.nextOpen(t);
    if (open === null || open > to) break;
    if (open > from) opens++;
    if (open === t) break; // cannot happen (sessionAt would have found it); guards the loop
    t = open;
  }
  out[0] = tradable;
  out[1] = opens;
}

/**
 * stockWindow for many windows, from running sums: the sessions after an anchor are looked up once, with
 * the tradable time and the opens before each (C and O, counted from the anchor), and a window `(from, to]`
 * is then `min(C(to) − C(from), cap)` with the opens between (those before the cap is reached). A decision
 * values every open order at one `from`; a row whose `to` stays (a validity fixed at placement) can keep
 * C(to) and O(to) (`reach`) for as long as `epoch` stays, so each later decision costs it a subtraction.
 *
 * Gives exactly what stockWindow gives. The sums are of whole milliseconds, exact in a double, so the
 * difference of two sums equals the scan's own sum; a time that is not a whole millisecond takes the scan.
 * The anchor moves (a new `epoch`) when a `from` comes before it or after the end of its first session.
 */
export class TradableProfile {
  /** Changes whenever the anchor moves: a kept `reach` answer is valid while the epoch stays. */
  epoch = 0;
  private anchor = Number.NaN;
  private count = 0;
  /** Per segment: where tradable time starts (the open, or the anchor inside a session), where it ends, whether an open starts it. */
  private start = new Float64Array(16);
  private end = new Float64Array(16);
  private opens = new Uint8Array(16);
  /** Per segment k: the tradable time and the opens of the segments before it (k = count: all of them). */
  private before = new Float64Array(17);
  private opensBefore = new Int32Array(17);
  /** Where the calendar lookups stopped: the close of the last segment, or null at the calendar's end. */
  private resume: TimeMs | null = Number.NaN;
  /** The `from` the window values below were set for (`begin`). */
  private from = Number.NaN;
  /**
   * Set by begin() (read them, never write them): reach(from), and the opens of `(from, t]` with t where
   * the tradable time from `from` reaches the cap (any t past it). A caller that writes windowTo out for
   * a loop reads them once.
   */
  fromTradable = 0;
  fromOpens = 0;
  capOpens = 0;
  private readonly reached = new Float64Array(2);
  /** The last window asked from this `from` and its answer: many symbols ask the same one (their next bar). */
  private lastTo = Number.NaN;
  private readonly last = new Float64Array(2);
  /**
   * False once the calendar gave a time that is not a whole millisecond, or from the start for a cap that is
   * no time at all (≤ 0 or NaN: the sums' cap point assumes some): every window then takes the scan.
   */
  private exact: boolean;

  constructor(
    private readonly calendar: ExchangeCalendar,
    private readonly maxTradableMs: number,
  ) {
    this.exact = maxTradableMs > 0;
  }

  /** [tradableMs, opens] of `(from, to]` into `out`. */
  window(from: TimeMs, to: TimeMs, out: Float64Array): void {
    // An empty window (`to` at or before `from`) is the scan's [0, 0], never a negative difference of sums.
    if (!(to > from) || !this.begin(from) || !whole(to)) {
      stockWindow(this.calendar, from, to, this.maxTradableMs, out);
      return;
    }
    if (to !== this.lastTo) {
      this.reach(to, this.reached);
      this.windowTo(this.reached[0]!, this.reached[1]!, this.last);
      this.lastTo = to;
    }
    out[0] = this.last[0]!;
    out[1] = this.last[1]!;
  }

  /**
   * Sets `from` for windowTo: false when the sums cannot serve it exactly (a time that is not a whole
   * millisecond), and windows from it must take stockWindow.
   */
  begin(from: TimeMs): boolean {
    if (!this.exact) return false;
    if (from === this.from) return true;
    if (!whole(from)) return false;
    if (!(from >= this.anchor) || (this.count > 0 && from >= this.end[0]!)) this.rebuild(from);
    // Cover the cap beyond `from`, unless the calendar ends first.
    this.reach(from, this.reached);
    const fromTradable = this.reached[0]!;
    while (this.resume !== null && this.before[this.count]! - fromTradable < this.maxTradableMs)
      this.extend();
    if (!this.exact) return false;
    this.from = from;
    this.lastTo = Number.NaN;
    this.fromTradable = fromTradable;
    this.fromOpens = this.reached[1]!;
    let k = 0;
    while (k < this.count && this.before[k + 1]! - fromTradable < this.maxTradableMs) k++;
    this.capOpens = this.opensBefore[k < this.count ? k + 1 : this.count]! - this.fromOpens;
    return true;
  }

  /**
   * C(to) and O(to) into `out`: the tradable time and the opens from the anchor to `to` (a whole
   * millisecond). Valid for windowTo while `epoch` stays; past the sessions looked up it is their total,
   * which a window then caps.
   */
  reach(to: TimeMs, out: Float64Array): void {
    const { start, count } = this;
    let k = 0;
    while (k < count && start[k]! <= to) k++;
    if (k === 0) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    const last = k - 1;
    const e = this.end[last]! < to ? this.end[last]! : to;
    out[0] = this.before[last]! + (e - start[last]!);
    out[1] = this.opensBefore[k]!;
  }

  /** Whether reach(to) is final: `to` lies within the sessions looked up, so no later lookup changes it. */
  settled(to: TimeMs): boolean {
    return this.count > 0 && to <= this.end[this.count - 1]!;
  }

  /** [tradableMs, opens] of `(from, to]` into `out`, from reach(to) at this epoch and the `from` of begin(). */
  windowTo(tradableTo: number, opensTo: number, out: Float64Array): void {
    const tradable = tradableTo - this.fromTradable;
    if (tradable >= this.maxTradableMs) {
      out[0] = this.maxTradableMs;
      out[1] = this.capOpens;
    } else {
      out[0] = tradable;
      out[1] = opensTo - this.fromOpens;
    }
  }

  private rebuild(anchor: TimeMs): void {
    this.epoch++;
    this.anchor = anchor;
    this.count = 0;
    this.resume = anchor;
    this.extend();
  }

  /** One more session after the last looked up (none at the calendar's end). */
  private extend(): void {
    const t = this.resume;
    if (t === null) return;
    const session = this.calendar.sessionAt(t);
    if (session) {
      this.push(t, session.close, 0);
      return;
    }
    const open = this.calendar.nextOpen(t);
    const next = open === null ? undefined : this.calendar.sessionAt(open);
    if (open === null || !next) {
      this.resume = null;
      return;
    }
    this.push(open, next.close, open > this.anchor ? 1 : 0);
  }

  private push(start: TimeMs, end: TimeMs, isOpen: number): void {
    if (!whole(start) || !whole(end)) {
      // A calendar time that is not a whole millisecond: the sums would not be exact; the scan serves.
      this.exact = false;
      this.resume = null;
      return;
    }
    const k = this.count;
    if (k === this.start.length) {
      const size = k * 2;
      this.start = grownColumn(this.start, size);
      this.end = grownColumn(this.end, size);
      this.opens = grownColumn(this.opens, size);
      this.before = grownColumn(this.before, size + 1);
      this.opensBefore = grownColumn(this.opensBefore, size + 1);
    }
    if (k === 0) {
      this.before[0] = 0;
      this.opensBefore[0] = 0;
    }
    this.start[k] = start;
    this.end[k] = end;
    this.opens[k] = isOpen;
    this.before[k + 1] = this.before[k]! + (end - start);
    this.opensBefore[k + 1] = this.opensBefore[k]! + isOpen;
    this.count = k + 1;
    this.resume = end;
  }
}

/** A time the running sums hold exactly: a whole number of milliseconds. */
function whole(t: number): boolean {
  return Math.floor(t) === t;
}
