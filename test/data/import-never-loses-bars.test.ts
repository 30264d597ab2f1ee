/**
 * An import must never lose stored bars: a file with a hole (rows deleted inside its range) replaced the
 * complete stored file, deleting those bars with exit 0. Now any stored bar the new file lacks refuses the
 * import, naming the file, how many bars it would delete and the first; `--replace` replaces on purpose.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, importFiles } from '../../src/data/index.js';
import { barChanges } from '../../src/data/changes.js';
import { DataError, loadBars } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-import-holes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const fresh = (): string => mkdtempSync(join(root, `${serial++}-`));

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** A file of hourly SOLUSDT bars at T0 + h hours for each h in `hours`, in the Binance layout. */
function source(dir: string, hours: readonly number[]): string {
  const rows = hours.map((h) => {
    const t = new Date(T0 + h * HOUR).toISOString().slice(0, 19).replace('T', ' ');
    return `${t},10,11,9,${10 + (h % 50) / 100},${h + 100}`;
  });
  const path = join(dir, 'SOLUSDT_1h.csv');
  writeFileSync(path, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return path;
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const snapshot = (store: DataStore, key: string): string[] => [
  readFileSync(store.pathOf(key), 'utf8'),
  readFileSync(join(store.dir, 'manifest.json'), 'utf8'),
];

describe('an import over a stored file', () => {
  it('property: refused exactly when it lacks a stored bar, naming how many and the first; the store untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 30, max: 60 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { maxLength: 6 }),
        async (shift, n, holes) => {
          const dir = fresh();
          const store = new DataStore(join(dir, 'data'));
          const stored = range(0, 40);
          const [done] = await importFiles({ store, files: [source(dir, stored)], cacheDir: null });
          const key = done!.key;
          const before = snapshot(store, key);
          const next = range(shift, n).filter((h) => !holes.includes(h - shift));
          const file = source(mkdtempSync(join(dir, 'next-')), next);
          const lost = stored.filter((h) => !next.includes(h));
          const outcome = await importFiles({ store, files: [file], cacheDir: null }).then(
            (r) => r,
            (e: unknown) => e,
          );
          if (lost.length === 0) {
            expect(Array.isArray(outcome)).toBe(true);
            expect((await loadBars(store.pathOf(key), { cacheDir: null })).report.bars).toBe(next.length);
            return;
          }
          expect(outcome).toBeInstanceOf(DataError);
          const message = (outcome as DataError).message;
          expect(message).toContain(`${file}: covers`);
          expect(message).toContain(`would delete ${lost.length} stored bars`);
          expect(message).toContain(`the first at ${iso(T0 + lost[0]! * HOUR)}`);
          expect(message).toContain('--replace');
          expect(snapshot(store, key)).toEqual(before);
        },
      ),
      { seed: 28, numRuns: 30 },
    );
  });

  it('with replace: true the stored file is replaced on purpose', async () => {
    const dir = fresh();
    const store = new DataStore(join(dir, 'data'));
    await importFiles({ store, files: [source(dir, range(0, 40))], cacheDir: null });
    const holed = source(mkdtempSync(join(dir, 'next-')), [...range(0, 10), ...range(20, 20)]);
    const [r] = await importFiles({ store, files: [holed], cacheDir: null, replace: true });
    expect(r!.replaced).toBe(true);
    expect(r!.entry.rows).toBe(30);
  });

  it('barChanges counts stored times the next file lacks, and those outside its range', () => {
    const bars = (time: number[]) => ({
      time,
      open: time.map(() => 1),
      high: time.map(() => 1),
      low: time.map(() => 1),
      close: time.map(() => 1),
      volume: time.map(() => 1),
    });
    const lost = (a: number[], b: number[]) => {
      const c = barChanges(bars(a), bars(b));
      return { count: c.deleted, first: c.firstDeleted, outside: c.deletedOutside };
    };
    expect(lost([1, 2, 3, 4, 5], [2, 3, 5, 6])).toEqual({ count: 2, first: 1, outside: 1 });
    expect(lost([1, 2], [1, 2, 3])).toEqual({ count: 0, first: null, outside: 0 });
    expect(lost([1, 2], [])).toEqual({ count: 2, first: 1, outside: 2 });
  });
});

describe('data import on the command line', () => {
  it('refuses a copy with a hole (exit 2, the file, the count, the first time, --replace), and --replace replaces', () => {
    const dir = fresh();
    const data = join(dir, 'data');
    mkdirSync(data);
    const full = source(dir, range(0, 200));
    expect(runCli(['data', 'import', full, '--dir', data, '--no-cache']).code).toBe(0);
    const holed = source(mkdtempSync(join(dir, 'holed-')), [...range(0, 99), ...range(160, 40)]);
    const before = readFileSync(join(data, 'import', 'SOLUSDT_1h.csv'), 'utf8');
    const refused = runCli(['data', 'import', holed, '--dir', data, '--no-cache']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(holed);
    expect(refused.stderr).toContain('would delete 61 stored bars, the first at 2024-01-05T03:00:00Z');
    expect(readFileSync(join(data, 'import', 'SOLUSDT_1h.csv'), 'utf8')).toBe(before);
    const replaced = runCli(['data', 'import', holed, '--dir', data, '--no-cache', '--replace']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(/\(replaced: 61 deleted; 139 unchanged\)[\s\S]*139 bars/);
  });
});
