/** Text formatting for the terminal (tables, key-value lists, numbers): the CLI and explain print with it. */
import Table from 'cli-table3';

export const pct = (x: number | null, digits = 3): string =>
  x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
export const money = (x: number): string =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : '—';
export const num = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export function keyValues(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
