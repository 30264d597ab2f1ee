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
    options: { row?: number; lastRow?: number; detail?: unknown; cause?: unknown } = {},
  ) {
    // A stretch of rows (bars of another length) is named by its first and last: file:746–773.
    const rows = options.lastRow === undefined ? `${options.row}` : `${options.row}–${options.lastRow}`;
    const where = options.row === undefined ? file : `${file}:${rows}`;
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

/** The columns a layout hint names, by role: an index into the file's columns, or -1 when not found. */
export interface HintColumns {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const ROLES = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * What repairing a file does (a library's `onBadData: 'repair'`, the CLI's --repair): the one wording of the
 * loader's advice for a file refused for bad rows and of every --repair help.
 */
export const REPAIR_ACTIONS =
  'drop bad rows and duplicates (keeping the first), move rows out of order to their place in time order and repair high/low, with every action listed in the quality report';

/** The advice for a file refused for bad rows, to a caller who asks for repair as `how` says. */
export const repairAdvice = (how: string): string => `Fix the file, or ${how} to ${REPAIR_ACTIONS}.`;

/**
 * How a library caller asks for repair, in the loader's own refusals. The CLI, whose users have no
 * onBadData, says its flag instead where it prints the error (cliWords in src/cli/errors.ts).
 */
export const LIBRARY_REPAIR = "load with onBadData: 'repair'";

/** A word as typed in a shell: as it is when safe, else double-quoted. */
export const shellWord = (w: string): string =>
  /^[\w.\-,]+$/.test(w) ? w : `"${w.replace(/(["$`\\])/g, '\\$1')}"`;

/**
 * The layout override to type for this file, shown wherever a layout could not be recognised: the columns
 * found under their names (indexes in a headerless file), a capitalised placeholder (CLOSE) for the ones not
 * found, on the command line and in code. Built from the file, so it never suggests a column it lacks.
 */
export function layoutHint(names: readonly string[], header: boolean, cols: HintColumns): string {
  const placeholders: string[] = [];
  const cli = (i: number, role: string): string => {
    if (i < 0) {
      placeholders.push(role.toUpperCase());
      return role.toUpperCase();
    }
    return header ? (names[i] ?? String(i)) : String(i);
  };
  const code = (i: number, role: string): string =>
    i < 0 ? `'${role.toUpperCase()}'` : header ? `'${(names[i] ?? '').replace(/'/g, "\\'")}'` : String(i);
  const roles = ROLES.filter((r) => r !== 'volume' || cols.volume >= 0);
  const time = cli(cols.time, 'time');
  const list = roles.map((r) => cli(cols[r], r)).join(',');
  const fill = placeholders.length
    ? ` with ${placeholders.join(', ')} replaced by the column that holds ${placeholders.length === 1 ? 'it' : 'each'}`
    : '';
  const object = roles.map((r) => `${r}: ${code(cols[r], r)}`).join(', ');
  return (
    `Name the columns: on the command line --time-column ${shellWord(time)} --columns ${shellWord(list)}${fill} ` +
    `(by header name or 0-based index); in code layout: { timeColumn: ${code(cols.time, 'time')}, columns: { ${object} } }.`
  );
}
