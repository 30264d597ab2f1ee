import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { BAD, iso, spikeFile } from '../support/spike-bars.js';

/**
 * optimize reads, of each file, its range (the folds, and with --compare the holdout after them) and the
 * warm-up before it (warmUpBars, windowView, as the objective cuts the windows). A suspicious move outside
 * those bars is a note (hidden by --quiet); one inside them, the warm-up included, a warning (said under
 * --quiet too), as in simulate and compare (moves-outside-run.test.ts).
 */
const dir = mkdtempSync(join(tmpdir(), 'worksteal-moves-optimize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One searched key and two folds: a study of four candidates in one generation.
const config = join(dir, 'opt.json');
writeFileSync(
  config,
  JSON.stringify({
    optimize: { params: { protectionPct: { min: 0, max: 0.01 } }, folds: { count: 2, scheme: 'rolling' } },
  }),
);
let studies = 0;
function optimize(path: string, from: number, to: number, ...more: string[]): ReturnType<typeof runCli> {
  const db = join(dir, `study-${studies++}.sqlite`);
  const args = ['optimize', '--data', path, '--no-cache', '--config', config, '--from', iso(from)];
  const r = runCli(
    [...args, '--to', iso(to), '--generations', '1', '--population', '4', '--threads', '0'].concat([
      '--sensitivity',
      '0',
      '--db',
      db,
      ...more,
    ]),
  );
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('optimize: a suspicious move outside the bars the study reads', () => {
  const early = spikeFile(dir); // the bad print at bar BAD (100)
  const warning = (path: string): string =>
    `warning: SPIKEUSDT: 1 suspicious single-bar move in ${path} (the bars are used as they are)`;

  it('is a note when the range and its warm-up start after it, and gone under --quiet', () => {
    const r = optimize(early, 1_500, 1_900);
    expect(r.stderr).toContain(
      `note: SPIKEUSDT: 1 suspicious single-bar move in ${early} outside the bars this run reads (before its warm-up or after its end): not used`,
    );
    expect(r.stderr).not.toMatch(/warning: SPIKEUSDT: .*suspicious/);
    expect(optimize(early, 1_500, 1_900, '--quiet').stderr).not.toContain('suspicious');
  });

  it('is a note when it lies after the range', () => {
    const late = spikeFile(dir, 1_950);
    const r = optimize(late, 1_500, 1_900);
    expect(r.stderr).toContain(`note: SPIKEUSDT: 1 suspicious single-bar move in ${late} outside the bars`);
    expect(r.stderr).not.toMatch(/warning: SPIKEUSDT: .*suspicious/);
  });

  it('is a warning, --quiet too, when only the warm-up before the range reads it', () => {
    // The range starts 500 bars after the move; the default forecaster warms up on 720 + 24 bars.
    const r = optimize(early, BAD + 500, 1_000, '--quiet');
    expect(r.stderr).toContain(warning(early));
    expect(r.stderr).toContain(`${early}:${BAD + 2}: low 0.0001`);
  });

  it('--compare: a warning when it lies in the holdout, a note when before the warm-up', () => {
    const held = spikeFile(dir, 1_850); // in the last quarter of 1500 → 1900
    const inHoldout = optimize(held, 1_500, 1_900, '--compare', '--quiet');
    expect(inHoldout.stderr).toContain(warning(held));
    const before = optimize(early, 1_500, 1_900, '--compare', '--quiet');
    expect(before.stderr).not.toContain('suspicious');
  });
});
