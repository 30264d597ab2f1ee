/**
 * `optimize --compare` on the small real fixture: the optimiser on the selection period, then every row on
 * the holdout through the paired comparison of `worksteal compare`. The holdout numbers must be the ones the
 * objective gives for that window, as before the table moved onto the comparison module.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, compareMarkdown, CLAIM_ROWS } from '../../src/compare/holdout.js';
import { createObjective } from '../../src/optimizer/objective/objective.js';
import { createEvaluator, prepareObjective } from '../../src/optimizer/optimize.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { fixture } from '../optimizer/optimizer-fixture.js';

describe('optimize --compare', () => {
  it('scores every row on the holdout with the compare module, as the objective scores that window', async () => {
    const f = await fixture();
    const data = { ...f.data, defaultRange: f.range };
    const store = OptimizerStore.open(join(mkdtempSync(join(tmpdir(), 'worksteal-oc-')), 'c.sqlite'));
    const r = await compare({
      config: f.config,
      data,
      holdoutFraction: 0.25,
      seed: 2,
      generations: 1,
      evaluatorFor: (spec) => createEvaluator({ kind: 'inline' }, spec, f.series),
      store,
    });
    store.close();
    expect(r).not.toBeNull();
    const result = r!;
    expect(result.rows.map((x) => x.label)).toEqual([...CLAIM_ROWS.map((x) => x.label), "optimiser's best"]);
    // The paired comparison: every other row against stealing disabled, on the one holdout window.
    expect(result.paired.windows).toEqual([result.holdout]);
    expect(result.paired.comparisons.map((c) => [c.variant, c.baseline])).toEqual(
      result.rows.slice(1).map((x) => [x.label, 'stealing disabled']),
    );
    const sel = prepareObjective({ config: f.config, data, range: result.selection });
    const objective = createObjective(
      { ...sel.spec, folds: [{ index: 0, train: result.selection, test: result.holdout }] },
      f.series,
    );
    for (const row of result.rows) {
      const test = objective(row.params).folds[0]!.test;
      expect(row.holdout).toMatchObject({
        score: test.score,
        totalReturn: test.totalReturn,
        maxDrawdown: test.maxDrawdown,
        trades: test.trades,
        steals: test.steals,
        blocks: test.blocks,
      });
    }
    expect(result.rows[0]!.holdout.netRegret).toBe(0);
    expect(result.rows[3]!.holdout.steals).toBeGreaterThan(0);
    const md = compareMarkdown('fixture', result, 'worksteal optimize --compare');
    expect(md).toContain('holdout net steal regret');
    expect(md).toContain('`worksteal compare`');
  });
});
