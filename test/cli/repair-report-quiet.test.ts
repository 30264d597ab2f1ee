/**
 * What --repair changed in the data (rows dropped or repaired) is said on stderr even with --quiet: the run
 * used data that is not the file as it is. Gaps, a description of the file, stay behind --quiet.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-repair-quiet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('simulate --repair --quiet', () => {
  it('still reports the rows it dropped and repaired', () => {
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 60; i++) {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
      lines.push(i === 10 ? 'bad' : i === 20 ? `${t},100,0.0001,99,100.5,10` : `${t},100,101,99,100.5,10`);
    }
    const path = join(dir, 'LINKUSDT_1h.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const r = runCli(['simulate', '--data', path, '--repair', '--no-cache', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`repair: LINKUSDT from ${path}: 1 row dropped, 1 row repaired`);
    expect(r.stderr).toContain(`${path}:12: row has 1 field`);
    expect(r.stderr).not.toContain('gaps:');
    expect(r.stdout).toMatch(/^return /);
  });
});
