/**
 * A file whose lines end in CR alone (classic Mac OS, some spreadsheet exports) reads as one line: it was
 * refused as "a header but no data rows", which sends the user looking for rows that are there. It is now
 * named for what it is, with the conversion to run. CRLF files still load as LF files do.
 */
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
});
