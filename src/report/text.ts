/** Text formatting for the terminal (tables, key-value lists, numbers): the CLI and explain print with it. */
import Table from 'cli-table3';

export const pct = (x: number | null, digits = 3): string =>
  x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
export const money = (x: number): string => grouped(x, 2, MONEY);
/** An amount to the hundredth of a cent: expected values of single orders are often a few cents. */
export const cents = (x: number): string => grouped(x, 4, CENTS);

/**
 * What `formatter` (en-US, `digits` fraction digits) writes for `x`, '—' when not finite, written out: the
 * formatter costs about 1.5 µs a call, and every answer of `serve` to a wait or a block says several
 * amounts. Like the formatter it rounds the shortest decimal that reads back as `x` (JavaScript's own
 * String(x): 0.015 is 0.02, where toFixed's exact binary value gives 0.01), half away from zero, and keeps
 * the sign of a negative amount that rounds to zero. Amounts whose shortest decimal has an exponent (below
 * 1e-6, from 1e21) go to the formatter.
 */
function grouped(x: number, digits: number, formatter: Intl.NumberFormat): string {
  if (!Number.isFinite(x)) return '—';
  const shortest = String(Math.abs(x));
  if (shortest.includes('e')) return formatter.format(x);
  const dot = shortest.indexOf('.');
  const whole = dot < 0 ? shortest : shortest.slice(0, dot);
  const fraction = dot < 0 ? '' : shortest.slice(dot + 1);
  let kept = whole + fraction.slice(0, digits).padEnd(digits, '0');
  if (fraction.length > digits && fraction.charCodeAt(digits) >= 53 /* '5' */) kept = roundedUp(kept);
  let int = kept.slice(0, kept.length - digits);
  for (let at = int.length - 3; at > 0; at -= 3) int = `${int.slice(0, at)},${int.slice(at)}`;
  return `${x < 0 || Object.is(x, -0) ? '-' : ''}${int}.${kept.slice(kept.length - digits)}`;
}

/** A string of decimal digits plus one in its last place ("0999" → "1000", "99" → "100"). */
function roundedUp(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  const tail = '0'.repeat(digits.length - 1 - i);
  if (i < 0) return `1${tail}`;
  return `${digits.slice(0, i)}${String.fromCharCode(digits.charCodeAt(i) + 1)}${tail}`;
}
export const num = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/**
 * How a table may fit a width: it wraps at word boundaries, first its headers, to two lines at most (widest
 * column first, a column never narrower than its widest cell), then, unless `cells` is false, its cells and
 * headers down to their longest word. What cannot fit that way is printed at the least width it reached.
 */
export interface TableFit {
  width: number;
  /** Whether cells may wrap too (default true); false keeps every cell on one line (a row stays a line). */
  cells?: boolean;
}

/** A bordered table; with `fit`, one that would be wider than `fit.width` wraps as TableFit says. */
export function table(head: string[], rows: (string | number)[][], fit?: TableFit): string {
  const cells = rows.map((r) => r.map(String));
  const style = { head: [], border: [], compact: true };
  const natural = new Table({ head, style });
  natural.push(...cells);
  const text = natural.toString();
  if (fit === undefined || lineWidth(text) <= fit.width) return text;
  const widths = fittedWidths(head, cells, fit);
  const wrapped = new Table({ head, style, colWidths: widths, wordWrap: true });
  wrapped.push(...cells);
  return wrapped.toString();
}

/**
 * Column widths (one space of padding on each side included) whose sum with the borders (one more than the
 * columns) is at most `fit.width` where it can be: the widest column gives up a character at a time, down to
 * its widest cell and its header in two lines, and then, if need be and allowed, down to its longest word.
 */
function fittedWidths(head: readonly string[], cells: readonly string[][], fit: TableFit): number[] {
  const columnTexts = head.map((h, c) => ({ head: h, cells: cells.map((r) => r[c] ?? '') }));
  const longestWord = (texts: readonly string[]) =>
    Math.max(1, ...texts.flatMap((t) => t.split(/\s+/).map((w) => [...w].length)));
  const widths = columnTexts.map((t) => Math.max(...[t.head, ...t.cells].map((x) => [...x].length)) + 2);
  const cellFloor = columnTexts.map(
    (t) => Math.max(twoLineWidth(t.head), ...t.cells.map((x) => [...x].length)) + 2,
  );
  const wordFloor = columnTexts.map((t) => longestWord([t.head, ...t.cells]) + 2);
  const total = () => widths.reduce((a, b) => a + b, 0) + head.length + 1;
  for (const floor of fit.cells === false ? [cellFloor] : [cellFloor, wordFloor]) {
    while (total() > fit.width) {
      let widest = -1;
      for (let c = 0; c < widths.length; c++)
        if (widths[c]! > floor[c]! && (widest < 0 || widths[c]! > widths[widest]!)) widest = c;
      if (widest < 0) break;
      widths[widest]!--;
    }
  }
  return widths;
}

/**
 * `text` as lines of at most `width` characters, broken between words (a word longer than that has a line
 * of its own); the line breaks it has are kept.
 */
function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(' ')) {
        if (line && [...line].length + 1 + [...word].length > width) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}

/** The least width at which `header` wraps to two lines or fewer: a header of three lines reads as a cell. */
function twoLineWidth(header: string): number {
  const chars = [...header].length;
  const longest = Math.max(...header.split(' ').map((word) => [...word].length));
  for (let w = Math.max(longest, Math.ceil(chars / 2)); w < chars; w++)
    if (wrapText(header, w).split('\n').length <= 2) return w;
  return chars;
}

/** Characters in the longest line of `text`. */
function lineWidth(text: string): number {
  return Math.max(...text.split('\n').map((l) => [...l].length));
}

/**
 * How wide a table printed to `out` may be: the terminal's width, or 100 columns when it is no terminal
 * (a file or pipe), so that what is saved reads in an editor and is the same on every machine.
 */
export function tableWidth(out: NodeJS.WritableStream): number {
  const columns = (out as { isTTY?: boolean; columns?: number }).isTTY
    ? (out as { columns?: number }).columns
    : undefined;
  return columns && columns > 0 ? columns : PIPE_WIDTH;
}

/** The width of a table written to a file or a pipe (and the library's compareReport by default). */
export const PIPE_WIDTH = 100;

export function keyValues(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
