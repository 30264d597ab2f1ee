/**
 * Rolling windows for a paired comparison. Lengths are written the way people say them (`6mo`, `90d`, `2w`,
 * `1y`); months and years are calendar months in UTC, so `6mo` windows start on the same day of the month
 * and the windows of a year line up with its half-years. Every window starts and ends on a UTC midnight:
 * the metrics come from a daily equity curve, and a window that started mid-day would score a partial day.
 */
import { ValidationError } from '../core/errors.js';
import { DAY_MS, type Window } from '../optimizer/objective/folds.js';

export interface Span {
  count: number;
  unit: 'd' | 'w' | 'mo' | 'y';
}

const UNITS: Record<string, Span['unit']> = {
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  week: 'w',
  weeks: 'w',
  mo: 'mo',
  month: 'mo',
  months: 'mo',
  y: 'y',
  year: 'y',
  years: 'y',
};

/** `6mo` → 6 months. Throws a ValidationError naming the flag and the forms it accepts. */
export function parseSpan(text: string, flag: string): Span {
  const m = /^\s*(\d+)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  const count = m ? Number(m[1]) : Number.NaN;
  if (!m || !unit || !Number.isSafeInteger(count) || count < 1) {
    throw new ValidationError('Invalid window length', [
      {
        where: flag,
        message:
          'must be a whole number and a unit: d (days), w (weeks), mo (months) or y (years), e.g. 6mo or 90d',
        value: text,
      },
    ]);
  }
  return { count, unit };
}

/** `t` moved forward by one span (calendar months in UTC for mo and y; the day of month is clamped). */
export function addSpan(t: number, span: Span): number {
  if (span.unit === 'd') return t + span.count * DAY_MS;
  if (span.unit === 'w') return t + span.count * 7 * DAY_MS;
  const months = span.count * (span.unit === 'y' ? 12 : 1);
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return (
    Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)) + (t - Date.UTC(y, d.getUTCMonth(), d.getUTCDate()))
  );
}

export const spanText = (s: Span): string => `${s.count}${s.unit}`;

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

/**
 * A window boundary as `--from`/`--to` take it back: the date at a UTC midnight, else the date and the time
 * (a range's end is often the last bar's close, 10:00), so that `simulate --from/--to` with the printed values
 * reproduces the window.
 */
export function boundary(t: number): string {
  if (t % DAY_MS === 0) return day(t);
  const iso = new Date(t).toISOString();
  return t % 60_000 === 0 ? iso.slice(0, 16) : iso.slice(0, 19);
}

/**
 * Fewer than two whole days give a daily equity curve of at most one return: Sharpe and Sortino are 0 by
 * definition, not a measurement. A comparison window (or holdout) shorter than this is refused.
 */
export const MIN_WINDOW_DAYS = 2;

/** Refuse a window too short to measure, naming the flag, the window and what to do. */
export function checkMeasurable(w: Window, where: string, advice: string): void {
  if (w.to - w.from >= MIN_WINDOW_DAYS * DAY_MS) return;
  throw new ValidationError('A window too short to measure', [
    {
      where,
      message: `${boundary(w.from)} → ${boundary(w.to)} is ${((w.to - w.from) / DAY_MS).toFixed(2)} days; its daily curve has at most one return, so every Sharpe and Sortino would read 0. At least ${MIN_WINDOW_DAYS} days are needed: ${advice}`,
    },
  ]);
}

/** What a caller calls the window length and the requested range in its errors (the CLI's flags by default). */
export interface WindowNames {
  window: string;
  range: string;
}

/**
 * Windows of length `window`, the first starting on the first UTC midnight of the range, each next one a
 * step later, as many as end within it. With step = window they tile the range without overlap (what is left at the end is
 * shorter than one window and is not used). Throws when not even one window fits.
 */
export function rollingWindows(
  range: Window,
  window: Span,
  step: Span = window,
  names: WindowNames = { window: '--window', range: '--from/--to' },
): Window[] {
  const start = Math.ceil(range.from / DAY_MS) * DAY_MS;
  checkMeasurable(
    { from: start, to: addSpan(start, window) },
    names.window,
    `give a longer ${names.window} (e.g. 1w)`,
  );
  const out: Window[] = [];
  // Each start is one step after the previous one (not i steps after the first): with step = window the
  // next window starts exactly where the last one ended, even where a month end was clamped.
  for (let from = start; ; from = addSpan(from, step)) {
    const to = addSpan(from, window);
    if (to > range.to) break;
    out.push({ from, to });
  }
  if (out.length === 0) {
    throw new ValidationError('The window is longer than the data', [
      {
        where: names.window,
        message: `one window of ${spanText(window)} from ${day(start)} ends after the data's end ${day(range.to)}; choose a shorter ${names.window} or a wider ${names.range}`,
        value: spanText(window),
      },
    ]);
  }
  return out;
}
