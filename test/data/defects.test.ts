/**
 * The bar store under bad input: a downloaded bar the loader would refuse must not reach a store file (one
 * such bar made the whole file unloadable), an import over an earlier one must not delete stored bars
 * outside its range, a refused import leaves the store byte for byte as it was, and the leftover of a write
 * killed half-way is ignored by everything that reads the store.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CANONICAL_HEADER, checkBar, formatBars } from '../../src/data/canonical.js';
import { DataStore, importFiles } from '../../src/data/index.js';
import type { Bar } from '../../src/data/types.js';
import { DataError, loadBars } from '../../src/marketdata/index.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-data-defects-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const fresh = (): string => mkdtempSync(join(root, `${serial++}-`));

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const good = (time: number): Bar => ({ time, open: 10, high: 11, low: 9, close: 10.5, volume: 2 });

describe('downloaded bars are checked by the loader’s own rules', () => {
  const price = fc.oneof(
    fc.double({ min: 0.01, max: 1000, noNaN: true }),
    fc.constantFrom(0, -1, NaN, Infinity, -Infinity, 1e-13, 2e9, 1e300, Number.MIN_VALUE),
  );
  const volume = fc.oneof(
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.constantFrom(-1, NaN, Infinity, 1e25),
  );
  const time = fc.oneof(
    fc.constant(T0 + 5 * HOUR),
    fc.constantFrom(NaN, -HOUR, Date.UTC(2150, 0, 1), Infinity),
  );
  const bar = fc.record({ time, open: price, high: price, low: price, close: price, volume });

  it('a bar that is kept loads in a store file with nothing refused; a dropped one says why', async () => {
    const dir = fresh();
    await fc.assert(
      fc.asyncProperty(bar, async (b) => {
        const { bar: kept, problem } = checkBar(b);
        if (kept === null) {
          expect(problem?.action).toBe('dropped');
          expect(problem?.problem).toMatch(/time|open|high|low|close|volume/);
          return;
        }
        const bars = [good(T0), good(T0 + HOUR), kept, good(T0 + 9 * HOUR)];
        const path = join(dir, `BTCUSDT_1h.csv`);
        writeFileSync(path, CANONICAL_HEADER + formatBars(bars));
        const r = await loadBars(path, { cacheDir: null });
        expect(r.report.bars).toBe(4);
        expect(r.series.close[2]).toBe(kept.close);
      }),
      { seed: 99, numRuns: 300 },
    );
  });
});

/** A source file of hourly SOLUSDT bars [from, from + n hours) in the Binance layout. */
function source(dir: string, name: string, from: number, n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const t = new Date(from + i * HOUR).toISOString().slice(0, 19).replace('T', ' ');
    return `${t},10,11,9,${10 + i / 100},${i + 1}`;
  });
  const path = join(dir, name);
  writeFileSync(path, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return path;
}

const snapshot = (store: DataStore, key: string): string[] => [
  readFileSync(store.pathOf(key), 'utf8'),
  readFileSync(join(store.dir, 'manifest.json'), 'utf8'),
];

describe('a second import over the first', () => {
  it('that covers the stored range replaces it; one that does not is refused and the store is untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -30, max: 30 }),
        fc.integer({ min: 1, max: 80 }),
        async (shift, n) => {
          const dir = fresh();
          const store = new DataStore(join(dir, 'data'));
          const first = source(dir, 'SOLUSDT_1h.csv', T0, 40);
          const [done] = await importFiles({ store, files: [first], cacheDir: null });
          const key = done!.key;
          const before = snapshot(store, key);
          const sub = mkdtempSync(join(dir, 'second-'));
          const second = source(sub, 'SOLUSDT_1h.csv', T0 + shift * HOUR, n);
          const covers = shift <= 0 && shift + n >= 40;
          const outcome = await importFiles({ store, files: [second], cacheDir: null }).then(
            (r) => r,
            (e: unknown) => e,
          );
          if (covers) {
            expect(Array.isArray(outcome) && outcome[0]!.replaced).toBe(true);
            const r = await loadBars(store.pathOf(key), { cacheDir: null });
            expect(r.report.bars).toBe(n);
          } else {
            expect(outcome).toBeInstanceOf(DataError);
            expect((outcome as DataError).message).toContain(
              `${second}: covers ${new Date(T0 + shift * HOUR).toISOString().replace('.000Z', 'Z')}`,
            );
            expect((outcome as DataError).message).toContain(
              `holds 40 bars 2024-01-01T00:00:00Z → 2024-01-02T15:00:00Z`,
            );
            expect(snapshot(store, key)).toEqual(before);
          }
        },
      ),
      { seed: 5, numRuns: 25 },
    );
  });

  it('a refused file (a bad row) leaves the stored file and manifest byte for byte', async () => {
    const dir = fresh();
    const store = new DataStore(join(dir, 'data'));
    const [done] = await importFiles({
      store,
      files: [source(dir, 'SOLUSDT_1h.csv', T0, 40)],
      cacheDir: null,
    });
    const before = snapshot(store, done!.key);
    const sub = mkdtempSync(join(dir, 'bad-'));
    const bad = source(sub, 'SOLUSDT_1h.csv', T0, 60);
    writeFileSync(bad, readFileSync(bad, 'utf8').replace('10,11,9,10.2,', '10,11,9,10.2,5,'));
    await expect(importFiles({ store, files: [bad], cacheDir: null })).rejects.toThrow(
      `${bad}:22: row has 7 fields but the header has 6`,
    );
    expect(snapshot(store, done!.key)).toEqual(before);
  });
});

describe('a write killed half-way', () => {
  it('leaves a temp file that listing, reconciling and loading ignore', async () => {
    const dir = fresh();
    const store = new DataStore(join(dir, 'data'));
    const [done] = await importFiles({
      store,
      files: [source(dir, 'SOLUSDT_1h.csv', T0, 40)],
      cacheDir: null,
    });
    const path = store.pathOf(done!.key);
    const text = readFileSync(path, 'utf8');
    // What writeFileAtomic leaves when the process dies before its rename: a dot-file cut mid-row.
    writeFileSync(
      join(store.dir, 'import', '.SOLUSDT_1h.csv.4242.deadbeef.tmp'),
      text.slice(0, text.length / 2),
    );
    const { refreshed, missing, untracked } = await store.reconcile();
    expect({ refreshed, missing, untracked }).toEqual({ refreshed: [], missing: [], untracked: [] });
    expect((await loadBars(path, { cacheDir: null })).report.bars).toBe(40);
  });
});
