/**
 * The bar cache against a changed source and an entry of an older format: a source edited in place (same
 * size, its modification time set back) is read again, never served from the entry of its old bytes; an
 * entry an older version wrote, when parsing accepted rows it now refuses, is ignored rather than trusted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE_FORMAT_VERSION } from '../../src/marketdata/cache.js';
import { loadBars } from '../../src/marketdata/index.js';

const root = mkdtempSync(join(tmpdir(), 'worksteal-defects-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;

const HEADER = 'timestamp,open,high,low,close,volume\n';
const row = (h: number, close: string, extra = ''): string =>
  `2024-01-01 ${String(h).padStart(2, '0')}:00:00,10,11,9,${close},5${extra}\n`;

describe('the cache notices', () => {
  it('a source edited in place with its modification time set back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 8 }), async (at, digit) => {
        const dir = mkdtempSync(join(root, `${serial++}-`));
        const cacheDir = join(dir, 'cache');
        const path = join(dir, 'SOLUSDT_1h.csv');
        writeFileSync(path, HEADER + Array.from({ length: 10 }, (_, h) => row(h, '10.0')).join(''));
        // A whole second, so that setting it back restores the stat exactly (nanoseconds included).
        const stamp = new Date(Date.UTC(2025, 0, 1, at, digit));
        utimesSync(path, stamp, stamp);
        expect((await loadBars(path, { cacheDir })).fromCache).toBe(false);
        expect((await loadBars(path, { cacheDir })).fromCache).toBe(true);
        // One close changes from 10.0 to 10.<digit>: same size; the editor restores the old mtime.
        const lines = readFileSync(path, 'utf8').split('\n');
        lines[at + 1] = row(at, `10.${digit}`).trimEnd();
        writeFileSync(path, lines.join('\n'));
        utimesSync(path, stamp, stamp);
        expect(statSync(path).mtimeMs).toBe(stamp.getTime());
        const r = await loadBars(path, { cacheDir });
        expect(r.fromCache).toBe(false);
        expect(r.series.close[at]).toBe(10 + digit / 10);
      }),
      { seed: 8, numRuns: 10 },
    );
  });

  it('an entry of the previous format, written when a row wider than the header still loaded', async () => {
    const dir = mkdtempSync(join(root, `${serial++}-`));
    const cacheDir = join(dir, 'cache');
    const path = join(dir, 'SOLUSDT_1h.csv');
    // Repair mode writes an entry for the file; it is then made to look like one the previous format wrote
    // (same length, so the header stays aligned): its version and its key's version suffix.
    writeFileSync(path, HEADER + row(0, '10.5') + row(1, '10.6', ',7') + row(2, '10.7'));
    const repaired = await loadBars(path, { cacheDir, onBadData: 'repair' });
    expect(repaired.report.bars).toBe(2);
    const [name] = readdirSync(cacheDir) as [string];
    const v = CACHE_FORMAT_VERSION;
    const entry = readFileSync(join(cacheDir, name), 'latin1')
      .replace(`"version":${v}`, `"version":${v - 1}`)
      .replace(`-v${v}"`, `-v${v - 1}"`);
    expect(entry).toContain(`"version":${v - 1}`);
    writeFileSync(join(cacheDir, name), entry, 'latin1');
    const again = await loadBars(path, { cacheDir, onBadData: 'repair' });
    expect(again.fromCache).toBe(false);
    await expect(loadBars(path, { cacheDir })).rejects.toThrow(
      `${path}:3: row has 7 fields but the header has 6`,
    );
  });
});
