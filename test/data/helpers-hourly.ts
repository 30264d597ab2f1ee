/** Small generated bar files for the store tests, written under the OS temp folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);
export const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/**
 * `n` hourly bars from T0 in canonical layout at `path` (folders created); `close(i)` sets bar i's close,
 * `extra` lines are appended as they are. Returns the path.
 */
export function hourlyFile(
  path: string,
  n: number,
  options: { close?: (i: number) => number; extra?: string[]; symbol?: string } = {},
): string {
  const close = options.close ?? ((i: number) => 10 + (i % 7) / 10);
  const head = options.symbol ? 'time,symbol,open,high,low,close,volume' : 'time,open,high,low,close,volume';
  const rows = Array.from({ length: n }, (_, i) => {
    const c = close(i);
    const sym = options.symbol ? `${options.symbol},` : '';
    return `${iso(T0 + i * HOUR)},${sym}${c},${c + 1},${c - 1},${c},5`;
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${[head, ...rows, ...(options.extra ?? [])].join('\n')}\n`);
  return path;
}
