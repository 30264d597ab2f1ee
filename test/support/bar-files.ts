import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';

/**
 * Bar files written for a loader test: each in a folder of its own under one temporary folder (removed after
 * the file's tests), so files of one name never meet.
 */
export function barFileWriter(prefix: string): (text: string | Buffer, name?: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let serial = 0;
  return (text, name = 'SOLUSDT_1h.csv') => {
    const sub = join(dir, String(serial++));
    mkdirSync(sub);
    const path = join(sub, name);
    writeFileSync(path, text);
    return path;
  };
}

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2023, 0, 1);
/** open, high, low, close, volume of every row of `epochRows`. */
export const VALUES = '10,11,9,10.5,100';
/** Hourly rows from T0, the time written by `toText`. */
export const epochRows = (count: number, toText: (t: number) => string): string[] =>
  Array.from({ length: count }, (_, i) => `${toText(T0 + i * HOUR)},${VALUES}`);

/** The loader's refusal of `path`, or 'loaded'. */
export async function loadMessage(path: string): Promise<string> {
  return loadBars(path, { cacheDir: null }).then(
    () => 'loaded',
    (e: unknown) => (e as Error).message,
  );
}
