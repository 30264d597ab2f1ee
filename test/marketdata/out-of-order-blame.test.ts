/**
 * A row out of place is the one named: a bar moved two or more places (later or earlier) in an ascending or a
 * descending file is blamed, not the neighbour it now sits beside, and --repair puts it back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError, loadBars } from '../../src/marketdata/index.js';
import { barFileWriter, HOUR, T0, epochRows } from '../support/bar-files.js';

const write = barFileWriter('worksteal-blame-');
const N = 30;

describe('out-of-order rows', () => {
  it('blame the row that was moved, in either file order; repair restores the series', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: N - 1 }),
        fc.integer({ min: 0, max: N - 2 }),
        fc.boolean(),
        async (from, to, newestFirst) => {
          fc.pre(Math.abs(from - to) >= 2);
          const rows = epochRows(N, String);
          const moved = rows.splice(from, 1)[0]!;
          rows.splice(to, 0, moved);
          if (newestFirst) rows.reverse();
          const path = write(`timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
          const line = rows.indexOf(moved) + 2;
          const err = await loadBars(path, { cacheDir: null }).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(DataError);
          expect((err as DataError).row).toBe(line);
          expect((err as Error).message).toContain(`(1 problem in ${N} rows.)`);
          expect((err as Error).message).toContain(
            `:${line}: out of order: ${new Date(T0 + from * HOUR).toISOString().replace('.000', '')} comes`,
          );
          const r = await loadBars(path, { cacheDir: null, onBadData: 'repair' });
          expect(Array.from(r.series.time)).toEqual(Array.from({ length: N }, (_, i) => T0 + i * HOUR));
          expect(r.report.badRows.map((b) => b.row)).toEqual([line]);
        },
      ),
      { seed: 3105, numRuns: 60 },
    );
  });
});
