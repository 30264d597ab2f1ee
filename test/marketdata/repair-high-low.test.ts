/**
 * The one high/low repair rule (repairHighLow), as the loader's --repair and `data download` apply it: a high
 * is kept only when it is at least max(open, close), a low only when it is at most min(open, close); the
 * replacement is that bound, never the other inconsistent value. With the old max/min-of-four rule a typo'd
 * high of 0.0001 became the bar's low and the simulator filled a buy at a price the market never traded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBar } from '../../src/data/canonical.js';
import { loadBars } from '../../src/marketdata/index.js';
import { repairHighLow } from '../../src/marketdata/limits.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-highlow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repairHighLow', () => {
  it('a typo high below the low is replaced by max(open, close), and the real low is kept', () => {
    expect(repairHighLow(3.1, 0.0001, 3.0489, 3.16)).toEqual({
      high: 3.16,
      low: 3.0489,
      problem: 'inconsistent OHLC: high 0.0001 is below max(open, close) 3.16',
      repair: 'high replaced by max(open, close) 3.16, low 3.0489 kept',
    });
  });

  it('a typo low above the high is replaced by min(open, close), and the real high is kept', () => {
    expect(repairHighLow(3.1, 3.3, 3100, 3.16)).toEqual({
      high: 3.3,
      low: 3.1,
      problem: 'inconsistent OHLC: low 3100 is above min(open, close) 3.1',
      repair: 'high 3.3 kept, low replaced by min(open, close) 3.1',
    });
  });

  it('both wrong: both replaced and both named', () => {
    const fix = repairHighLow(2, 1, 5, 3);
    expect(fix).toMatchObject({ high: 3, low: 2 });
    expect(fix?.problem).toBe(
      'inconsistent OHLC: high 1 is below max(open, close) 3 and low 5 is above min(open, close) 2',
    );
  });

  it('a consistent row needs nothing', () => {
    expect(repairHighLow(2, 3, 1, 2.5)).toBeNull();
    expect(repairHighLow(2, 2, 2, 2)).toBeNull();
  });

  it('each extreme is its own value or the open/close bound, never the other extreme (seed 2701)', () => {
    const price = fc.double({ min: 1e-6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(price, price, price, price, (o, h, l, c) => {
        const fix = repairHighLow(o, h, l, c);
        const high = fix ? fix.high : h;
        const low = fix ? fix.low : l;
        expect(high).toBe(h >= Math.max(o, c) ? h : Math.max(o, c));
        expect(low).toBe(l <= Math.min(o, c) ? l : Math.min(o, c));
        expect(high >= o && high >= c && low <= o && low <= c).toBe(true);
        expect(fix === null).toBe(high === h && low === l);
      }),
      { seed: 2701, numRuns: 2000 },
    );
  });
});

describe('the loader and `data download` apply the same rule', () => {
  it('--repair keeps the real low of a bar whose high is a typo', async () => {
    const path = join(dir, 'TYPO_1h.csv');
    writeFileSync(
      path,
      'time,open,high,low,close,volume\n' +
        '2024-01-01 00:00:00,3.1,3.2,3.05,3.15,10\n' +
        '2024-01-01 01:00:00,3.1633,0.0001,3.0489,3.12,10\n' +
        '2024-01-01 02:00:00,3.12,3.2,3.1,3.15,10\n',
    );
    const r = await loadBars(path, { onBadData: 'repair', cacheDir: null });
    expect(r.series.high[1]).toBe(3.1633);
    expect(r.series.low[1]).toBe(3.0489);
    expect(r.report.badRows).toEqual([
      {
        row: 3,
        problem:
          'inconsistent OHLC: high 0.0001 is below max(open, close) 3.1633; high replaced by max(open, close) 3.1633, low 3.0489 kept',
        action: 'repaired',
      },
    ]);
  });

  it('a downloaded bar with a typo high keeps its low', () => {
    const bar = {
      time: Date.UTC(2024, 0, 1),
      open: 3.1633,
      high: 0.0001,
      low: 3.0489,
      close: 3.12,
      volume: 1,
    };
    const { bar: fixed, problem } = checkBar(bar);
    expect(fixed).toEqual({ ...bar, high: 3.1633 });
    expect(problem?.problem).toBe(
      'inconsistent OHLC: high 0.0001 is below max(open, close) 3.1633; high replaced by max(open, close) 3.1633, low 3.0489 kept',
    );
  });
});
