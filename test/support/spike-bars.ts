import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The file of the suspicious-move tests (moves-outside-*.test.ts): 2,000 hourly bars of SPIKEUSDT from
 * 2024-01-01 on a smooth wave, whose bar `bad` (BAD unless told) has a low of 0.0001 (a bad print, the one
 * suspicious move).
 */
export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);
export const BAD = 100;
export const BARS = 2_000;

/** The open time of bar `bar`, as --from/--to and a scenario's now take it. */
export const iso = (bar: number): string => new Date(T0 + bar * HOUR).toISOString();

/** Writes the file into a folder of `dir` of its own (one per `bad`) and returns its path. */
export function spikeFile(dir: string, bad = BAD): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < BARS; i++) {
    const p = 100 + 5 * Math.sin(i / 7);
    const low = i === bad ? 0.0001 : p - 1;
    rows.push(
      `${new Date(T0 + i * HOUR).toISOString().replace('T', ' ').slice(0, 19)},${p},${p + 1},${low},${p + 0.5},10`,
    );
  }
  const sub = join(dir, `bad-${bad}`);
  mkdirSync(sub, { recursive: true });
  const path = join(sub, 'SPIKEUSDT_1h.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}
