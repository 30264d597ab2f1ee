import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, expandDataArgs, loadData } from '../../src/index.js';
import { runCli } from '../support/cli.js';
import { requireMarketData } from '../support/marketdata.js';

/**
 * `--data` and the library's expandDataArgs/loadData take glob patterns (README "Use as a library": "files,
 * folders and globs"): a pattern the shell left alone, quoted on a command line or built by a program, gives
 * the files it matches. A path that exists is itself, whatever its name holds.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-globs-'));
const bars = 'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,1,1,1,1\n';
for (const f of ['AAAUSDT_1h.csv', 'BBBUSDT_1h.csv', 'CCCUSDT_1d.csv', 'notes.txt'])
  writeFileSync(join(dir, f), bars);
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'sub', 'DDDUSDT_1h.csv'), bars);
// A file whose name is itself a pattern: read as the one file it is, not as what the pattern would match.
writeFileSync(join(dir, '[AB]*.csv'), bars);
symlinkSync(join(dir, 'BBBUSDT_1h.csv'), join(dir, 'EEEUSDT_1h.csv'));

describe('glob patterns as data paths', () => {
  it('a pattern gives the files it matches, sorted, links to files included, with the given paths', async () => {
    expect(await expandDataArgs([join(dir, '*_1h.csv')])).toEqual(
      ['AAAUSDT_1h.csv', 'BBBUSDT_1h.csv', 'EEEUSDT_1h.csv'].map((f) => join(dir, f)),
    );
    expect(await expandDataArgs([join(dir, '**', 'D*.csv'), join(dir, 'C*')])).toEqual([
      join(dir, 'CCCUSDT_1d.csv'),
      join(dir, 'sub', 'DDDUSDT_1h.csv'),
    ]);
  });

  it('patterns, files and folders mix, and a file named twice is listed once', async () => {
    const got = await expandDataArgs([join(dir, 'A*_1h.csv'), join(dir, 'AAAUSDT_1h.csv'), join(dir, 'sub')]);
    expect(got).toEqual([join(dir, 'AAAUSDT_1h.csv'), join(dir, 'sub', 'DDDUSDT_1h.csv')]);
  });

  it('a path that exists is read as itself even when its name is a pattern', async () => {
    expect(await expandDataArgs([join(dir, '[AB]*.csv')])).toEqual([join(dir, '[AB]*.csv')]);
  });

  it('a pattern that matches nothing is a DataError naming it and what to check', async () => {
    const pattern = join(dir, 'ZZZ*.csv');
    const err = await expandDataArgs([pattern]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe(
      `${pattern}: no file matches this pattern. Check the pattern (relative patterns are matched from the current directory).`,
    );
  });

  it('loadData loads the files of a pattern over the real data', async () => {
    const data = requireMarketData();
    const { series } = await loadData([join(data, 'binance-spot-yanniedog', '[LS]*_1h.csv')]);
    expect(series.map((s) => s.symbol)).toEqual(['LINKUSDT', 'LTCUSDT', 'SOLUSDT']);
  });

  it('simulate --data takes a quoted pattern, relative to the current directory', () => {
    const data = requireMarketData();
    const r = runCli(
      [
        'simulate',
        '--data',
        'binance-spot-yanniedog/[LS]*_1h.csv',
        '--from',
        '2024-01-01',
        '--to',
        '2024-02-01',
        '--quiet',
      ],
      {},
      data,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^return /);
    const none = runCli(['simulate', '--data', 'binance-spot-yanniedog/QQQ*.csv', '--quiet'], {}, data);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('binance-spot-yanniedog/QQQ*.csv: no file matches this pattern.');
  });
});
