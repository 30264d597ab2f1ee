import { ValidationError, type Issue } from '../core/errors.js';
import { ASSET_CLASSES } from '../core/types.js';
import { MAX_PRICE, MIN_PRICE, priceProblem, pricedSeries, repairHighLow } from '../marketdata/limits.js';
import type { BarSeries } from '../marketdata/types.js';

/** Issues listed in one error at most: one bad file would otherwise make a message of every row. */
const MAX_ISSUES = 10;

const COLUMNS = ['time', 'open', 'high', 'low', 'close'] as const;
const PRICES = ['open', 'high', 'low', 'close'] as const;
const SERIES_SHAPE =
  '{ symbol, assetClass, time, open, high, low, close, volume } (loadBars(file).series, or built in memory)';

/** A bar time as ISO text, or as the number when no date has it (a finite time far beyond year 275760). */
const timeText = (t: number): string => (Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : String(t));
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isColumn = (x: unknown): boolean =>
  ArrayBuffer.isView(x) || (Array.isArray(x) && x.every((v) => typeof v === 'number'));

/**
 * What each series must be before its bars are read: an object with a symbol (each symbol once: the simulator
 * keys positions, orders and signals by symbol, so a second series of one symbol would silently share the
 * first's), an asset class it knows, and numeric columns. loadBars' whole result ({ series, report,
 * fromCache }) is a common slip: named as such, with what to pass.
 */
function shapeIssues(series: readonly unknown[]): Issue[] {
  const issues: Issue[] = [];
  const first = new Map<string, number>();
  for (let k = 0; k < series.length && issues.length < MAX_ISSUES; k++) {
    const s = series[k];
    const where = `series[${k}]`;
    if (isObject(s) && isObject(s.series) && isObject(s.report)) {
      issues.push({
        where,
        message:
          'is the result of loadBars() ({ series, report, fromCache }): pass its .series, e.g. ' +
          'series: [(await loadBars(file)).series]',
        value: '(a LoadResult)',
      });
      continue;
    }
    if (!isObject(s)) {
      issues.push({ where, message: `must be a bar series ${SERIES_SHAPE}`, value: s });
      continue;
    }
    const symbol = s.symbol;
    const named = typeof symbol === 'string' && symbol.length > 0;
    const at = named ? `${where} (${symbol})` : where;
    if (!named)
      issues.push({ where: `${where}.symbol`, message: 'must be a non-empty symbol', value: symbol });
    else if (first.has(symbol))
      issues.push({
        where: `${at}.symbol`,
        message: `${symbol} is also series[${first.get(symbol)}]: pass each symbol once (merge its bars into one series)`,
        value: symbol,
      });
    else first.set(symbol, k);
    if (!ASSET_CLASSES.includes(s.assetClass as never))
      issues.push({
        where: `${at}.assetClass`,
        message: `must be one of ${ASSET_CLASSES.join(', ')}`,
        value: s.assetClass,
      });
    for (const f of COLUMNS)
      if (!isColumn(s[f]))
        issues.push({
          where: `${at}.${f}`,
          message: 'must be a Float64Array (or an array of numbers), one value per bar',
          value: Array.isArray(s[f]) ? '(an array holding non-numbers)' : s[f],
        });
  }
  return issues;
}

/**
 * The bars a simulation replays must be prices (bad input is a validation error that names the path and the
 * value). The loader refuses such rows already; a series built in code reaches `simulate` directly, and there
 * a NaN or 0 close would mark a position at 0 (the mark falls back to 0 for a price it does not have), an
 * invented price that moves equity, margin and interest. Bar times must be finite and strictly ascending (the
 * timeline and every bar lookup assume it), and each bar's high and low must bracket its open and close as
 * the loader requires (repairHighLow): a high below the low would fill orders at prices the bar never traded.
 */
export function validateSeries(series: readonly BarSeries[]): void {
  const shape = shapeIssues(series);
  if (shape.length) throw new ValidationError('Cannot simulate: the series are not bar series', shape);
  const issues: Issue[] = [];
  for (let k = 0; k < series.length && issues.length < MAX_ISSUES; k++) {
    const s = series[k]!;
    if (pricedSeries.has(s)) continue;
    const where = `series[${k}] (${s.symbol})`;
    const n = s.time.length;
    for (const f of PRICES) {
      if (s[f].length !== n)
        issues.push({ where: `${where}.${f}`, message: `has ${s[f].length} values for ${n} bar times` });
    }
    if (issues.length) continue;
    // Column by column, each a tight loop over one array: every simulate() call (each optimizer candidate)
    // checks every bar, and a loop that read four fields by name per bar cost a few percent of a run.
    const time = s.time;
    for (let i = 0; i < n && issues.length < MAX_ISSUES; i++) {
      const t = time[i]!;
      if (Number.isFinite(t) && (i === 0 || t > time[i - 1]!)) continue;
      issues.push({
        where: `${where}.time[${i}]`,
        message: 'bar times must be finite and strictly ascending',
        value: t,
      });
    }
    for (const f of PRICES) {
      const values = s[f];
      for (let i = 0; i < n && issues.length < MAX_ISSUES; i++) {
        const v = values[i]!;
        // Almost every value is a plain positive price.
        if (v >= MIN_PRICE && v <= MAX_PRICE) continue;
        const problem = Number.isNaN(v) ? 'is not a number' : priceProblem(v, f);
        if (problem) issues.push({ where: `${where}.${f}[${i}]`, message: problem, value: v });
      }
    }
    if (issues.length) continue;
    const { open, high, low, close } = s;
    for (let i = 0; i < n && issues.length < MAX_ISSUES; i++) {
      const bad = repairHighLow(open[i]!, high[i]!, low[i]!, close[i]!);
      if (bad)
        issues.push({
          where: `${where} bar ${i} (${timeText(time[i]!)})`,
          message:
            `${bad.problem}: a bar's high must be ≥ max(open, close) and its low ≤ min(open, close); ` +
            "fix the bar (loadBars with onBadData: 'repair' does it for a file)",
          value: { open: open[i], high: high[i], low: low[i], close: close[i] },
        });
    }
  }
  if (issues.length) throw new ValidationError('Cannot simulate: the bars are not prices', issues);
  for (const s of series) pricedSeries.add(s);
}
