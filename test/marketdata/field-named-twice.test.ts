/**
 * A header that names one field twice: `close` and `Close`, or two names that both mean the close (`Close
 * Price` and `c`). The first column was read silently and the other ignored; which one holds the closes is a
 * guess, so the file is refused, naming both columns, with how to resolve it.
 */
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { barFileWriter, loadMessage } from '../support/bar-files.js';

const write = barFileWriter('worksteal-named-twice-');

/** Three hourly rows; the last column holds 10.6 on every row (a close as plausible as column 5's 10.5). */
function file(header: string): string {
  const rows = ['2023-01-01 00:00:00', '2023-01-01 01:00:00', '2023-01-01 02:00:00'].map(
    (t) => `${t},10,11,9,10.5,100,10.6`,
  );
  return write([header, ...rows].join('\n'));
}

describe('a header that names one field twice', () => {
  it('close and Close: refused, naming the file, both columns and what to do', async () => {
    const path = file('timestamp,open,high,low,close,volume,Close');
    const message = await loadMessage(path);
    expect(message).toContain(
      `${path}:1: its header names the close twice, "close" (column 5) and "Close" (column 7)`,
    );
    expect(message).toContain('Delete or rename all but one of them');
    expect(message).toContain('e.g. --columns open,high,low,4,volume');
  });

  it('Open and open, and the time written twice, are refused the same way', async () => {
    expect(await loadMessage(file('timestamp,Open,high,low,close,volume,open'))).toContain(
      'names the open twice, "Open" (column 2) and "open" (column 7)',
    );
    const time = await loadMessage(file('timestamp,open,high,low,close,volume,TimeStamp'));
    expect(time).toContain('names the time twice, "timestamp" (column 1) and "TimeStamp" (column 7)');
    expect(time).toContain('e.g. --time-column 0');
  });

  it('two different names of one field (aliases) are caught too', async () => {
    for (const [header, field, columns] of [
      [
        'timestamp,open,high,low,Close Price,volume,c',
        'close',
        '"Close Price" (column 5) and "c" (column 7)',
      ],
      ['timestamp,open,high,low,close,volume,last', 'close', '"close" (column 5) and "last" (column 7)'],
      ['timestamp,open,high,low,close,volume,vol', 'volume', '"volume" (column 6) and "vol" (column 7)'],
      [
        'timestamp,open,High,low,close,volume,high_price',
        'high',
        '"High" (column 3) and "high_price" (column 7)',
      ],
    ] as const) {
      const message = await loadMessage(file(header));
      expect(message, header).toContain(`names the ${field} twice, ${columns}`);
    }
  });

  it('every field named twice is listed in one message', async () => {
    const message = await loadMessage(file('timestamp,o,high,low,close,open,last'));
    expect(message).toContain(
      'names the open twice, "o" (column 2) and "open" (column 6); and the close twice, "close" (column 5) and "last" (column 7): which column holds each is a guess',
    );
    expect(message).toContain('e.g. --columns 1,high,low,4.');
  });

  it('the column chosen by index is read; a name that matches both is refused', async () => {
    const path = file('timestamp,open,high,low,close,volume,Close');
    const columns = { open: 'open', high: 'high', low: 'low', volume: 'volume' };
    const first = await loadBars(path, { cacheDir: null, layout: { columns: { ...columns, close: 4 } } });
    expect(Array.from(first.series.close)).toEqual([10.5, 10.5, 10.5]);
    const last = await loadBars(path, { cacheDir: null, layout: { columns: { ...columns, close: 6 } } });
    expect(Array.from(last.series.close)).toEqual([10.6, 10.6, 10.6]);
    await expect(
      loadBars(path, { cacheDir: null, layout: { columns: { ...columns, close: 'close' } } }),
    ).rejects.toThrow(
      `layout column close = "close" names 2 columns: "close" (column 5) and "Close" (column 7). Give the 0-based index of the one to read (4 or 6)`,
    );
  });

  it('names that only look alike still load: Adj Close is not the close', async () => {
    const r = await loadBars(file('timestamp,open,high,low,close,volume,Adj Close'), { cacheDir: null });
    expect(Array.from(r.series.close)).toEqual([10.5, 10.5, 10.5]);
    expect(r.read?.unusedColumns).toEqual(['Adj Close']);
  });

  it('two symbol columns (symbol and Symbol, symbol and ticker) are refused; one loads', async () => {
    const rows = (header: string): string =>
      write(
        [
          header,
          '2023-01-01 00:00:00,10,11,9,10.5,100,AAA,BBB',
          '2023-01-01 01:00:00,10,11,9,10.5,100,AAA,BBB',
        ].join('\n'),
      );
    const both = rows('timestamp,open,high,low,close,volume,symbol,Ticker');
    const message = await loadMessage(both);
    expect(message).toContain(
      `${both}:1: its header names the symbol twice, "symbol" (column 7) and "Ticker" (column 8)`,
    );
    expect(message).toContain('Delete or rename all but one of them');
    const cased = await loadMessage(rows('timestamp,open,high,low,close,volume,Symbol,symbol'));
    expect(cased).toContain('names the symbol twice, "Symbol" (column 7) and "symbol" (column 8)');
    const one = write(
      [
        'timestamp,open,high,low,close,volume,symbol',
        '2023-01-01 00:00:00,10,11,9,10.5,100,AAA',
        '2023-01-01 01:00:00,10,11,9,10.5,100,AAA',
      ].join('\n'),
    );
    const loaded = await loadBars(one, { cacheDir: null });
    expect(loaded.series.close.length).toBe(2);
  });
});
