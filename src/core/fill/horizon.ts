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
      let end = session.close < to ? session.close : to;
      if (end - t >= maxTradableMs - tradable) end = t + (maxTradableMs - tradable);
      tradable += end - t;
      if (tradable >= maxTradableMs) break;
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
 * stockWindow for many windows that share their start: the sessions after `from` are looked up once
 * (until `maxTradableMs` of session time is covered) and each window then costs a short scan, with no
 * calendar call. A decision values every open order at the same `now`, so one profile serves them all.
 * Gives exactly what stockWindow gives.
 */
export class TradableProfile {
  private from = Number.NaN;
  private count = 0;
  /** Per segment: where tradable time starts (the open, or `from` inside a session), where it ends, whether an open starts it. */
  private start = new Float64Array(16);
  private end = new Float64Array(16);
  private opens = new Uint8Array(16);
  /**
   * Per segment k: the tradable time and the opens of the segments before it, summed in segment order (as a
   * scan adds them, so the same numbers); `capAt`: the first segment whose end brings the sum to the cap.
   */
  private before = new Float64Array(17);
  private opensBefore = new Int32Array(17);
  private capAt = 0;
  /** The last window asked and its answer: many symbols ask the same one (their next bar) in a row. */
  private lastTo = Number.NaN;
  private lastTradable = 0;
  private lastOpens = 0;

  constructor(
    private readonly calendar: ExchangeCalendar,
    private readonly maxTradableMs: number,
  ) {}

  /** [tradableMs, opens] of `(from, to]` into `out`. */
  window(from: TimeMs, to: TimeMs, out: Float64Array): void {
    if (from !== this.from) this.build(from);
    else if (to === this.lastTo) {
      out[0] = this.lastTradable;
      out[1] = this.lastOpens;
      return;
    }
    const { start, opens } = this;
    // The segments the window reaches: those starting before `to`, and one an open starts at `to` itself.
    let k = 0;
    const count = this.count;
    while (k < count && (start[k]! < to || (start[k] === to && opens[k] === 1))) k++;
    let tradable: number;
    let opened: number;
    if (k === 0) {
      tradable = 0;
      opened = 0;
    } else if (this.capAt < k - 1) {
      // A whole segment before the last reached already brought the time to the cap.
      tradable = this.maxTradableMs;
      opened = this.opensBefore[this.capAt + 1]!;
    } else {
      const last = k - 1;
      const e = this.end[last]! < to ? this.end[last]! : to;
      tradable = this.before[last]! + (e - start[last]!);
      opened = this.opensBefore[k]!;
      if (tradable >= this.maxTradableMs) tradable = this.maxTradableMs;
    }
    out[0] = tradable;
    out[1] = opened;
    this.lastTo = to;
    this.lastTradable = tradable;
    this.lastOpens = opened;
  }

  private build(from: TimeMs): void {
    this.from = from;
    this.count = 0;
    this.lastTo = Number.NaN;
    let covered = 0;
    let t = from;
    while (covered < this.maxTradableMs) {
      const session = this.calendar.sessionAt(t);
      let begin: TimeMs;
      let isOpen: number;
      let close: TimeMs;
      if (session) {
        begin = t;
        isOpen = 0;
        close = session.close;
      } else {
        const open = this.calendar.nextOpen(t);
        if (open === null) break;
        const next = this.calendar.sessionAt(open);
        if (!next) break;
        begin = open;
        isOpen = open > from ? 1 : 0;
        close = next.close;
      }
      this.push(begin, close, isOpen);
      covered += close - begin;
      t = close;
    }
    // Sums in segment order; the cap is reached at the first segment whose whole time reaches it.
    const n = this.count;
    this.capAt = n;
    let sum = 0;
    let opened = 0;
    for (let k = 0; k < n; k++) {
      this.before[k] = sum;
      this.opensBefore[k] = opened;
      sum += this.end[k]! - this.start[k]!;
      opened += this.opens[k]!;
      if (sum >= this.maxTradableMs && this.capAt === n) this.capAt = k;
    }
    this.before[n] = sum;
    this.opensBefore[n] = opened;
  }

  private push(start: TimeMs, end: TimeMs, isOpen: number): void {
    if (this.count === this.start.length) {
      const size = this.count * 2;
      this.start = grownColumn(this.start, size);
      this.end = grownColumn(this.end, size);
      this.opens = grownColumn(this.opens, size);
      this.before = grownColumn(this.before, size + 1);
      this.opensBefore = grownColumn(this.opensBefore, size + 1);
    }
    this.start[this.count] = start;
    this.end[this.count] = end;
    this.opens[this.count] = isOpen;
    this.count++;
  }
}
