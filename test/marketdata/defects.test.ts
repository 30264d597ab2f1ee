/**
 * Defective bar files, generated: a seeded series is written in each layout of ../shared/marketdata/README.md
 * (synthetic bars, the layouts' headers, time formats, orientation and column order), one defect is put on
 * one row, and the file is loaded both ways. The promise under test: by default the file is refused with an
 * error naming file:row; under --repair it loads every other bar exactly as the clean file does and the
 * report lists the row. A defect that changes nothing (BOM, CRLF, header case, blank lines) loads the clean
 * bars with nothing reported. A silent difference from the clean bars fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, loadBars, type LoadResult } from '../../src/marketdata/index.js';
import { LAYOUTS, isoUtc, render, series, type Bar, type Layout } from './defects-layouts.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-defects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = 'drop' | 'repair' | 'same';
interface Defect {
  name: string;
  /** What --repair does with the row: drop it, keep a repaired bar, or nothing changes at all. */
  outcome: Outcome;
  applies?: (layout: Layout) => boolean;
  /** Rewrites data line `j` (and maybe its neighbours); returns the file row that must be named, if any. */
  apply: (lines: string[], j: number, layout: Layout, bar: Bar) => void;
}

const cells = (line: string): string[] => line.split(',');
/** Where a layout writes a bar field: found by writing a bar of distinct marker values. */
const valueAt = (layout: Layout, field: Exclude<keyof Bar, 't'>): number => {
  const marker = { o: 90001, h: 90002, l: 90003, c: 90004, v: 90005 };
  return layout.fields({ t: 0, ...marker }, 'T').indexOf(String(marker[field]));
};
function setValue(
  lines: string[],
  j: number,
  layout: Layout,
  field: Exclude<keyof Bar, 't'>,
  text: string,
): void {
  const c = cells(lines[j]!);
  c[valueAt(layout, field)] = text;
  lines[j] = c.join(',');
}

const ROW_DEFECTS: Defect[] = [
  {
    name: 'a column missing',
    outcome: 'drop',
    apply: (ls, j) => void (ls[j] = cells(ls[j]!).slice(0, -1).join(',')),
  },
  { name: 'an extra column', outcome: 'drop', apply: (ls, j) => void (ls[j] = `${ls[j]},7`) },
  {
    name: 'a decimal comma in the volume',
    outcome: 'drop',
    apply: (ls, j, layout, b) => setValue(ls, j, layout, 'v', b.v.toFixed(2).replace('.', ',')),
  },
  { name: 'an empty close', outcome: 'drop', apply: (ls, j, layout) => setValue(ls, j, layout, 'c', '') },
  { name: 'a NaN open', outcome: 'drop', apply: (ls, j, layout) => setValue(ls, j, layout, 'o', 'NaN') },
  {
    name: 'a negative low',
    outcome: 'drop',
    apply: (ls, j, layout, b) => setValue(ls, j, layout, 'l', String(-b.l)),
  },
  { name: 'a zero high', outcome: 'drop', apply: (ls, j, layout) => setValue(ls, j, layout, 'h', '0') },
  {
    name: 'high and low swapped',
    outcome: 'repair',
    apply: (ls, j, layout, b) => {
      setValue(ls, j, layout, 'h', String(b.l));
      setValue(ls, j, layout, 'l', String(b.h));
    },
  },
  {
    name: 'a close above the high',
    outcome: 'repair',
    apply: (ls, j, layout, b) => setValue(ls, j, layout, 'c', String(b.h + 1)),
  },
  {
    name: 'a duplicate timestamp',
    outcome: 'drop',
    apply: (ls, j, layout) => {
      const c = cells(ls[j]!);
      c[layout.timeAt] = cells(ls[j - 1]!)[layout.timeAt]!;
      ls[j] = c.join(',');
    },
  },
  {
    name: 'a time in epoch seconds among milliseconds',
    outcome: 'drop',
    applies: (layout) => layout.epoch === 'ms',
    apply: (ls, j, layout, b) => {
      const c = cells(ls[j]!);
      c[layout.timeAt] = String(b.t / 1000);
      ls[j] = c.join(',');
    },
  },
  {
    name: 'a time in another format',
    outcome: 'drop',
    apply: (ls, j, layout, b) => {
      const c = cells(ls[j]!);
      // Epoch among text times, text among epoch times; a naive time among times with offsets.
      c[layout.timeAt] = layout.epoch
        ? isoUtc(b.t)
        : /[+-]\d\d:\d\d$/.test(c[layout.timeAt]!)
          ? isoUtc(b.t)
          : String(b.t);
      ls[j] = c.join(',');
    },
  },
];

function write(name: string, text: string): string {
  const sub = mkdtempSync(join(dir, 'case-'));
  const path = join(sub, name);
  writeFileSync(path, text);
  return path;
}

function fileText(layout: Layout, lines: string[]): string {
  return `${layout.header === null ? '' : `${layout.header}\n`}${lines.join('\n')}\n`;
}

const opts = (layout: Layout, mode: 'refuse' | 'repair') => ({
  cacheDir: null,
  onBadData: mode,
  ...layout.options,
});

