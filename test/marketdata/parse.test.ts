/** Scanner, time and zone units, and a round-trip property over generated files in every supported layout. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNumber } from '../../src/marketdata/csv.js';
import { DataStore, importFiles } from '../../src/data/index.js';
import { DataError, expandDataArgs, loadBars } from '../../src/marketdata/index.js';
import { parseIsoTime, type IsoResult } from '../../src/marketdata/timeparse.js';
import { localToUtc, parseZone } from '../../src/marketdata/timezone.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const num = (s: string): number => parseNumber(bytes(s), 0, s.length);
const out: IsoResult = { offsetMin: NaN, hasTime: false };
const isoMs = (s: string): number => {
  const wall = parseIsoTime(bytes(s), 0, s.length, out);
  return Number.isNaN(out.offsetMin) ? wall : wall - out.offsetMin * 60_000;
};

describe('parseNumber', () => {
  it('agrees with Number() on every finite double printed by String()', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(num(String(x)), x) || (x === 0 && num(String(x)) === 0)).toBe(true);
      }),
      { seed: 103, numRuns: 3000 },
    );
  });

  it('agrees with Number() on fixed-point text of up to 20 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{1,12}\.[0-9]{1,10}$/), (s) => {
        expect(num(s)).toBe(Number(s));
      }),
      { seed: 104, numRuns: 3000 },
    );
  });

  it('rejects what is not a plain number', () => {
    for (const s of ['', '-', '.', 'abc', '1,5', '0x10', 'Infinity', 'NaN', '1.2.3', '1e', '--1'])
      expect(num(s)).toBeNaN();
    expect(num('1E+3')).toBe(1000);
    expect(num('+2.5')).toBe(2.5);
  });
});

describe('parseIsoTime', () => {
  it('agrees with Date.parse for generated ISO timestamps with offsets', () => {
    const offset = fc.integer({ min: -14 * 4, max: 14 * 4 }).map((q) => {
      const m = Math.abs(q) * 15;
      return `${q < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    });
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        offset,
        fc.boolean(),
        (d, off, t) => {
          const text =
            d
              .toISOString()
              .slice(0, 19)
              .replace('T', t ? 'T' : ' ') + off;
          expect(isoMs(text)).toBe(Date.parse(text.replace(' ', 'T')));
        },
      ),
      { seed: 105, numRuns: 2000 },
    );
  });

  it('reads dates, minutes, fractions and Z; rejects impossible dates', () => {
    expect(isoMs('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(isoMs('2024-01-02 03:04')).toBe(Date.UTC(2024, 0, 2, 3, 4));
    expect(isoMs('2024-01-02T03:04:05.678Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(isoMs('2024/01/02')).toBe(Date.UTC(2024, 0, 2));
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-01-01 24:00',
      '2024-01-01 10:61',
      '2024-01-01x',
      '24-01-01',
      '2024-01-01 10:00+25:00',
    ]) {
      expect(isoMs(bad)).toBeNaN();
    }
  });
});

describe('timezones', () => {
  const ny = parseZone('America/New_York')!;
  const wall = (s: string): number => Date.parse(`${s}Z`);

  it('parses offsets, UTC and IANA names', () => {
    expect(parseZone('-05:00')?.fixedOffset).toBe(-300);
    expect(parseZone('+0530')?.fixedOffset).toBe(330);
    expect(parseZone('UTC-5')?.fixedOffset).toBe(-300);
    expect(parseZone('Z')?.name).toBe('UTC');
    expect(parseZone('America/New_York')?.fixedOffset).toBeNull();
    expect(parseZone('Nowhere/Special')).toBeNull();
  });

  it('converts New York wall time across DST, matching Intl', () => {
    expect(localToUtc(ny, wall('2024-01-10T09:30:00'))).toBe(Date.UTC(2024, 0, 10, 14, 30));
    expect(localToUtc(ny, wall('2024-07-10T09:30:00'))).toBe(Date.UTC(2024, 6, 10, 13, 30));
    expect(localToUtc(ny, wall('2024-03-10T03:30:00'))).toBe(Date.UTC(2024, 2, 10, 7, 30));
    expect(localToUtc(ny, wall('2024-11-03T01:30:00'))).toBe(Date.UTC(2024, 10, 3, 5, 30)); // first 01:30 (EDT)
    expect(localToUtc(ny, wall('2003-09-10T09:30:00'))).toBe(Date.UTC(2003, 8, 10, 13, 30));
    const fmt = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/New_York',
      dateStyle: 'short',
      timeStyle: 'medium',
    });
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 }),
        (minute) => {
          const utc = minute * 60_000;
          const local = wall(fmt.format(utc).replace(' ', 'T'));
          const back = localToUtc(ny, local);
          // Unique wall times map back exactly; the repeated autumn hour may map to its other reading.
          expect(back === utc || Math.abs(back - utc) === 3_600_000).toBe(true);
          if (ny.offsetAt(utc - 3_600_000) === ny.offsetAt(utc + 3_600_000)) expect(back).toBe(utc);
        },
      ),
      { seed: 106, numRuns: 2000 },
    );
  });
});

describe('round trip: generated bars written in any supported layout load back exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-roundtrip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const price = fc.double({ min: 1e-6, max: 1e6, noNaN: true });
  const bar = fc.tuple(price, price, price, price, fc.double({ min: 0, max: 1e9, noNaN: true }));
  const columns = ['open', 'high', 'low', 'close', 'volume'] as const;
  let file = 0;

  it('holds for 150 generated files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(bar, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: Date.UTC(2000, 0, 1) / 3_600_000, max: Date.UTC(2030, 0, 1) / 3_600_000 }),
        fc.constantFrom('epoch-s', 'epoch-ms', 'iso', 'naive', 'headerless'),
        fc.shuffledSubarray([...columns], { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        fc.boolean(),
        async (raw, startHour, format, order, descending, crlf) => {
          const bars = raw.map(([a, b, c, d, v], i) => {
            const hi = Math.max(a, b, c, d);
            const lo = Math.min(a, b, c, d);
            return { time: (startHour + i) * 3_600_000, open: b, high: hi, low: lo, close: c, volume: v };
          });
          const cols = format === 'headerless' ? [...columns] : order;
          const stamp = (t: number): string =>
            format === 'epoch-s' || format === 'headerless'
              ? String(t / 1000)
              : format === 'epoch-ms'
                ? String(t)
                : new Date(t)
                    .toISOString()
                    .replace('T', ' ')
                    .replace('.000Z', format === 'iso' ? '+00:00' : '');
          const lines = bars.map((b) => [stamp(b.time), ...cols.map((c) => String(b[c]))].join(','));
          if (descending) lines.reverse();
          if (format !== 'headerless') lines.unshift(['timestamp', ...cols].join(','));
          const path = join(dir, `RT${file++}USDT_1h.csv`);
          writeFileSync(path, lines.join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n'));
          const { series, report } = await loadBars(path, { cacheDir: null });
          expect(Array.from(series.time)).toEqual(bars.map((b) => b.time));
          for (const c of columns) expect(Array.from(series[c])).toEqual(bars.map((b) => b[c]));
          expect(report.reordered).toBe(descending && bars.length > 1);
          expect(report.badRows).toEqual([]);
        },
      ),
      { seed: 107, numRuns: 150 },
    );
  });
});

describe('malformed input never escapes as anything but a DataError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const header = fc.constantFrom(
    '',
    'timestamp,open,high,low,close,volume\n',
    'Date;Close;High;Low;Open\n',
    '"t","o","h","l","c"\n',
  );
  const csvish = fc.stringMatching(/^[0-9a-zA-Z:,;."+\- \r\n]{0,300}$/);
  let file = 0;

  it('holds for 300 generated files (text and raw bytes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.oneof(
          csvish,
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        async (h, body) => {
          const path = join(dir, `F${file++}.csv`);
          writeFileSync(path, Buffer.from(h + body, 'latin1'));
          for (const onBadData of ['refuse', 'repair'] as const) {
            const result = await loadBars(path, { cacheDir: null, onBadData }).then(
              (r) => r,
              (e: unknown) => e,
            );
            if (result instanceof Error) {
              expect(result).toBeInstanceOf(DataError);
              expect(result.message).not.toContain('loader bug');
              expect(result.message.startsWith(path)).toBe(true);
            } else {
              const { time } = (result as { series: { time: Float64Array } }).series;
              for (let i = 1; i < time.length; i++) expect(time[i]! > time[i - 1]!).toBe(true);
            }
          }
        },
      ),
      { seed: 108, numRuns: 300 },
    );
  });
});

describe('implausible bars, special files and hostile headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worksteal-bounds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = ['2024-01-02 10:00:00,10,11,9,10.5,100', '2024-01-02 11:00:00,10.5,12,10,11,200'];
  const write = (name: string, rows: string[], header = 'timestamp,open,high,low,close,volume'): string => {
    const path = join(dir, name);
    writeFileSync(path, [header, ...rows].join('\n') + '\n');
    return path;
  };
  const failure = (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  it.each([
    ['open 1e308', '2024-01-02 12:00:00,1e308,1e308,11,11,1', 'open', '1e+308'],
    ['close 1e10', '2024-01-02 12:00:00,11,1e10,11,1e10,1', 'high', '10000000000'],
    ['volume 1e300', '2024-01-02 12:00:00,11,12,10,11,1e300', 'volume', '1e+300'],
    ['a tiny price', '2024-01-02 12:00:00,1e-300,12,1e-300,11,1', 'open', '1e-300'],
    ['year 9999', '9999-01-02 12:00:00,11,12,10,11,1', 'timestamp', '9999-01-02 12:00:00'],
    ['year 1969', '1969-12-31 12:00:00,11,12,10,11,1', 'timestamp', '1969-12-31 12:00:00'],
  ])('%s is refused naming the file, row, column and value', async (_what, row, column, value) => {
    const path = write(`X${_what.replace(/\W/g, '')}USDT_1h.csv`, [...good, row]);
    const err = await failure(loadBars(path, { cacheDir: null }));
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).row).toBe(4);
    expect((err as DataError).message).toContain(`${path}:4`);
    expect((err as DataError).message).toContain(`column ${column}`);
    expect((err as DataError).message).toContain(value);
    // Repair drops the row and says so; the rest loads.
    const repaired = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(repaired.series.time.length).toBe(2);
    expect(repaired.report.badRows).toMatchObject([{ row: 4, action: 'dropped' }]);
  });

  it('data import never writes an implausible value into the store', async () => {
    const path = write('YUSDT_1h.csv', [...good, '2024-01-02 12:00:00,1e308,1e308,11,11,1']);
    const store = new DataStore(join(dir, 'store'));
    expect(await failure(importFiles({ store, files: [path], cacheDir: null }))).toBeInstanceOf(DataError);
    expect(
      existsSync(join(dir, 'store')) ? readdirSync(join(dir, 'store'), { recursive: true }) : [],
    ).not.toContain('import/YUSDT/1h.csv');
    const [imported] = await importFiles({ store, files: [path], cacheDir: null, repair: true });
    expect(Array.from(imported!.load.series.high)).toEqual([11, 12]);
  });

  it('a FIFO given as data is refused at once, by the argument expansion and by the loader', async () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const fromArgs = await failure(expandDataArgs([fifo]));
    expect(fromArgs).toBeInstanceOf(DataError);
    expect((fromArgs as Error).message).toContain('FIFO');
    const fromLoader = await failure(loadBars(fifo, { cacheDir: null }));
    expect(fromLoader).toBeInstanceOf(DataError);
    expect((fromLoader as Error).message).toMatch(/pipe\.csv: is a FIFO \(named pipe\), not a regular file/);
  });

  it('terminal escapes in a header, a symbol or a value are shown escaped, never echoed raw', async () => {
    const header = write('ESC_1h.csv', good, '\u001b]0;owned\u0007\u001b[31mwhen,open,high,low,close');
    const err = await failure(loadBars(header, { cacheDir: null }));
    expect(err).toBeInstanceOf(DataError);
    // eslint-disable-next-line no-control-regex
    expect((err as Error).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect((err as Error).message).toContain('\\x1b[31mwhen');
    const value = write('ESCUSDT_1h.csv', [...good, '2024-01-02 12:00:00,\u009b2J,12,10,11,1']);
    const bad = await failure(loadBars(value, { cacheDir: null }));
    expect((bad as Error).message).toContain('"\\x9b2J"');
    const symbol = write(
      'SYM_1h.csv',
      ['2024-01-02 10:00:00,\u001b[2JAAPL,10,11,9,10.5'],
      'time,symbol,open,high,low,close',
    );
    const loaded = await loadBars(symbol, { cacheDir: null });
    expect(loaded.series.symbol).toBe('\\X1B[2JAAPL');
    const named = write('\u001b[2JEVIL_1h.csv', good);
    expect((await loadBars(named, { cacheDir: null })).series.symbol).toBe('\\x1b[2JEVIL');
  });
});
