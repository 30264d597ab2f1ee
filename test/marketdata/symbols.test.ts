/** Symbol and asset-class inference, and data-argument expansion. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, expandDataArgs, inferAssetClass, inferSymbol } from '../../src/marketdata/index.js';

describe('inferSymbol', () => {
  it.each([
    ['data/SOLUSDT_1h.csv', 'SOLUSDT'],
    ['XBTUSD_60.csv', 'XBTUSD'],
    ['SPY_hourly.csv', 'SPY'],
    ['WIKI-AAPL.csv', 'AAPL'],
    ['AAPL_1Day.csv', 'AAPL'],
    ['AAPL.csv', 'AAPL'],
    ['BRK.B_1h.csv', 'BRK.B'],
    ['BTC-USD_1h.csv', 'BTC/USD'],
    ['eth_eur_daily.csv', 'ETH/EUR'],
  ])('%s → %s', (path, symbol) => {
    expect(inferSymbol(path)).toBe(symbol);
  });

  it('prefers the symbol column', () => {
    expect(inferSymbol('AAPL_1h.csv', 'msft')).toBe('MSFT');
    expect(inferSymbol('AAPL_1h.csv', '  ')).toBe('AAPL');
  });
});

describe('inferAssetClass', () => {
  it.each([
    ['SOLUSDT', 'crypto'],
    ['XBTUSD', 'crypto'],
    ['ETHBTC', 'crypto'],
    ['BTC/USD', 'crypto'],
    ['ETHEUR', 'crypto'],
    ['LINKUSDC', 'crypto'],
    ['AAPL', 'stock'],
    ['SPY', 'stock'],
    ['BRK.B', 'stock'],
    ['GBTC', 'stock'], // a one-letter base is not a pair
    ['SETH', 'stock'],
    ['F', 'stock'],
  ] as const)('%s → %s', (symbol, cls) => {
    expect(inferAssetClass(symbol)).toBe(cls);
  });
});

describe('expandDataArgs', () => {
  const root = mkdtempSync(join(tmpdir(), 'worksteal-args-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('expands folders recursively to sorted *.csv files; files are kept as given', async () => {
    mkdirSync(join(root, 'a', 'deep'), { recursive: true });
    writeFileSync(join(root, 'a', 'Z.csv'), '');
    writeFileSync(join(root, 'a', 'deep', 'B.CSV'), '');
    writeFileSync(join(root, 'a', 'notes.md'), '');
    writeFileSync(join(root, 'bars.txt'), '');
    const files = await expandDataArgs([join(root, 'bars.txt'), join(root, 'a'), join(root, 'a', 'Z.csv')]);
    expect(files).toEqual(
      [join(root, 'a', 'Z.csv'), join(root, 'a', 'deep', 'B.CSV'), join(root, 'bars.txt')].sort(),
    );
  });

  it('a missing path or a folder without CSVs is an error naming it', async () => {
    const missing = join(root, 'nope');
    await expect(expandDataArgs([missing])).rejects.toThrow(
      new RegExp(`${missing}: data path does not exist`),
    );
    await expect(expandDataArgs([missing])).rejects.toBeInstanceOf(DataError);
    mkdirSync(join(root, 'empty'));
    await expect(expandDataArgs([join(root, 'empty')])).rejects.toThrow(/folder contains no \.csv files/);
  });

  it('a link to a CSV file counts as the file; links to folders and dangling links are not followed', async () => {
    const links = join(root, 'links');
    mkdirSync(join(links, 'sub'), { recursive: true });
    writeFileSync(join(root, 'real.csv'), '');
    symlinkSync(join(root, 'real.csv'), join(links, 'SOL.csv'));
    symlinkSync(join(root, 'gone.csv'), join(links, 'dangling.csv'));
    symlinkSync(links, join(links, 'sub', 'up')); // a loop, were folder links followed
    expect(await expandDataArgs([links])).toEqual([join(links, 'SOL.csv')]);
  });
});
