/**
 * The checks the library entry's functions share (src/library*.ts): a resolved
 * configuration, a calendar, a time range and the series to replay. Each returns the issues it finds, every
 * one naming the argument, its value and what to pass; the caller throws them as one ValidationError.
 */
import { resolvedConfigIssues } from './core/config/resolve.js';
import { ValidationError, type Issue } from './core/errors.js';

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** The issues found, if any, thrown as one ValidationError headed `what` (e.g. `Invalid FillModel options`). */
export function fail(what: string, issues: readonly Issue[]): void {
  if (issues.length) throw new ValidationError(what, issues);
}

/**
 * A configuration from resolveConfig(): anything else is refused before it is read. With `values`, its values
 * too, against the schema resolveConfig() validates with (about 0.25 ms: once per simulation or comparison,
 * and once per configuration object decide() is given): a copy edited by hand with a bufferPct of -3 would
 * otherwise be simulated, or decided on.
 */
export function configIssues(config: unknown, where: string, { values = false } = {}): Issue[] {
  if (!(isObject(config) && isObject(config.margin) && typeof config.bufferPct === 'number'))
    return [
      { where, message: 'must be a resolved configuration: pass resolveConfig().config', value: config },
    ];
  return values ? resolvedConfigIssues(config, where) : [];
}

/** What the simulator calls on a calendar (src/core/calendar/types.ts): a calendar missing one fails mid-run. */
const CALENDAR_METHODS = ['sessionFor', 'sessionAt', 'isRegularSession', 'nextClose', 'nextOpen'] as const;

export function calendarIssues(calendar: unknown): Issue[] {
  const fix =
    'pass nyseCalendar(), or calendarFromSessions(json) / await loadCalendar(file) for your own sessions';
  if (!isObject(calendar))
    return [{ where: 'calendar', message: `must be a trading calendar: ${fix}`, value: calendar }];
  const missing = CALENDAR_METHODS.filter((m) => typeof calendar[m] !== 'function');
  if (missing.length === 0) return [];
  return [
    {
      where: 'calendar',
      message: `must be a trading calendar, but has no ${missing.map((m) => `${m}()`).join(', ')}: ${fix}`,
      value: Object.keys(calendar),
    },
  ];
}

/** `from` and `to`: epoch ms, from before to. */
export function rangeIssues(from: unknown, to: unknown): Issue[] {
  const issues: Issue[] = [];
  const fix = 'must be a time in epoch ms (e.g. Date.parse("2025-01-01T00:00:00Z")), or absent';
  if (from !== undefined && !Number.isFinite(from)) issues.push({ where: 'from', message: fix, value: from });
  if (to !== undefined && !Number.isFinite(to)) issues.push({ where: 'to', message: fix, value: to });
  if (issues.length === 0 && typeof from === 'number' && typeof to === 'number' && from >= to)
    issues.push({ where: 'to', message: `must be after from (${new Date(from).toISOString()})`, value: to });
  return issues;
}

/**
 * Something to replay: at least one series, each with bars, and signals (if given) an array whose symbols all
 * have a series (a signal for a symbol with no bars would be dropped without a word).
 */
export function replayIssues(series: unknown, signals: unknown): Issue[] {
  if (!Array.isArray(series)) return [];
  const issues: Issue[] = [];
  if (series.length === 0)
    issues.push({ where: 'series', message: 'is empty: pass at least one bar series', value: series });
  const symbols = new Set<unknown>();
  series.forEach((s: unknown, i) => {
    if (!isObject(s)) return; // the simulator's own check names it
    symbols.add(s.symbol);
    const where = `series[${i}] (${String(s.symbol)})`;
    const bars = isObject(s.time) && typeof s.time.length === 'number' ? s.time.length : undefined;
    if (bars === 0)
      issues.push({ where, message: 'has no bars: leave it out, or load a file with bars', value: 0 });
    else if (bars === 1)
      issues.push({
        where,
        message:
          'has a single bar: a replay needs at least two (one bar has no bar length and no return); load more bars, or leave it out',
        value: 1,
      });
    // Not a series at all (loadBars' whole result, no time column): the simulator's own check names it.
    else if (
      bars !== undefined &&
      !(typeof s.intervalMs === 'number' && Number.isFinite(s.intervalMs) && s.intervalMs > 0)
    )
      issues.push({
        where: `${where}.intervalMs`,
        message:
          'must be the bar length in ms, a finite number > 0 (e.g. 3_600_000 for hourly bars; loadBars sets it)',
        value: s.intervalMs,
      });
  });
  if (signals === undefined) return issues;
  if (!Array.isArray(signals))
    return [
      ...issues,
      { where: 'signals', message: 'must be an array of signals, or absent', value: signals },
    ];
  const unknown = new Set<unknown>();
  signals.forEach((signal: unknown, i) => {
    const symbol = isObject(signal) ? signal.symbol : undefined;
    if (symbols.has(symbol) || unknown.has(symbol)) return;
    unknown.add(symbol);
    issues.push({
      where: `signals[${i}].symbol`,
      message: `has no series: pass its bars too, or leave its signals out (series: ${[...symbols].join(', ')})`,
      value: symbol,
    });
  });
  return issues;
}
