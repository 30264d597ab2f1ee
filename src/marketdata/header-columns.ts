/**
 * Which header column holds which field: the time column and the open/high/low/close/volume columns, by
 * header name (or as the layout override names them), for layout detection (detect.ts). Names are matched
 * case-insensitively and exactly (after normalising spaces/dashes to `_`), so `Adj. Close` never stands in
 * for `Close`. A header that names one field twice (`close` and `Close`, or `close` and its alias `c`) is
 * refused: which of the two holds it would be a guess.
 */
import { DataError, shellWord } from './errors.js';
import type { LayoutOverride } from './types.js';

const TIME_NAMES = [
  'timestamp',
  'ts_event',
  'datetime',
  'date_time',
  'date',
  'time',
  'open_time',
  'opentime',
  'ts',
  't',
];
const COLUMN_NAMES = {
  open: ['open', 'o', 'open_price', 'opening_price'],
  high: ['high', 'h', 'high_price'],
  low: ['low', 'l', 'low_price'],
  close: ['close', 'c', 'close_price', 'closing_price', 'last'],
  volume: ['volume', 'vol', 'v', 'base_volume'],
} as const;
export type PriceField = keyof typeof COLUMN_NAMES;
export const FIELDS: PriceField[] = ['open', 'high', 'low', 'close', 'volume'];

/** A header name as matched: trimmed, unquoted, lower case, spaces and dashes as `_` (`Close Price` close_price). */
export function normalise(name: string): string {
  return name
    .trim()
    .replace(/^\uFEFF/, '')
    .replace(/^"|"$/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The column a layout override names, by 0-based index or by header name (refused when two columns have it). */
function resolveColumn(
  file: string,
  spec: string | number,
  what: string,
  names: string[],
  header: boolean,
): number {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0 || spec >= names.length) {
      throw new DataError(
        file,
        `layout column ${what} = ${spec} is out of range: the file has ${names.length} columns (0-based).`,
        `Give a column from 0 to ${names.length - 1}${header ? ` or a name (columns: ${names.join(', ')})` : ''}.`,
      );
    }
    return spec;
  }
  if (!header) {
    throw new DataError(
      file,
      `layout column ${what} = "${spec}" names a column, but the file has no header.`,
      'Give 0-based column numbers instead.',
    );
  }
  const at = positions(names, (n) => n === normalise(spec));
  if (at.length > 1) {
    throw new DataError(
      file,
      `layout column ${what} = "${spec}" names ${at.length} columns: ${columnList(names, at)}.`,
      `Give the 0-based index of the one to read (${at.join(' or ')}), or delete or rename the others.`,
    );
  }
  const idx = at[0] ?? -1;
  if (idx < 0) {
    throw new DataError(
      file,
      `layout column ${what} = "${spec}" is not in the header (columns: ${names.join(', ')}).`,
      'Give one of those names, or a 0-based column number.',
    );
  }
  return idx;
}

/** The 0-based positions of the columns whose normalised name passes `match`. */
function positions(names: readonly string[], match: (normalised: string) => boolean): number[] {
  const at: number[] = [];
  names.forEach((n, i) => {
    if (match(normalise(n))) at.push(i);
  });
  return at;
}

/** `"close" (column 5) and "Close" (column 7)`: as a person counts columns, from 1. */
function columnList(names: readonly string[], at: readonly number[]): string {
  const each = at.map((i) => `"${names[i]}" (column ${i + 1})`);
  return each.length > 1 ? `${each.slice(0, -1).join(', ')} and ${each.at(-1)}` : (each[0] ?? '');
}

/** A field the header names more than once: its role, the names that name it, the flag and where it was found. */
interface NamedTwice {
  field: string;
  aliases: readonly string[];
  flag: '--time-column' | '--columns';
  at: number[];
}

/**
 * A header naming one field twice (`close` and `Close`, or `close` and its alias `c`): the first used to be
 * read silently and the other ignored. Refused, naming every such field and its columns, with the two ways
 * out: delete or rename one, or name the one to read by index (the example reads the first of each).
 */
