/**
 * `data import` said only `(replaced)` whether nothing changed, one bar changed, hundreds changed or
 * `--replace` deleted bars. It now says how many bars were added, changed (the first, old → new) and
 * deleted, or `unchanged`. barChanges, the count behind it, is checked against a plain Map model.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barChanges } from '../../src/data/changes.js';
import { DataStore, importFiles } from '../../src/data/index.js';
import { runCli } from '../support/cli.js';
import { HOUR, T0, hourlyFile, iso } from './helpers-hourly.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-import-changes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const fresh = (): string => mkdtempSync(join(root, `${serial++}-`));

describe('barChanges', () => {
  const series = fc
    .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 30 })
    .chain((times) =>
      fc.record({
        time: fc.constant([...times].sort((a, b) => a - b)),
        close: fc.array(fc.constantFrom(1, 2), { minLength: times.length, maxLength: times.length }),
      }),
    )
    .map(({ time, close }) => ({
      time,
      open: time.map(() => 1),
      high: close,
      low: close,
      close,
      volume: close,
    }));

  it('property: added, changed, deleted and unchanged partition both files, as a Map model counts them', () => {
    fc.assert(
      fc.property(series, series, (a, b) => {
        const c = barChanges(a, b);
        const old = new Map(a.time.map((t, i) => [t, a.close[i]]));
        const now = new Map(b.time.map((t, i) => [t, b.close[i]]));
        const both = b.time.filter((t) => old.has(t));
        expect(c.added).toBe(b.time.filter((t) => !old.has(t)).length);
        expect(c.deleted).toBe(a.time.filter((t) => !now.has(t)).length);
        expect(c.changed).toBe(both.filter((t) => old.get(t) !== now.get(t)).length);
        expect(c.unchanged).toBe(both.length - c.changed);
        const first = both.find((t) => old.get(t) !== now.get(t));
        expect(c.firstChange?.time ?? null).toBe(first ?? null);
        if (first !== undefined)
          expect(c.firstChange).toMatchObject({ field: 'close', from: old.get(first), to: now.get(first) });
      }),
      { seed: 31, numRuns: 300 },
    );
  });
});

describe('data import says what it did to the stored file', () => {
  it('unchanged, one bar changed (old → new close), bars added and changed, bars deleted with --replace', () => {
    const dir = fresh();
    const data = join(dir, 'data');
    mkdirSync(data);
    const base = hourlyFile(join(dir, 'a', 'SOLUSDT_1h.csv'), 100);
    const cli = (file: string, ...flags: string[]) =>
      runCli(['data', 'import', file, '--dir', data, '--no-cache', ...flags]);
    expect(cli(base).stdout.split('\n')[0]).toBe(`${base} → ${join(data, 'import', 'SOLUSDT_1h.csv')}`);
    const line = (file: string, ...flags: string[]) => {
      const r = cli(file, ...flags);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n')[0]!.replace(`${file} → ${join(data, 'import', 'SOLUSDT_1h.csv')} `, '');
    };
    expect(line(base)).toBe('(unchanged)');
    const one = hourlyFile(join(dir, 'b', 'SOLUSDT_1h.csv'), 100, {
      close: (i) => (i === 40 ? 20 : 10 + (i % 7) / 10),
    });
    expect(line(one)).toBe(
      `(replaced: 1 changed (the first at ${iso(T0 + 40 * HOUR)}: close 10.5 → 20); 99 unchanged)`,
    );
    const longer = hourlyFile(join(dir, 'c', 'SOLUSDT_1h.csv'), 124, {
      close: (i) => (i >= 50 ? 30 : 10 + (i % 7) / 10),
    });
    expect(line(longer)).toBe(
      `(replaced: 24 bars added, 51 changed (the first at ${iso(T0 + 40 * HOUR)}: close 20 → 10.5); 49 unchanged)`,
    );
    const shorter = hourlyFile(join(dir, 'd', 'SOLUSDT_1h.csv'), 30);
    expect(cli(shorter).code).toBe(2);
    expect(line(shorter, '--replace')).toBe('(replaced: 94 deleted; 30 unchanged)');
  });

  it('the result carries the counts, and null for a file new to the store', async () => {
    const dir = fresh();
    const store = new DataStore(join(dir, 'data'));
    const [first] = await importFiles({
      store,
      files: [hourlyFile(join(dir, 'ETHUSDT_1h.csv'), 10)],
      cacheDir: null,
    });
    expect(first!.changes).toBeNull();
    const [again] = await importFiles({
      store,
      files: [hourlyFile(join(dir, 'x', 'ETHUSDT_1h.csv'), 12)],
      cacheDir: null,
    });
    expect(again!.changes).toMatchObject({ added: 2, changed: 0, deleted: 0, unchanged: 10 });
  });
});
