/**
 * What a run says about the bars it loaded before it starts, for every command that runs over a range of
 * bars: simulate prints it, run and serve --broker replay log it. One function, so that a replay of the same
 * bars and range says what simulate says: symbols with no bars (or bars in only part) of the range, and a
 * suspicious move as a warning only in the bars the run reads (its range and the warm-up before it), a note
 * elsewhere.
 */
import type { ExchangeCalendar } from '../core/calendar/index.js';
import type { WorkstealConfig } from '../core/config/schema.js';
import { rangeWithinData, type RunRange } from '../marketdata/coverage.js';
import type { LoadResult } from '../marketdata/index.js';
import { warmUpBars } from '../optimizer/objective/window.js';
import { dataQualityLines } from './data-summary.js';

type Calendar = Pick<ExchangeCalendar, 'isRegularSession' | 'nextOpen' | 'nextClose'>;

/**
 * The notes (said unless quiet) and warnings (always said) about `loaded` for a run over `range` (from and
 * to as given; either undefined: the data's own start or end), and that range cut to the data. `problemsInJson`:
 * the command's own --json lists every reported row (simulate's).
 */
export function runDataLines(
  loaded: readonly LoadResult[],
  calendar: Calendar,
  config: WorkstealConfig,
  range: RunRange,
  options: { problemsInJson?: boolean } = {},
): { range: RunRange; notes: string[]; warnings: string[] } {
  const covered = rangeWithinData(
    range,
    loaded.map((l) => l.series),
  );
  const quality = dataQualityLines(loaded, calendar, {
    extendedHours: config.extendedHours,
    range: covered.range,
    reads: { ...covered.range, warmUp: warmUpBars(config.sim.forecaster) },
    ...(options.problemsInJson ? { problemsInJson: true } : {}),
  });
  return {
    range: covered.range,
    notes: quality.notes,
    warnings: [...covered.warnings, ...quality.warnings],
  };
}
