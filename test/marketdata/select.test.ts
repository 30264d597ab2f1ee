/**
 * Choosing the files of a run (one home for the rule): the --symbols filter comes before the one-file-per-
 * symbol check, the finest bar length wins when one symbol comes from several, and mixed bar lengths are said.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/marketdata/errors.js';
import { loadMany } from '../../src/marketdata/index.js';
import { MARKETDATA } from '../support/marketdata.js';

const dir = join(MARKETDATA, 'binance-spot-yanniedog');
const file = (name: string): string => join(dir, name);

describe('selecting the files of a run', () => {
  it('filters by --symbols before the duplicate check, and keeps the finer of two bar lengths', async () => {
    const notes: string[] = [];
    const loaded = await loadMany(
      [file('SOLUSDT_1d.csv'), file('SOLUSDT_1h.csv'), file('BTCUSDT_1d.csv'), file('BTCUSDT_4h.csv')],
      { only: ['SOLUSDT'], onNote: (n) => notes.push(n) },
    );
    expect(loaded.map((l) => l.series.source.path)).toEqual([file('SOLUSDT_1h.csv')]);
    expect(notes).toEqual([expect.stringContaining('SOLUSDT: using')]);
    expect(notes[0]).toContain('SOLUSDT_1d.csv (1d)');
  });

  it('names unknown symbols and what the data holds', async () => {
    const error = await loadMany([file('SOLUSDT_1h.csv')], { only: ['SOLUSDT', 'NOPE'] }).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      '--symbols: NOPE not in the data. The data holds SOLUSDT; pick from those.',
    );
  });

  it('names the spelling the data uses when an unknown symbol is the same market spelled another way', async () => {
    const error = await loadMany([file('SOLUSDT_1h.csv'), file('LINKUSDT_1h.csv')], {
      only: ['SOL/USDT', 'linkusdt', 'NOPE'],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(
      '--symbols: SOL/USDT, linkusdt, NOPE not in the data. The data holds SOLUSDT, LINKUSDT; pick from those ' +
        '(SOL/USDT is spelled SOLUSDT here; linkusdt is spelled LINKUSDT here).',
    );
  });

  it('refuses two files of one symbol at the same bar length', async () => {
    const error = await loadMany([file('SOLUSDT_1h.csv'), file('SOLUSDT_1h.csv')]).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/gives symbol SOLUSDT, like .*same bar length \(1h\)/);
  });

  it('says when bar lengths differ between symbols', async () => {
    const notes: string[] = [];
    await loadMany([file('SOLUSDT_1h.csv'), file('BTCUSDT_4h.csv')], { onNote: (n) => notes.push(n) });
    expect(notes).toEqual([
      'bar lengths differ between symbols (1h: SOLUSDT; 4h: BTCUSDT); each symbol trades at its own bar closes',
    ]);
  });
});