/** time,open,high,low,close,volume of every bar: what a simulation reads. */
function barsOf(r: LoadResult): string[] {
  const s = r.series;
  return Array.from(s.time, (t, i) => [t, s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]].join(','));
}
/** A generated bar as the loader gives it back (a daily stock bar moved to its session's open). */
const lineOf =
  (layout: Layout) =>
  (b: Bar): string =>
    [layout.placed?.(b.t) ?? b.t, b.o, b.h, b.l, b.c, b.v].join(',');

/** Every field in double quotes (an empty field stays empty). */
const quoteAll = (text: string): string => text.replace(/[^,\r\n]+/g, (v) => `"${v}"`);

const layoutArb = fc.constantFrom(...LAYOUTS);
const N = 40;

describe('each layout, clean', () => {
  it.each(LAYOUTS.map((l) => [l.name, l] as const))(
    '%s loads the generated bars exactly',
    async (_, layout) => {
      const bars = series(N, Date.UTC(2021, 2, 1), layout.step, 7);
      const path = write(layout.file, fileText(layout, render(layout, bars).lines));
      const r = await loadBars(path, opts(layout, 'refuse'));
      expect(barsOf(r)).toEqual(bars.map(lineOf(layout)));
      expect(r.report.badRows).toEqual([]);
    },
  );
});

describe('one defective row, in every layout', () => {
  it('is refused naming file:row, and under --repair every other bar loads as in the clean file', async () => {
    const cases = fc.tuple(
      layoutArb,
      fc.constantFrom(...ROW_DEFECTS),
      fc.integer({ min: 2, max: N - 3 }),
      fc.nat(),
      fc.boolean(),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([layout, defect, j, seed, quoted]) => {
        fc.pre(defect.applies?.(layout) ?? true);
        const bars = series(N, Date.UTC(2021, 2, 1), layout.step, seed);
        const { lines, order } = render(layout, bars);
        defect.apply(lines, j, layout, order[j]!);
        // Quoted files go through the general scanner: the verdicts must not depend on which one reads.
        const text = fileText(layout, lines);
        const path = write(layout.file, quoted ? quoteAll(text) : text);
        const row = j + (layout.header === null ? 1 : 2);

        const refused = await loadBars(path, opts(layout, 'refuse')).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refused, `${layout.name}: ${defect.name} on row ${row} loaded`).toBeInstanceOf(DataError);
        expect((refused as DataError).message).toContain(`${path}:${row}: `);

        const repaired = await loadBars(path, opts(layout, 'repair'));
        const listed = [
          ...repaired.report.badRows.map((b) => b.row),
          ...repaired.report.duplicates.map((d) => d.row),
        ];
        expect(listed).toEqual([row]);
        const at = layout.placed?.(order[j]!.t) ?? order[j]!.t;
        const others = barsOf(repaired).filter((_, i) => repaired.series.time[i] !== at);
        expect(others).toEqual(bars.filter((b) => b.t !== order[j]!.t).map(lineOf(layout)));
        if (defect.outcome === 'drop') expect(repaired.report.bars).toBe(N - 1);
        else expect(repaired.report.bars).toBe(N);
      }),
      { seed: 20261205, numRuns: 120 },
    );
  });

  it('two rows swapped are sorted back under --repair and refused by default', async () => {
    await fc.assert(
      fc.asyncProperty(layoutArb, fc.integer({ min: 1, max: N - 3 }), async (layout, j) => {
        const bars = series(N, Date.UTC(2021, 2, 1), layout.step, j);
        const { lines } = render(layout, bars);
        [lines[j], lines[j + 1]] = [lines[j + 1]!, lines[j]!];
        const path = write(layout.file, fileText(layout, lines));
        const base = layout.header === null ? 1 : 2;
        await expect(loadBars(path, opts(layout, 'refuse'))).rejects.toThrow(
          new RegExp(`:(${j + base}|${j + base + 1}): out of order`),
        );
        const r = await loadBars(path, opts(layout, 'repair'));
        expect(barsOf(r)).toEqual(bars.map(lineOf(layout)));
      }),
      { seed: 11, numRuns: 30 },
    );
  });
});

describe('changes that are not defects', () => {
  const HARMLESS: { name: string; apply: (layout: Layout, text: string) => string }[] = [
    { name: 'a UTF-8 BOM', apply: (_, t) => `\uFEFF${t}` },
    { name: 'CRLF line ends', apply: (_, t) => t.replace(/\n/g, '\r\n') },
    { name: 'trailing blank lines', apply: (_, t) => `${t}\n  \n\r\n\n` },
    // Quoted fields take the loader's general scanner instead of its fused one.
    { name: 'every field quoted', apply: (_, t) => quoteAll(t) },
    {
      name: 'the header in upper case',
      apply: (l, t) => (l.header === null ? t : t.replace(l.header, l.header.toUpperCase())),
    },
  ];
  it('load the clean bars with nothing reported', async () => {
    await fc.assert(
      fc.asyncProperty(layoutArb, fc.constantFrom(...HARMLESS), fc.nat(), async (layout, change, seed) => {
        const bars = series(N, Date.UTC(2021, 2, 1), layout.step, seed);
        const path = write(layout.file, change.apply(layout, fileText(layout, render(layout, bars).lines)));
        const r = await loadBars(path, opts(layout, 'refuse'));
        expect(barsOf(r), `${layout.name}: ${change.name}`).toEqual(bars.map(lineOf(layout)));
        expect(r.report.badRows).toEqual([]);
      }),
      { seed: 5, numRuns: 40 },
    );
  });
});
