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
import { parseZone } from '../../src/marketdata/timezone.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-defects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const DAY = 86_400_000;

interface Bar {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

const ny = parseZone('America/New_York')!;
const isoUtc = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
function offsetText(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
const withOffset = (t: number, min: number): string => `${isoUtc(t + min * 60_000)}${offsetText(min)}`;

/** How one layout writes a bar; `time` is the only column a time-format defect rewrites. */
interface Layout {
  name: string;
  file: string;
  header: string | null;
  step: number;
  descending: boolean;
  epoch: 's' | 'ms' | null;
  time: (t: number) => string;
  /** The row's fields; the time field is at index `timeAt`. */
  fields: (b: Bar, time: string) => string[];
  timeAt: number;
  options?: Parameters<typeof loadBars>[1];
}

const f = (x: number): string => String(x);
const LAYOUTS: Layout[] = [
  {
    name: 'binance-spot (naive UTC)',
    file: 'SOLUSDT_1h.csv',
    header: 'timestamp,open,high,low,close,volume',
    step: HOUR,
    descending: false,
    epoch: null,
    time: isoUtc,
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)],
    timeAt: 0,
  },
  {
    name: 'binance-eth (epoch ms, descending)',
    file: 'ETHUSDT_1h.csv',
    header: 'timestamp,open,high,low,close,volume',
    step: HOUR,
    descending: true,
    epoch: 'ms',
    time: (t) => String(t),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)],
    timeAt: 0,
  },
  {
    name: 'binance-btc (symbol column, ISO +00:00)',
    file: 'BTCUSDT_1h.csv',
    header: 'symbol,interval,timestamp,open,high,low,close,volume,quote_volume,trade_count',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, 0),
    fields: (b, t) => ['BTCUSDT', '1h', t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), f(b.v * 3), '17'],
    timeAt: 2,
  },
  {
    name: 'kraken (no header, epoch s)',
    file: 'XBTUSD_60.csv',
    header: null,
    step: HOUR,
    descending: false,
    epoch: 's',
    time: (t) => String(t / 1000),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), '3'],
    timeAt: 0,
  },
  {
    name: 'databento (ts_event, symbol last)',
    file: 'AAPL_1h.csv',
    header: 'ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume,symbol',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, 0),
    fields: (b, t) => [t, '34', '2', '21', f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), 'AAPL'],
    timeAt: 0,
  },
  {
    name: 'ibkr (naive fixed UTC-5)',
    file: 'TSLA_1h.csv',
    header: 'Date,Open,High,Low,Close,Volume',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => isoUtc(t - 5 * HOUR),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)],
    timeAt: 0,
    options: { layout: { timezone: '-05:00' } },
  },
  {
    name: 'polygon (New York offsets, IsGap)',
    file: 'SPY_hourly.csv',
    header: 'Datetime,Open,High,Low,Close,Volume,IsGap',
    step: HOUR,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, ny.offsetAt(t)),
    fields: (b, t) => [t, f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), 'False'],
    timeAt: 0,
  },
  {
    name: 'alpaca 1Day (symbol second)',
    file: 'MSFT_1Day.csv',
    header: 'Date,symbol,Open,High,Low,Close,Volume,Trades,VWAP',
    step: DAY,
    descending: false,
    epoch: null,
    time: (t) => withOffset(t, 0),
    fields: (b, t) => [t, 'MSFT', f(b.o), f(b.h), f(b.l), f(b.c), f(b.v), '100.0', f(b.c)],
    timeAt: 0,
  },
  {
    name: 'alpaca (close first, dates)',
    file: 'NVDA.csv',
    header: 'Date,Close,High,Low,Open,Volume',
    step: DAY,
    descending: false,
    epoch: null,
    time: (t) => isoUtc(t).slice(0, 10),
    fields: (b, t) => [t, f(b.c), f(b.h), f(b.l), f(b.o), f(b.v)],
    timeAt: 0,
  },
  {
    name: 'quandl (descending, adjusted columns)',
    file: 'WIKI-IBM.csv',
    header:
      'Date,Open,High,Low,Close,Volume,Ex-Dividend,Split Ratio,Adj. Open,Adj. High,Adj. Low,Adj. Close,Adj. Volume',
    step: DAY,
    descending: true,
    epoch: null,
    time: (t) => isoUtc(t).slice(0, 10),
    fields: (b, t) => {
      const values = [f(b.o), f(b.h), f(b.l), f(b.c), f(b.v)];
      return [t, ...values, '0.0', '1.0', ...values];
    },
    timeAt: 0,
  },
];

