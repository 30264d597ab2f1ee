/**
 * `data import` says how it read each file, as every command that loads bars does: the `read:` line (for
 * naive times, the zone they were stored in) under the file's lines, and the read warnings on stderr (a
 * "stock" with bars on every weekend). It said neither, so a crypto file imported as a stock went in silently.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barFileWriter, HOUR, T0 } from '../support/bar-files.js';
import { runCli } from '../support/cli.js';

const write = barFileWriter('worksteal-import-read-');

describe('data import', () => {
  it('prints the read: line and the read warnings', () => {
    const rows = Array.from({ length: 21 * 24 }, (_, i) => {
      const t = new Date(T0 + i * HOUR).toISOString().slice(0, 19).replace('T', ' ');
      return `${t},10,11,9,10.5,100`;
    });
    const file = write(`time,open,high,low,close,volume\n${rows.join('\n')}\n`, 'SOL.csv');
    const dir = join(dirname(file), 'store');
    mkdirSync(dir);
    const r = runCli(['data', 'import', file, '--dir', dir, '--timezone', 'UTC']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  read: SOL: 1h bars, naive times read as UTC (given)');
    expect(r.stderr).toMatch(/warning: SOL is read as a stock .* has bars on 3 of its 3 weekends/);
  }, 120_000);
});
