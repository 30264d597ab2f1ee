/**
 * Refusals that said too little or the wrong thing: milliseconds in a seconds column said only "outside the
 * supported years"; a swapped pair in a descending file said "19:00 comes after 20:00" where the file has
 * 19:00 first; an exact copy of a row and a conflicting second bar at the same time read alike; --repair
 * sorted rows out of order without saying so in its advice. Each now names what the file holds.
 */
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { reportedProblems } from '../../src/marketdata/quality.js';
import { barFileWriter, HOUR, T0, VALUES, epochRows, loadMessage as message } from '../support/bar-files.js';

const write = barFileWriter('worksteal-messages-');

describe('refusals that name what the file holds', () => {
  it('milliseconds in a seconds column name both units', async () => {
    const rows = epochRows(10, (t) => String(t / 1000));
    rows[5] = `${T0 + 5 * HOUR},${VALUES}`;
    const path = write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    expect(await message(path)).toContain(
      `${path}:7: time "${T0 + 5 * HOUR}" in column timestamp is epoch-ms by its magnitude, but the column holds epoch-s.`,
    );
  });

  it('a swapped pair in a descending file is told in the file order', async () => {
    const rows = epochRows(10, String).reverse();
    [rows[4], rows[5]] = [rows[5]!, rows[4]!];
    const path = write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    // File rows 6 and 7 now hold 04:00 then 05:00 in a newest-first file.
    expect(await message(path)).toContain(
      `${path}:6: out of order: 2023-01-01T04:00:00Z comes before 2023-01-01T05:00:00Z (row 7) in a file whose times run newest first.`,
    );
  });

  it('an exact copy of a row and a conflicting bar at the same time are told apart', async () => {
    const rows = epochRows(6, String);
    const copy = rows[2]!;
    const other = `${T0 + 4 * HOUR},10,12,9,11.5,100`;
    const path = write(
      `timestamp,open,high,low,close,volume\n${[...rows.slice(0, 3), copy, ...rows.slice(3, 5), other, rows[5]].join('\n')}\n`,
    );
    const text = await message(path);
    expect(text).toContain(`${path}:5: duplicate time 2023-01-01T02:00:00Z: the same values as row 4.`);
    expect(text).toContain(
      'row 8: duplicate time 2023-01-01T04:00:00Z with other values than row 7 (high 12 vs 11, close 11.5 vs 10.5)',
    );
    const repaired = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(reportedProblems(repaired.report).map((p) => `${p.row}: ${p.problem} (${p.action})`)).toEqual([
      '5: duplicate time 2023-01-01T02:00:00Z: the same values as row 4 (dropped)',
      '8: duplicate time 2023-01-01T04:00:00Z with other values than row 7 (high 12 vs 11, close 11.5 vs 10.5) (dropped)',
    ]);
  });

  it('--repair says it moves rows out of order into place, and lists each move', async () => {
    const rows = epochRows(8, String);
    const moved = rows.splice(2, 1)[0]!;
    rows.splice(5, 0, moved);
    const path = write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    expect(await message(path)).toContain(
      'move rows out of order to their place in time order and repair high/low, with every action listed',
    );
    const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
    expect(r.report.bars).toBe(8);
    expect(r.report.badRows).toEqual([
      {
        row: 7,
        problem:
          'out of order: 2023-01-01T02:00:00Z comes after 2023-01-01T05:00:00Z (row 6); moved to its place in time order',
        action: 'repaired',
      },
    ]);
  });
});
