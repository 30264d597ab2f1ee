/**
 * `optimize --compare --json` and `compare --json` write the same paired comparison the same way. The holdout
 * comparison went through the optimizer's encoder, which keeps non-finite numbers as strings, so the same
 * window gave `"stealsPerVictim": {"b": "NaN"}` there and `null` in `compare --json`. Here the holdout of a
 * small real study (three crypto symbols, January to May 2023, holdout April) is compared again with
 * `compare` over that one window: every window and aggregate value must be the same JSON.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURE_CONFIG, FIXTURE_PATHS } from '../optimizer/optimizer-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'worksteal-holdout-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = join(dir, 'opt.json');
writeFileSync(cfg, JSON.stringify(FIXTURE_CONFIG));

interface Comparison {
  variant: string;
  baseline: string;
  windows: { a: Record<string, unknown>; b: Record<string, unknown> }[];
  aggregate: { stealsPerVictim: { a: unknown; b: unknown } };
}
interface Paired {
  windows: unknown[];
  subsets: unknown[];
  seed: number;
  resamples: number;
  comparisons: Comparison[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('the holdout comparison of optimize --compare --json', () => {
  it('is written as compare --json writes the same comparison', () => {
    const optJson = join(dir, 'opt.json.out');
    // The data, config and seeds both commands take.
    const shared = ['--data', ...FIXTURE_PATHS, '--config', cfg, '--threads', '0', '--seed', '3'];
    const opt = runCli([
      'optimize',
      '--compare',
      ...shared,
      '--from',
      '2023-01-01',
      '--to',
      '2023-05-01',
      '--generations',
      '1',
      '--db',
      join(dir, 'c.sqlite'),
      '--json',
      optJson,
      '--quiet',
    ]);
    expect(opt.code, opt.stderr).toBe(0);
    const held = readJson<{
      holdout: { from: number; to: number };
      rows: { label: string; holdout: Record<string, unknown> }[];
      paired: Paired;
    }>(optJson);
    // The holdout is 2023-04-01 → 2023-05-01: one 30-day window for compare.
    expect(held.holdout).toEqual({ from: Date.UTC(2023, 3, 1), to: Date.UTC(2023, 4, 1) });

    const cmpJson = join(dir, 'compare.json');
    const cmp = runCli([
      'compare',
      ...shared,
      '--from',
      '2023-04-01',
      '--to',
      '2023-05-01',
      '--window',
      '30d',
      '--variant',
      'protectionPct=0.004',
      '--variant',
      'protectionPct=0.001',
      '--variant',
      'protectionPct=0.0015',
      '--json',
      cmpJson,
      '--quiet',
    ]);
    expect(cmp.code, cmp.stderr).toBe(0);
    const compared = readJson<Paired>(cmpJson);

    const { paired } = held;
    expect(paired.windows).toEqual(compared.windows);
    expect(paired.subsets).toEqual(compared.subsets);
    expect([paired.seed, paired.resamples]).toEqual([compared.seed, compared.resamples]);
    // The three claim rows against stealing disabled; the optimiser's best has no compare counterpart here.
    for (let i = 0; i < 3; i++) {
      expect(paired.comparisons[i]!.windows, paired.comparisons[i]!.variant).toEqual(
        compared.comparisons[i]!.windows,
      );
      expect(paired.comparisons[i]!.aggregate, paired.comparisons[i]!.variant).toEqual(
        compared.comparisons[i]!.aggregate,
      );
    }
    // The case that differed: stealing disabled never steals, so its steals per victim is not a number.
    expect(paired.comparisons[0]!.aggregate.stealsPerVictim.b).toBeNull();
    // Each row's holdout is a side of that comparison, written the same way.
    const { score: _score, ...disabled } = held.rows[0]!.holdout;
    expect(disabled).toEqual(paired.comparisons[0]!.windows[0]!.b);
    held.rows.slice(1).forEach((row, i) => {
      const { score: _s, ...side } = row.holdout;
      expect(side, row.label).toEqual(paired.comparisons[i]!.windows[0]!.a);
    });
  }, 180_000);
});
