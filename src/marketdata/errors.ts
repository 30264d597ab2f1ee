import { printable } from '../core/errors.js';

/**
 * The one error type of the data loader. Every message names the file, the row (1-based line number, header
 * included, so `file:row` opens at the right place in an editor) when there is one, the problem, and what to
 * do about it, so that the CLI can print `err.message` and exit without a stack trace.
 */
export class DataError extends Error {
  readonly file: string;
  readonly row: number | undefined;
  readonly problem: string;
  readonly fix: string;
  /** Extra structured detail (e.g. the quality report of a refused file). */
  readonly detail: unknown;

  constructor(
    file: string,
    problem: string,
    fix: string,
    options: { row?: number; detail?: unknown; cause?: unknown } = {},
  ) {
    const where = options.row === undefined ? file : `${file}:${options.row}`;
    // File names and problems quote the input, which may hold terminal escapes: shown, never obeyed.
    super(
      `${printable(where)}: ${printable(problem)}${fix ? ` ${fix}` : ''}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'DataError';
    this.file = file;
    this.row = options.row;
    this.problem = problem;
    this.fix = fix;
    this.detail = options.detail;
  }
}

/** Shown wherever a layout could not be recognised, so the user learns the override in one place. */
export const LAYOUT_HINT =
  'Pass an explicit layout: on the command line --time-column Date --columns Open,High,Low,Close,Volume ' +
  "--timezone America/New_York; in code layout: { timeColumn: 'Date', timezone: 'America/New_York', " +
  "columns: { open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' } } " +
  '(columns by header name or 0-based index).';
