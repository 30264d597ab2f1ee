/**
 * `data import` of a well-formed file with a suspicious move (an unadjusted split): imported unchanged, and
 * the warning, naming the row and both prices, is in the manifest's problems as 'warned'.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataStore, importFiles } from '../../src/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-import-warn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('data import warns about suspicious moves', () => {
  it('keeps the bars and records the warning', async () => {
    const file = join(dir, 'SPLT_1h.csv');
    writeFileSync(
      file,
      'time,open,high,low,close,volume\n' +
        '2024-01-01 00:00:00,100,101,99,100,10\n' +
        '2024-01-01 01:00:00,14,15,13,14,10\n',
    );
    const store = new DataStore(join(dir, 'data'));
    const [done] = await importFiles({ store, files: [file], cacheDir: null });
    expect(done?.entry.badRows).toBe(0);
    expect(done?.entry.problems).toEqual([
      {
        row: 3,
        problem: expect.stringContaining('jumps 7.14x from close 100 (row 2) to open 14'),
        action: 'warned',
      },
    ]);
    expect(readFileSync(done!.path, 'utf8')).toContain('2024-01-01T01:00:00Z,14,15,13,14,10');
  });
});
