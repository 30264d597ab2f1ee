/**
 * What a command says of the rows a bar file reported (dropped, repaired, suspicious moves): the first few
 * per file, and where the rest are; and which suspicious moves lie in the bars the command reads.
 */
import type { BarSeries, LoadResult } from '../marketdata/index.js';
import { reportedProblems, type ReportedProblem } from '../marketdata/quality.js';
import { windowView } from '../optimizer/objective/window.js';

/** Rows shown on the console per file and kind; the rest are counted. */
export const SHOWN = 3;
export const count = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Where a command's user finds every reported row: its own --json for simulate (the one result that carries
 * them), simulate's for the others.
 */
export const ALL_PROBLEMS =
  'all in `worksteal simulate --json` data[].problems, with the same files and flags';

export function listed(
  path: string,
  items: ReportedProblem[],
  total: number,
  what: string,
  all: string,
): string[] {
  const lines = items.slice(0, SHOWN).map((p) => `  ${path}:${p.row}: ${p.problem} (${p.action})`);
  if (total > SHOWN) lines.push(`  … ${count(total - SHOWN, `more ${what}`)}: ${all}`);
  return lines;
}

/** Suspicious single-bar moves (moves.ts): the first few, named by file and row. */
export function moveWarnings(
  l: LoadResult,
  reads: ReadBars | undefined,
  all: string,
): { notes: string[]; warnings: string[] } {
  const r = l.report;
  if (r.warningCount === 0) return { notes: [], warnings: [] };
  // Which moves lie in bars the command reads; all of them when that cannot be told (more moves than listed).
  const span =
    reads && r.warnings.length === r.warningCount ? (reads.span(l.series) ?? { first: 0, last: -1 }) : null;
  const read = new Set(
    r.warnings.filter((w) => !span || (w.time >= span.first && w.time <= span.last)).map((w) => w.row),
  );
  const used = reportedProblems(r).filter((p) => p.action === 'warned' && (!span || read.has(p.row)));
  const outside = span ? r.warningCount - used.length : 0;
  // Moves in bars the command never reads (before its warm-up, after its end) cannot touch it: a note, not a
  // warning its result would be read with.
  const notes = outside
    ? [
        `note: ${l.series.symbol}: ${count(outside, 'suspicious single-bar move')} in ${r.path} outside the bars ${reads!.reader} reads (${reads!.outside}): not used; ${all}`,
      ]
    : [];
  if (used.length === 0) return { notes, warnings: [] };
  const where = outside ? ` in the bars ${reads!.reader} reads` : '';
  return {
    notes,
    warnings: [
      `warning: ${l.series.symbol}: ${count(used.length, 'suspicious single-bar move')} in ${r.path}${where} (the bars are used as they are)`,
      ...listed(r.path, used, span ? used.length : r.warningCount, 'move', all),
    ],
  };
}

/**
 * The bars a run reads of each series: its range and, before it, the warm-up of the forecaster and the fill
 * model (optimizer/objective/window.ts: warmUpBars, windowView), as a simulation takes them.
 */
export interface ReadRange {
  from?: number;
  to?: number;
  warmUp: number;
}

/**
 * The bars a command reads of each series when they are not a run's (explain --data: those fed to its
 * valuation): the open times of the first and last (null: none), who reads them, where the others lie.
 */
export interface ReadBars {
  span(series: BarSeries): { first: number; last: number } | null;
  reader: string;
  outside: string;
}

/** A run's bars: the open times of the first and last bar of each series a simulation of `reads` reads. */
export function runBars(reads: ReadRange): ReadBars {
  const window = { from: reads.from ?? Number.NEGATIVE_INFINITY, to: reads.to ?? Number.POSITIVE_INFINITY };
  return {
    reader: 'this run',
    outside: 'before its warm-up or after its end',
    span: (s) => {
      const { time } = windowView(s, window, reads.warmUp);
      return time.length ? { first: time[0]!, last: time[time.length - 1]! } : null;
    },
  };
}
