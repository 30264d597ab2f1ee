/**
 * A file whose lines end in CR alone (classic Mac OS, some spreadsheet exports) reads as one line: it was
 * refused as "a header but no data rows", which sends the user looking for rows that are there. It is now
 * named for what it is, with the conversion to run. CRLF files still load as LF files do, and so do files
 * converted to CRLF twice (`\r\r\n`): only one CR was removed, so the last header name kept one (`volume\r`,
 * read as no volume column, volume 0 on every bar; `close\r` refused as a layout without a close).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { barFileWriter } from '../support/bar-files.js';

const write = barFileWriter('worksteal-cr-');

const LINES = [
  'timestamp,open,high,low,close,volume',
  '2023-01-01 00:00:00,9.97,10.02,9.93,9.99,126479.67',
  '2023-01-01 01:00:00,9.99,10.07,9.98,10.04,118297.82',
  '2023-01-01 02:00:00,10.04,10.1,10,10.05,101750.15',
];

describe('line ends', () => {
  it('CR alone is refused as such, naming the file and the conversion', async () => {
    const path = write(`${LINES.join('\r')}\r`);
    const err = (await loadBars(path, { cacheDir: null }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`${path}: its lines end in a carriage return alone`);
    expect(err.message).toContain(`tr '\\r' '\\n' < "${path}"`);
    expect(err.message).not.toMatch(/no data rows/);
  });

  it('CRLF still loads every bar', async () => {
    const r = await loadBars(write(`${LINES.join('\r\n')}\r\n`), { cacheDir: null });
    expect(r.series.time.length).toBe(3);
    expect(r.series.volume[2]).toBe(101750.15);
  });

  it('CR CR LF (a CRLF file converted again) reads every column, the last one too', async () => {
    const volumeLast = await loadBars(write(`${LINES.join('\r\r\n')}\r\r\n`), { cacheDir: null });
    expect(volumeLast.read?.volumeColumn).toBe('volume');
    expect(volumeLast.read?.unusedColumns).toEqual([]);
    expect(Array.from(volumeLast.series.volume)).toEqual([126479.67, 118297.82, 101750.15]);

    const closeLast = LINES.map((l) => {
      const [t, o, h, lo, c, v] = l.split(',');
      return [t, o, h, lo, v, c].join(',');
    });
    const r = await loadBars(write(`${closeLast.join('\r\r\n')}\r\r\n`), { cacheDir: null });
    expect(Array.from(r.series.close)).toEqual([9.99, 10.04, 10.05]);
    expect(r.read?.volumeColumn).toBe('volume');
  });

  it('any run of CRs before each LF reads as the LF file does, quoted or not, with a header or without', async () => {
    const lf = await loadBars(write(`${LINES.join('\n')}\n`), { cacheDir: null });
    const quoted = LINES.map((l) => l.replace(/^([^,]+)/, '"$1"'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: LINES.length, maxLength: LINES.length }),
        fc.constantFrom('plain', 'quoted', 'headerless'),
        async (crs, form) => {
          const lines = form === 'quoted' ? quoted : form === 'headerless' ? ['', ...LINES.slice(1)] : LINES;
          const text = lines
            .map((l, i) => (l === '' ? '' : `${l}${'\r'.repeat(crs[i] as number)}\n`))
            .join('');
          const r = await loadBars(write(text), { cacheDir: null });
          expect(Array.from(r.series.time)).toEqual(Array.from(lf.series.time));
          expect(Array.from(r.series.close)).toEqual(Array.from(lf.series.close));
          expect(Array.from(r.series.volume)).toEqual(Array.from(lf.series.volume));
          expect(r.report.badRows).toEqual([]);
        },
      ),
      { seed: 20240611, numRuns: 60 },
    );
  });
});
