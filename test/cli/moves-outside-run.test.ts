import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/marketdata/index.js';
import { runCli } from '../support/cli.js';
import { BAD, HOUR, T0, iso, spikeFile } from '../support/spike-bars.js';

/**
 * A suspicious move (a bad print) in bars a simulation never reads, before its warm-up, cannot touch the
 * run: simulate says it in a note (hidden by --quiet), not in a warning the run would be read with. In bars
 * it reads (the warm-up counts) it stays a warning.
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-moves-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a suspicious move outside the bars a run reads', () => {
  const path = spikeFile(dir);

  it('the report gives the move its bar’s time', async () => {
    const { report } = await loadBars(path, { cacheDir: null });
    expect(report.warnings).toEqual([expect.objectContaining({ row: BAD + 2, time: T0 + BAD * HOUR })]);
  });

  it('is a note when the run starts long after it (its warm-up included), and gone under --quiet', () => {
    const args = ['simulate', '--data', path, '--no-cache', '--from', iso(1_500), '--to', iso(1_900)];
    const r = runCli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'note: SPIKEUSDT: 1 suspicious single-bar move in ' + path + ' outside the bars this run reads',
    );
    expect(r.stderr).not.toMatch(/warning: SPIKEUSDT: .*suspicious/);
    const quiet = runCli([...args, '--quiet']);
    expect(quiet.stderr).not.toContain('suspicious');
  });

  it('compare: a note when its windows and their warm-up start after it, else a warning', () => {
    const args = ['compare', '--data', path, '--no-cache', '--window', '1w', '--threads', '1', '--quiet'];
    const after = runCli([...args, '--from', iso(1_500), '--to', iso(1_900)]);
    expect(after.code).toBe(0);
    expect(after.stderr).not.toContain('suspicious');
    const reading = runCli([...args, '--from', iso(600), '--to', iso(1_000)]);
    expect(reading.code).toBe(0);
    expect(reading.stderr).toContain(`warning: SPIKEUSDT: 1 suspicious single-bar move in ${path}`);
  });

  it('is a warning when the run’s warm-up reads it, and when the run has no start', () => {
    for (const from of [['--from', iso(600)], []]) {
      const r = runCli(['simulate', '--data', path, '--no-cache', ...from, '--to', iso(1_900), '--quiet']);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `warning: SPIKEUSDT: 1 suspicious single-bar move in ${path} (the bars are used as they are)`,
      );
      expect(r.stderr).toContain(`${path}:${BAD + 2}: low 0.0001`);
    }
  });
});
