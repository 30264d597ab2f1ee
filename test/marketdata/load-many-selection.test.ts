/**
 * loadMany with several files: every failing file is named (not only the first), and with --symbols a file
 * whose name gives another symbol is not read, so a bad LINKUSDT file does not stop a SOLUSDT run. A file
 * whose name gives no symbol is still read: its symbol column may hold a wanted symbol.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, loadMany } from '../../src/marketdata/index.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-many-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GOOD =
  'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,1\n2024-01-01T01:00:00Z,1,2,0.5,1.5,1\n';
const BAD =
  'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,1\n2024-01-01T01:00:00Z,1,x,0.5,1.5,1\n';

function folder(name: string, files: Record<string, string>): string[] {
  const dir = join(root, name);
  mkdirSync(dir);
  return Object.entries(files).map(([f, text]) => {
    writeFileSync(join(dir, f), text);
    return join(dir, f);
  });
}

describe('loadMany', () => {
  it('names every failing file', async () => {
    const paths = folder('bad', { 'AAAUSDT_1h.csv': BAD, 'BBBUSDT_1h.csv': BAD, 'CCCUSDT_1h.csv': GOOD });
    const err = (await loadMany(paths, { cacheDir: null }).catch((e: unknown) => e)) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain(`${paths[0]}:3: unparsable number "x"`);
    expect(err.message).toContain(`1 other file failed too: ${paths[1]}:3.`);
  });

  it('--symbols skips files named for other symbols, before reading them', async () => {
    const paths = folder('mixed', { 'SOLUSDT_1h.csv': GOOD, 'LINKUSDT_1h.csv': BAD });
    const loaded = await loadMany(paths, { cacheDir: null, only: ['SOLUSDT'] });
    expect(loaded.map((l) => l.series.symbol)).toEqual(['SOLUSDT']);
    const typo = (await loadMany(paths, { cacheDir: null, only: ['SOLUSDTX'] }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(typo.message).toContain('The data holds SOLUSDT, LINKUSDT');
  });

  it('still reads a file whose name gives no symbol', async () => {
    const withColumn =
      'time,symbol,open,high,low,close,volume\n2024-01-01T00:00:00Z,SOLUSDT,1,2,0.5,1.5,1\n2024-01-01T01:00:00Z,SOLUSDT,1,2,0.5,1.5,1\n';
    const paths = folder('nameless', { 'data.csv': withColumn });
    const loaded = await loadMany(paths, { cacheDir: null, only: ['SOLUSDT'] });
    expect(loaded.map((l) => l.series.symbol)).toEqual(['SOLUSDT']);
  });
});
