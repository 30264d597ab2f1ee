/**
 * The summary's range row counts the days the range spans (2023-01-01 → 2023-07-01 is 181), not the equity
 * rows, which include both ends (182).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rangeDays } from '../../src/sim/report/analysis.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('range days', () => {
  it('counts the span, not its end points', () => {
    expect(rangeDays({ from: '2023-01-01T00:00:00.000Z', to: '2023-07-01T00:00:00.000Z' })).toBe(181);
    expect(rangeDays({ from: null, to: null })).toBeNull();
  });

  it('simulate prints it in the range row', () => {
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < 24 * 10; i++) {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
      lines.push(`${t},100,101,99,100.5,10`);
    }
    const path = join(dir, 'SOLUSDT_1h.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const r = runCli([
      'simulate',
      '--data',
      path,
      '--from',
      '2024-01-02',
      '--to',
      '2024-01-05',
      '--no-cache',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/range\s+│ 2024-01-02 → 2024-01-05 \(3 days\)/);
  });
});
