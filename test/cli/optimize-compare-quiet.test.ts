/**
 * `optimize --compare --quiet` printed the whole holdout table (17 lines), as without --quiet, though the
 * help says --quiet prints only the result line. It now prints one line: each row's holdout score and the
 * optimiser's best parameters; --markdown still gets the table.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { iso, spikeFile } from '../support/spike-bars.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-optimize-compare-quiet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('optimize --compare --quiet', () => {
  it('prints the result line alone; --markdown keeps the table', () => {
    const config = join(dir, 'opt.json');
    writeFileSync(
      config,
      JSON.stringify({
        optimize: {
          params: { protectionPct: { min: 0, max: 0.01 } },
          folds: { count: 2, scheme: 'rolling' },
        },
      }),
    );
    const markdown = join(dir, 'holdout.md');
    const args = ['optimize', '--data', spikeFile(dir), '--no-cache', '--config', config, '--compare'];
    const study = ['--from', iso(1_000), '--to', iso(1_900), '--generations', '1', '--population', '4'];
    const r = runCli([
      ...args,
      ...study,
      ...[
        '--threads',
        '0',
        '--sensitivity',
        '0',
        '--db',
        join(dir, 's.sqlite'),
        '--markdown',
        markdown,
        '--quiet',
      ],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^holdout sharpe \S+ → \S+: stealing disabled \S+, protection 0\.4% \S+, protection 0\.1% \S+, protection 0\.15% \(default\) \S+, optimiser's best \S+ \(protectionPct=\S+\)$/,
      ),
      '',
    ]);
    expect(readFileSync(markdown, 'utf8')).toContain('| row | walk-forward median OOS sharpe (selection) |');
  });
});
