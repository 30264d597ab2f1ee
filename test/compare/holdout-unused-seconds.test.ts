/**
 * `optimize --compare` names the optimiser's best (the Markdown's "Optimiser's best" line and the --quiet
 * line) by the rule best.json and `optimize --quiet` follow: a key in seconds whose key in bars the best sets
 * had no effect, so it is left out (it listed `cooldownSec=…` beside `cooldownBars=…`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, compareMarkdown, compareResultLine } from '../../src/compare/holdout.js';
import { createEvaluator } from '../../src/optimizer/optimize.js';
import { OptimizerStore } from '../../src/optimizer/store.js';
import { fixture } from '../optimizer/optimizer-fixture.js';

describe("optimize --compare's best", () => {
  it('leaves out the keys in seconds that its keys in bars replaced', async () => {
    const f = await fixture({ optimize: { params: { cooldownBars: { min: 1, max: 3 } } } });
    const data = { ...f.data, defaultRange: f.range };
    const store = OptimizerStore.open(join(mkdtempSync(join(tmpdir(), 'worksteal-ocu-')), 'c.sqlite'));
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
    const best = r!.rows.at(-1)!.params;
    // Searched and set: the bars key replaced the seconds key in every evaluation.
    expect(Number(best.cooldownBars)).toBeGreaterThanOrEqual(1);
    expect(best).toHaveProperty('cooldownSec');
    const line = compareMarkdown('fixture', r!, 'worksteal optimize --compare')
      .split('\n')
      .find((l) => l.startsWith("Optimiser's best: "));
    expect(line).toMatch(/cooldownBars=\d/);
    expect(line).not.toMatch(/cooldownSec=/);
    expect(line).toMatch(/protectionPct=/);
    const quiet = compareResultLine(r!);
    expect(quiet).toMatch(/cooldownBars=\d/);
    expect(quiet).not.toMatch(/cooldownSec=/);
  });
});