function refuseNamedTwice(
  file: string,
  row: number,
  names: readonly string[],
  twice: NamedTwice[],
  found: FoundColumns,
): void {
  if (twice.length === 0) return;
  const times = (n: number): string => (n === 2 ? 'twice' : `${n} times`);
  const what = twice.map((t) => `the ${t.field} ${times(t.at.length)}, ${columnList(names, t.at)}`);
  const aliases = twice
    .filter((t) => t.aliases.length > 1)
    .map((t) => `${t.aliases.join(', ')} all name the ${t.field}`);
  const indexed = (field: string): boolean => twice.some((t) => t.field === field);
  const typed = (field: string, i: number): string =>
    i < 0 ? field.toUpperCase() : indexed(field) ? String(i) : (names[i] ?? String(i));
  const flags = [
    ...(indexed('time') ? [`--time-column ${found.timeCol}`] : []),
    ...(twice.some((t) => t.flag === '--columns')
      ? [
          `--columns ${shellWord(
            FIELDS.filter((f) => f !== 'volume' || found.cols.volume >= 0)
              .map((f) => typed(f, found.cols[f]))
              .join(','),
          )}`,
        ]
      : []),
  ];
  throw new DataError(
    file,
    `its header names ${what.join('; and ')}: which column holds ${twice.length > 1 ? 'each' : 'it'} is a guess.`,
    `Delete or rename all but one of ${twice.length > 1 ? 'each' : 'them'} (names match in any case${aliases.length ? `, and ${aliases.join('; ')}` : ''}), ` +
      `or keep them and give the 0-based index of the one to read (one less than its column number), e.g. ${flags.join(' ')}.`,
    { row },
  );
}

/**
 * The time column: as given, by header name, or the first column of a headerless file; -1 when not found.
 * The time names have an order (`timestamp` before `date`, and a `Date,Time` pair is one time), so only one
 * name written twice (`timestamp` and `Timestamp`) goes into `twice`.
 */
function findTimeColumn(
  file: string,
  names: string[],
  header: boolean,
  override: LayoutOverride,
  twice: NamedTwice[],
): number {
  if (override.timeColumn !== undefined)
    return resolveColumn(file, override.timeColumn, 'timeColumn', names, header);
  if (!header) return 0;
  for (const candidate of TIME_NAMES) {
    const at = positions(names, (n) => n === candidate);
    if (at.length > 1) twice.push({ field: 'time', aliases: [candidate], flag: '--time-column', at });
    if (at.length > 0) return at[0] as number;
  }
  return -1;
}

/**
 * Price and volume columns: as given, by header name, else the conventional order
 * time,open,high,low,close,volume; -1 for each one not found. A field two header names match goes into
 * `twice`.
 */
function findValueColumns(
  file: string,
  names: string[],
  header: boolean,
  timeCol: number,
  override: LayoutOverride,
  twice: NamedTwice[],
): Record<PriceField, number> {
  const cols: Record<PriceField, number> = { open: -1, high: -1, low: -1, close: -1, volume: -1 };
  for (const field of FIELDS) {
    const spec = override.columns?.[field];
    if (spec !== undefined) cols[field] = resolveColumn(file, spec, field, names, header);
    else if (header) {
      const aliases: readonly string[] = COLUMN_NAMES[field];
      const at = positions(names, (n) => aliases.includes(n));
      if (at.length > 1) twice.push({ field, aliases, flag: '--columns', at });
      cols[field] = at[0] ?? -1;
    } else {
      const at = timeCol + 1 + FIELDS.indexOf(field);
      cols[field] = timeCol === 0 && at < names.length ? at : -1;
    }
  }
  return cols;
}

/** The time column (-1 when not found) and the price and volume columns (-1 each when not found). */
export interface FoundColumns {
  timeCol: number;
  cols: Record<PriceField, number>;
}

/**
 * The columns of a file with these column names (`names`: the header's, or `col0`… when headerless), as
 * the override gives them, else by header name, else by position in a headerless file. Refuses a header that
 * names a field twice; `headerLine` is the header's line number, for that message.
 */
export function findColumns(
  file: string,
  names: string[],
  header: boolean,
  override: LayoutOverride,
  headerLine: number,
): FoundColumns {
  const twice: NamedTwice[] = [];
  const timeCol = findTimeColumn(file, names, header, override, twice);
  const cols = findValueColumns(file, names, header, timeCol, override, twice);
  refuseNamedTwice(file, headerLine, names, twice, { timeCol, cols });
  return { timeCol, cols };
}

/**
 * The symbol column of a header (`symbol` or `ticker`, in any case), -1 when none. Two of them (`symbol` and
 * `Symbol`, or `symbol` and `ticker`) are refused as two columns of one field are: which one names each row's
 * symbol would be a guess. No flag picks one, so the way out is to delete or rename all but one.
 */
export function findSymbolColumn(file: string, row: number, names: readonly string[]): number {
  const at = positions(names, (n) => n === 'symbol' || n === 'ticker');
  if (at.length > 1) {
    throw new DataError(
      file,
      `its header names the symbol ${at.length === 2 ? 'twice' : `${at.length} times`}, ${columnList(names, at)}: which column holds it is a guess.`,
      'Delete or rename all but one of them (symbol and ticker both name it, in any case), then load the file again.',
      { row },
    );
  }
  return at[0] ?? -1;
}
