/** Text formatting for the terminal (tables, key-value lists, numbers): the CLI and explain print with it. */
import Table from 'cli-table3';

export const pct = (x: number | null, digits = 3): string =>
  x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
export const money = (x: number): string =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : '—';
export const num = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/**
 * A bordered table. With `width`, a table that would be wider wraps its last column at word boundaries so
 * that each line fits (the other columns keep their width; a word longer than the room is cut).
 */
export function table(head: string[], rows: (string | number)[][], width?: number): string {
  const cells = rows.map((r) => r.map(String));
  const style = { head: [], border: [], compact: true };
  const natural = new Table({ head, style });
  natural.push(...cells);
  const text = natural.toString();
  if (width === undefined || lineWidth(text) <= width) return text;
  // Column widths include one space of padding on each side; the borders take columns + 1 more.
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((r) => (r[c] ?? '').length)) + 2);
  const fixed = widths.slice(0, -1).reduce((a, b) => a + b, 0) + head.length + 1;
  widths[widths.length - 1] = Math.max(MIN_WRAPPED, width - fixed);
  const wrapped = new Table({ head, style, colWidths: widths, wordWrap: true });
  wrapped.push(...cells);
  return wrapped.toString();
}

/** The narrowest a wrapped column gets, however narrow the terminal: a few words a line. */
const MIN_WRAPPED = 24;

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

const PIPE_WIDTH = 100;

export function keyValues(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
