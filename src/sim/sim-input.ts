import { ValidationError, type Issue } from '../core/errors.js';
import { MAX_PRICE, MIN_PRICE, priceProblem, pricedSeries } from '../marketdata/limits.js';
import type { BarSeries } from '../marketdata/index.js';

/** Issues listed in one error at most: one bad file would otherwise make a message of every row. */
const MAX_ISSUES = 10;

/**
 * The bars a simulation replays must be prices (DESIGN §2: bad input is a validation error that names the
 * path and the value). The loader refuses such rows already; a series built in code reaches `simulate`
 * directly, and there a NaN or 0 close would mark a position at 0 (the mark falls back to 0 for a price it
 * does not have), an invented price that moves equity, margin and interest. Bar times must be finite and
 * strictly ascending (the timeline and every bar lookup assume it).
 */
export function validateSeries(series: readonly BarSeries[]): void {
  const issues: Issue[] = [];
  const fields = ['open', 'high', 'low', 'close'] as const;
  for (let k = 0; k < series.length && issues.length < MAX_ISSUES; k++) {
    const s = series[k]!;
    if (pricedSeries.has(s)) continue;
    const where = `series[${k}] (${s.symbol})`;
    const n = s.time.length;
    for (const f of fields) {
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
    for (const f of fields) {
      const values = s[f];
      for (let i = 0; i < n && issues.length < MAX_ISSUES; i++) {
        const v = values[i]!;
        // Almost every value is a plain positive price.
        if (v >= MIN_PRICE && v <= MAX_PRICE) continue;
        const problem = Number.isNaN(v) ? 'is not a number' : priceProblem(v, f);
        if (problem) issues.push({ where: `${where}.${f}[${i}]`, message: problem, value: v });
      }
    }
  }
  if (issues.length) throw new ValidationError('Cannot simulate: the bars are not prices', issues);
  for (const s of series) pricedSeries.add(s);
}
