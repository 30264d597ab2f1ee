/**
 * The short-holdout warning of `optimize --compare`: given exactly when the holdout is shorter than
 * MIN_HOLDOUT_TEST_WINDOWS of the selection's walk-forward test windows, and the --holdout it advises is the
 * smallest share (in hundredths) that is long enough.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MIN_HOLDOUT_TEST_WINDOWS,
  holdoutInTestWindows,
  shortHoldoutWarning,
} from '../../src/compare/holdout-length.js';
import { splitHoldout } from '../../src/compare/holdout.js';
import type { OptimizeConfig } from '../../src/core/config/optimize-schema.js';
import { buildFolds, DAY_MS, type Window } from '../../src/optimizer/objective/folds.js';

type FoldsCfg = OptimizeConfig['folds'];

function warningAt(range: Window, share: number, folds: FoldsCfg): string | null {
  const { selection, holdout } = splitHoldout(range, share);
  return shortHoldoutWarning({
    range,
    fraction: share,
    holdout,
    selectionFolds: buildFolds(selection, folds),
    folds,
  });
}

describe('the short-holdout warning', () => {
  it("the README's crypto run (25% of 2020-09-22T06:00 → 2025-12-02, 4 rolling folds) is warned about", () => {
    const range = { from: Date.parse('2020-09-22T06:00Z'), to: Date.parse('2025-12-02T00:00Z') };
    const folds: FoldsCfg = { count: 4, scheme: 'rolling' };
    expect(warningAt(range, 0.25, folds)).toMatch(
      /^warning: the holdout 2024-08-14 → 2025-12-02 \(475 days\) is 1\.7 walk-forward test windows long \(284 days each.*--holdout 0\.38 makes it 3/,
    );
    expect(warningAt(range, 0.38, folds)).toBeNull();
  });

  it('is given exactly below the threshold, and the advised share is the smallest that is long enough', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60, max: 2000 }),
        fc.integer({ min: 5, max: 60 }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom<FoldsCfg['scheme']>('rolling', 'anchored'),
        (days, percent, count, scheme) => {
          const range = { from: Date.UTC(2021, 0, 1), to: Date.UTC(2021, 0, 1) + days * DAY_MS };
          const folds: FoldsCfg = { count, scheme };
          const { selection, holdout } = splitHoldout(range, percent / 100);
          let selectionFolds;
          try {
            selectionFolds = buildFolds(selection, folds);
          } catch {
            return; // the folds do not fit the selection: refused before any warning
          }
          const w = shortHoldoutWarning({ range, fraction: percent / 100, holdout, selectionFolds, folds });
          expect(w === null).toBe(holdoutInTestWindows(holdout, selectionFolds) >= MIN_HOLDOUT_TEST_WINDOWS);
          const advised = /--holdout (0\.\d+) makes it/.exec(w ?? '');
          if (!advised) return;
          const share = Number(advised[1]);
          expect(share).toBeGreaterThan(percent / 100);
          expect(warningAt(range, share, folds)).toBeNull();
          expect(warningAt(range, Math.round(share * 100 - 1) / 100, folds)).not.toBeNull();
        },
      ),
      { seed: 77, numRuns: 300 },
    );
  });
});
