/**
 * A file cut while it was written: its last line, with no line end, stops inside its final field. Cuts that
 * leave too few fields or an inconsistent value were refused already; a number cut at its decimal point
 * ('101750.') read as a whole number and was accepted. It is refused now, naming the row. A number cut
 * among its digits reads as a real value and is accepted: nothing in the file tells it apart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-truncated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let serial = 0;
function write(text: string): string {
  const sub = join(dir, String(serial++));
  mkdirSync(sub);
  const path = join(sub, 'SOLUSDT_1h.csv');
  writeFileSync(path, text);
  return path;
}

const BODY = [
  'timestamp,open,high,low,close,volume',
  '2023-01-01 00:00:00,9.97,10.02,9.93,9.99,126479.67',
  '2023-01-01 01:00:00,9.99,10.07,9.98,10.04,118297.82',
].join('\n');
const LAST = '2023-01-01 02:00:00,21.15,21.31,21.1,21.16,101750.15';

describe('a last line cut short', () => {
  it('at a decimal point with no line end is refused, and dropped under --repair', async () => {
    const path = write(`${BODY}\n${LAST.slice(0, -2)}`);
    await expect(loadBars(path, { cacheDir: null })).rejects.toThrow(
      `${path}:4: the file ends inside this row: its last field "101750." stops at a decimal point with no line end, so the file was cut short`,
    );
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.bars).toBe(2);
    expect(r.report.badRows.map((b) => [b.row, b.action])).toEqual([[4, 'dropped']]);
  });

  it('the same value with its line end, or cut among its decimals, loads as written', async () => {
    const ended = await loadBars(write(`${BODY}\n${LAST.slice(0, -2)}\n`), { cacheDir: null });
    expect(ended.series.volume[2]).toBe(101750);
    const cut = await loadBars(write(`${BODY}\n${LAST.slice(0, -1)}`), { cacheDir: null });
    expect(cut.series.volume[2]).toBe(101750.1);
  });
});
