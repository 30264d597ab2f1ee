/**
 * One file per symbol is used. Two files of one symbol at different bar lengths (SOLUSDT_1h.csv and
 * SOLUSDT_1d.csv, as binance-spot-yanniedog holds them side by side, so `--data <folder>` must load) use the
 * finest; the note said "to use the other, pass that file instead" when both had been passed. It now names
 * both files and says how to use the other: pass it without the finer one.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMany } from '../../src/marketdata/index.js';
import { MARKETDATA } from '../support/marketdata.js';

const file = (name: string): string => join(MARKETDATA, 'binance-spot-yanniedog', name);

describe('two files of one symbol at different bar lengths', () => {
  it('uses the finer and says how to use the other, whichever order they come in', async () => {
    for (const order of [
      ['SOLUSDT_1h.csv', 'SOLUSDT_1d.csv'],
      ['SOLUSDT_1d.csv', 'SOLUSDT_1h.csv'],
    ]) {
      const notes: string[] = [];
      const loaded = await loadMany(order.map(file), { onNote: (n) => notes.push(n) });
      expect(loaded.map((l) => l.series.source.path)).toEqual([file('SOLUSDT_1h.csv')]);
      expect(notes).toEqual([
        `SOLUSDT: using ${file('SOLUSDT_1h.csv')} (1h bars) and leaving out ${file('SOLUSDT_1d.csv')} (1d): one file per symbol is used, the finest; to use the 1d bars, pass ${file('SOLUSDT_1d.csv')} without ${file('SOLUSDT_1h.csv')}`,
      ]);
    }
  });
});