/** A seeded, valid series: cents prices with open/close inside [low, high], volumes with two decimals. */
function series(n: number, start: number, step: number, seed: number): Bar[] {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const cents = (x: number): number => Math.round(x * 100) / 100;
  const bars: Bar[] = [];
  let price = 50 + rand() * 100;
  for (let i = 0; i < n; i++) {
    const o = cents(price);
    const c = cents(Math.max(1, price * (1 + (rand() - 0.5) * 0.04)));
    const h = cents(Math.max(o, c) + rand() * 2 + 0.01);
    const l = cents(Math.max(0.01, Math.min(o, c) - rand() * 2 - 0.01));
    bars.push({ t: start + i * step, o, h, l, c, v: Math.round(rand() * 1e6) / 100 + 1 });
    price = c;
  }
  return bars;
}

/** The data lines of a layout, in file order, and the bar each line holds. */
function render(layout: Layout, bars: Bar[]): { lines: string[]; order: Bar[] } {
  const order = layout.descending ? [...bars].reverse() : bars;
  return { lines: order.map((b) => layout.fields(b, layout.time(b.t)).join(',')), order };
}

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
    apply: (ls, j, layout, b) => setValue(ls, j, layout, 'l', f(-b.l)),
  },
  { name: 'a zero high', outcome: 'drop', apply: (ls, j, layout) => setValue(ls, j, layout, 'h', '0') },
  {
    name: 'high and low swapped',
    outcome: 'repair',
    apply: (ls, j, layout, b) => {
      setValue(ls, j, layout, 'h', f(b.l));
      setValue(ls, j, layout, 'l', f(b.h));
    },
  },
  {
    name: 'a close above the high',
    outcome: 'repair',
    apply: (ls, j, layout, b) => setValue(ls, j, layout, 'c', f(b.h + 1)),
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
const line = (b: Bar): string => [b.t, b.o, b.h, b.l, b.c, b.v].join(',');

const layoutArb = fc.constantFrom(...LAYOUTS);
const N = 40;

describe('each layout, clean', () => {
  it.each(LAYOUTS.map((l) => [l.name, l] as const))(
    '%s loads the generated bars exactly',
    async (_, layout) => {
      const bars = series(N, Date.UTC(2021, 2, 1), layout.step, 7);
      const path = write(layout.file, fileText(layout, render(layout, bars).lines));
      const r = await loadBars(path, opts(layout, 'refuse'));
      expect(barsOf(r)).toEqual(bars.map(line));
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
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([layout, defect, j, seed]) => {
        fc.pre(defect.applies?.(layout) ?? true);
        const bars = series(N, Date.UTC(2021, 2, 1), layout.step, seed);
        const { lines, order } = render(layout, bars);
        defect.apply(lines, j, layout, order[j]!);
        const path = write(layout.file, fileText(layout, lines));
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
        const others = barsOf(repaired).filter((_, i) => repaired.series.time[i] !== order[j]!.t);
        expect(others).toEqual(bars.filter((b) => b.t !== order[j]!.t).map(line));
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
        expect(barsOf(r)).toEqual(bars.map(line));
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
        expect(barsOf(r), `${layout.name}: ${change.name}`).toEqual(bars.map(line));
        expect(r.report.badRows).toEqual([]);
      }),
      { seed: 5, numRuns: 40 },
    );
  });
});
