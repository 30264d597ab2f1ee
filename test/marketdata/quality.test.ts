/**
 * Hand-made malformed files: every problem is refused by default with file, row and problem in the message,
 * and repaired (with a report entry per action) only when asked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, loadBars, loadMany, type LoadOptions } from '../../src/marketdata/index.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-quality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const opts: LoadOptions = { cacheDir: null };
const repair: LoadOptions = { cacheDir: null, onBadData: 'repair' };
const HEADER = 'timestamp,open,high,low,close,volume\n';
const rows = (...lines: string[]): string => HEADER + lines.map((l) => `${l}\n`).join('');

async function failure(path: string, options: LoadOptions = opts): Promise<DataError> {
  const err = await loadBars(path, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('refuse by default, repair on request', () => {
  it('a bad number names file, row, column and value', async () => {
    const path = csv(
      'BADNUM_1h.csv',
      rows(
        '2024-01-01 00:00:00,1,2,0.5,1.5,10',
        '2024-01-01 01:00:00,1,2,0.5,1.5,10',
        '2024-01-01 02:00:00,1,2,0.5,abc,10',
      ),
    );
    const err = await failure(path);
    expect(err.file).toBe(path);
    expect(err.row).toBe(4); // line 4: header is line 1
    expect(err.message).toContain(`${path}:4`);
    expect(err.message).toContain('unparsable number "abc" in column close');
    expect(err.message).toContain("onBadData: 'repair'");
    const ok = await loadBars(path, repair);
    expect(ok.series.time.length).toBe(2);
    expect(ok.report.badRows).toEqual([
      { row: 4, problem: 'unparsable number "abc" in column close (close)', action: 'dropped' },
    ]);
  });

  it('a duplicate timestamp is refused, and dropped (keeping the first) with repair', async () => {
    const path = csv(
      'DUP_1h.csv',
      rows(
        '2024-01-01 00:00:00,1,2,0.5,1.5,10',
        '2024-01-01 01:00:00,1,2,0.5,1.5,10',
        '2024-01-01 01:00:00,9,9,9,9,9',
        '2024-01-01 02:00:00,1,2,0.5,1.5,10',
      ),
    );
    const err = await failure(path);
    expect(err.message).toContain(`${path}:4: duplicate time 2024-01-01T01:00:00Z`);
    const ok = await loadBars(path, repair);
    expect(ok.series.time.length).toBe(3);
    expect(ok.series.open[1]).toBe(1); // the first row for 01:00 is kept
    expect(ok.report.duplicates).toEqual([
      {
        row: 4,
        time: Date.parse('2024-01-01T01:00:00Z'),
        action: 'dropped',
        keptRow: 3,
        differs: 'open 9 vs 1, high 9 vs 2, low 9 vs 0.5, close 9 vs 1.5, volume 9 vs 10',
      },
    ]);
  });

  it('high < close is refused, and repaired with repair', async () => {
    const path = csv(
      'HILO_1h.csv',
      rows('2024-01-01 00:00:00,1,2,0.5,1.5,10', '2024-01-01 01:00:00,1,1.2,0.5,1.5,10'),
    );
    const err = await failure(path);
    expect(err.row).toBe(3);
    expect(err.message).toContain('inconsistent OHLC: high 1.2 is below max(open, close) 1.5');
    const ok = await loadBars(path, repair);
    expect(ok.series.high[1]).toBe(1.5);
    expect(ok.report.badRows).toEqual([
      {
        row: 3,
        problem:
          'inconsistent OHLC: high 1.2 is below max(open, close) 1.5; high replaced by max(open, close) 1.5, low 0.5 kept',
        action: 'repaired',
      },
    ]);
  });

  it('non-positive prices, NaN and unparsable times are refused and listed together', async () => {
    const path = csv(
      'MANY_1h.csv',
      rows(
        '2024-01-01 00:00:00,1,2,0.5,1.5,10',
        '2024-01-01 01:00:00,0,2,0.5,1.5,10',
        '2024-01-01 02:00:00,1,2,NaN,1.5,10',
        'yesterday,1,2,0.5,1.5,10',
        '2024-01-01 04:00:00,1,2,0.5,1.5,-3',
        '2024-01-01 05:00:00,1,2',
      ),
    );
    const err = await failure(path);
    expect(err.row).toBe(3);
    expect(err.message).toContain('non-positive price 0 in column open');
    expect(err.message).toContain('row 4: unparsable number "NaN" in column low');
    expect(err.message).toContain('row 5: unparsable time "yesterday" in column timestamp');
    expect(err.message).toContain('row 6: negative volume -3');
    expect(err.message).toContain('row 7: row has 3 fields, expected at least 6');
    const detail = err.detail as { badRows: { action: string }[] };
    expect(detail.badRows.every((b) => b.action === 'refused')).toBe(true);
    const ok = await loadBars(path, repair);
    expect(ok.series.time.length).toBe(1);
    expect(ok.report.badRows.map((b) => [b.row, b.action])).toEqual([
      [3, 'dropped'],
      [4, 'dropped'],
      [5, 'dropped'],
      [6, 'dropped'],
      [7, 'dropped'],
    ]);
  });

  it('out-of-order rows are refused, and sorted with repair', async () => {
    const path = csv(
      'ORDER_1h.csv',
      rows(
        '2024-01-01 00:00:00,1,2,0.5,1.5,10',
        '2024-01-01 02:00:00,1,2,0.5,1.5,10',
        '2024-01-01 01:00:00,1,2,0.5,1.5,10',
        '2024-01-01 03:00:00,1,2,0.5,1.5,10',
      ),
    );
    const err = await failure(path);
    expect(err.message).toContain(':4: out of order');
    expect(err.message).not.toContain('moved to its place');
    const ok = await loadBars(path, repair);
    expect(Array.from(ok.series.time)).toEqual([0, 1, 2, 3].map((h) => Date.UTC(2024, 0, 1, h)));
    expect(ok.report.badRows).toEqual([
      {
        row: 4,
        problem:
          'out of order: 2024-01-01T01:00:00Z comes after 2024-01-01T02:00:00Z (row 3); moved to its place in time order',
        action: 'repaired',
      },
    ]);
    expect(ok.report.reordered).toBe(false);
  });

  it('a descending file is a layout, not a defect', async () => {
    const path = csv('DESC_1h.csv', rows('1704070800000,1,2,0.5,1.5,10', '1704067200000,1,2,0.5,1.5,10'));
    const ok = await loadBars(path, opts);
    expect(ok.report.reordered).toBe(true);
    expect(Array.from(ok.series.time)).toEqual([1704067200000, 1704070800000]);
    expect(ok.series.source.layout).toBe('header:timestamp epoch-ms desc');
  });
});

describe('errors for files that cannot be read as bars', () => {
  it('a missing file', async () => {
    const err = await failure(join(dir, 'nope.csv'));
    expect(err.message).toMatch(/nope\.csv: file does not exist\./);
  });

  it('an empty file and a header-only file', async () => {
    expect((await failure(csv('EMPTY.csv', ''))).message).toContain('the file is empty');
    expect((await failure(csv('HEADONLY.csv', HEADER))).message).toContain('has a header but no data rows');
  });

  it('an unrecognised layout lists the columns seen and how to override', async () => {
    const err = await failure(csv('WEIRD.csv', 'when,first,top,bottom,last\n2024-01-01,1,2,0.5,1.5\n'));
    expect(err.message).toContain('unrecognised layout');
    expect(err.message).toContain('columns seen: when, first, top, bottom, last');
    expect(err.message).toContain('layout: { timeColumn');
    const ok = await loadBars(join(dir, 'WEIRD.csv'), {
      cacheDir: null,
      layout: { timeColumn: 'when', columns: { open: 'first', high: 'top', low: 'bottom', close: 'last' } },
    });
    expect(ok.series.close[0]).toBe(1.5);
    expect(ok.series.volume[0]).toBe(0);
  });

  it('a headerless file whose columns are not time,o,h,l,c is not guessed', async () => {
    // time,low,high,open,close,volume: read positionally, 'low' (col 1) would be the open and 'open' the low.
    const err = await failure(
      csv('HL.csv', '1704067200,0.5,2,1,1.5,10\n1704070800,0.6,2,1.5,1.2,10\n1704074400,0.5,2,1.9,0.7,10\n'),
    );
    expect(err.message).toContain('unrecognised layout');
    expect(err.message).toContain('no header; 6 columns per row');
  });

  it('an index column is not read as 1970 epoch times', async () => {
    const err = await failure(csv('IDX.csv', '0,1,2,0.5,1.5,10\n1,1,2,0.5,1.5,10\n'));
    expect(err.message).toContain('not plausible epoch times (first: 0 = 1970-01-01T00:00:00Z as epoch-s)');
  });

  it('an unparsable time in the first rows names the row and value', async () => {
    const err = await failure(csv('DMY.csv', 'Date,Open,High,Low,Close\n31/12/2024,1,2,0.5,1.5\n'));
    expect(err.row).toBe(2);
    expect(err.message).toContain('unparsable time "31/12/2024" in column Date');
  });

  it('several symbols in one file', async () => {
    const err = await failure(
      csv(
        'MIX.csv',
        'symbol,timestamp,open,high,low,close\nAAPL,2024-01-01,1,2,0.5,1.5\nMSFT,2024-01-02,1,2,0.5,1.5\n',
      ),
    );
    expect(err.row).toBe(3);
    expect(err.message).toContain('changes from "AAPL" (row 2) to "MSFT"');
  });

  it('an unknown timezone', async () => {
    const path = csv('TZ_1h.csv', rows('2024-01-01 00:00:00,1,2,0.5,1.5,10'));
    const err = await failure(path, { cacheDir: null, layout: { timezone: 'Mars/Olympus' } });
    expect(err.message).toContain('unknown timezone "Mars/Olympus"');
  });

  it('two files with the same symbol in one loadMany', async () => {
    const a = csv('SAME_1h.csv', rows('2024-01-01 00:00:00,1,2,0.5,1.5,10'));
    const b = csv('SAME_1d.csv', rows('2024-01-01 00:00:00,1,2,0.5,1.5,10'));
    await expect(loadMany([a, b], opts)).rejects.toThrow(/gives symbol SAME, like .*SAME_1h\.csv/);
  });
});

describe('other layouts and overrides', () => {
  it('quoted fields, semicolons, CRLF and a BOM', async () => {
    const text =
      '\uFEFF"Date";"Open";"High";"Low";"Close";"Volume"\r\n"2024-01-02 10:00";"1,5";"2";"1";"1.5";"7"\r\n';
    const err = await failure(csv('Q.csv', text));
    expect(err.message).toContain('unparsable number "1,5" in column Open');
    const ok = await loadBars(csv('Q2.csv', text.replace('"1,5"', '"1.25"')), {
      cacheDir: null,
      assetClass: 'crypto',
    });
    expect([ok.series.time[0], ok.series.open[0], ok.series.volume[0]]).toEqual([
      Date.UTC(2024, 0, 2, 10),
      1.25,
      7,
    ]);
  });

  it('epoch seconds vs milliseconds by magnitude, and an explicit override', async () => {
    const s = await loadBars(csv('S.csv', rows('1704067200,1,2,0.5,1.5,10')), opts);
    const ms = await loadBars(csv('MS.csv', rows('1704067200000,1,2,0.5,1.5,10')), opts);
    expect(s.series.time[0]).toBe(1704067200000);
    expect(ms.series.time[0]).toBe(1704067200000);
    // Forced to milliseconds, seconds would read as January 1970: refused, naming the unit the value has.
    await expect(
      loadBars(join(dir, 'S.csv'), { cacheDir: null, layout: { timeFormat: 'epoch-ms' } }),
    ).rejects.toThrow('S.csv:2: time "1704067200" in column timestamp is epoch-s by its magnitude');
  });

  it('ISO with Z, fractional seconds and compact offsets', async () => {
    const ok = await loadBars(
      csv(
        'ISO.csv',
        rows(
          '2024-01-01T00:00:00Z,1,2,0.5,1.5,10',
          '2024-01-01T05:00:00+0500,1,2,0.5,1.5,10',
          '2024-01-01T02:00:00.250-01,1,2,0.5,1.5,10',
        ),
      ),
      repair,
    );
    expect(Array.from(ok.series.time)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 3, 0, 0, 250)]);
    expect(ok.report.duplicates).toEqual([
      { row: 3, time: Date.UTC(2024, 0, 1), action: 'dropped', keptRow: 2, differs: '' },
    ]);
  });

  it('a fixed-offset timezone override shifts naive times', async () => {
    const path = csv('FIX.csv', rows('2024-01-01 09:30:00,1,2,0.5,1.5,10'));
    const ok = await loadBars(path, { cacheDir: null, layout: { timezone: '-05:00' } });
    expect(ok.series.time[0]).toBe(Date.UTC(2024, 0, 1, 14, 30));
    expect(ok.series.source.timezone).toBe('-05:00');
  });

  it('New York local naive stock bars are detected, DST included', async () => {
    const lines: string[] = [];
    const days = ['2024-01-', '2024-07-'].flatMap((m) =>
      ['08', '09', '10', '11', '12', '15', '16', '17'].map((d) => m + d),
    );
    for (const day of days) {
      for (const t of ['09:30', '10:30', '11:30', '12:30', '13:30', '14:30', '15:30'])
        lines.push(`${day} ${t}:00,1,2,0.5,1.5,10`);
    }
    const ok = await loadBars(csv('SPYLOCAL_hourly.csv', rows(...lines)), opts);
    expect(ok.series.assetClass).toBe('stock');
    expect(ok.series.source.timezone).toBe('America/New_York');
    expect(ok.series.time[0]).toBe(Date.UTC(2024, 0, 8, 14, 30));
    expect(ok.series.time[56]).toBe(Date.UTC(2024, 6, 8, 13, 30));
    expect(ok.series.source.layout).toBe('header:timestamp naive-America/New_York (session-fit 100%) asc');
  });

  it('a stock file with too few days to tell is read as UTC, and says so', async () => {
    const ok = await loadBars(csv('FEW_1h.csv', rows('2024-01-01 09:30:00,1,2,0.5,1.5,10')), opts);
    expect(ok.series.time[0]).toBe(Date.UTC(2024, 0, 1, 9, 30));
    expect(ok.series.source.layout).toBe('header:timestamp naive-utc (assumed (only 1 day of bars)) asc');
  });

  it('naive crypto bars are UTC without guessing', async () => {
    const ok = await loadBars(csv('ETHUSDT_1h.csv', rows('2024-07-10 09:30:00,1,2,0.5,1.5,10')), opts);
    expect(ok.series.time[0]).toBe(Date.UTC(2024, 6, 10, 9, 30));
    expect(ok.series.source.layout).toBe('header:timestamp naive-utc asc');
  });
});
