import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TUNABLE_KEYS, TUNABLE_KEY_NAMES } from '../../src/core/config/optimize-schema.js';
import { resolveConfig } from '../../src/core/config/resolve.js';
import { decode } from '../../src/optimizer/de/index.js';
import { baseConfigOf, candidateConfig } from '../../src/optimizer/objective/objective.js';
import { warmUpBars } from '../../src/optimizer/objective/window.js';
import { buildSpace } from '../../src/optimizer/space.js';

/**
 * optimize says a suspicious move is in the bars a study reads from the base config's warm-up
 * (optimize-shared.ts: studyReads). That is the largest any candidate needs only while no point of a search
 * space changes the forecaster: it sits under `sim`, which is not tunable. Were it made tunable, this fails,
 * and studyReads must take the largest warm-up over the space's bounds.
 */
describe('the warm-up of every candidate of a study', () => {
  const base = baseConfigOf(resolveConfig({}).config);
  const warmUp = warmUpBars(base.sim.forecaster);
  // Every tunable key, each over its whole allowed range (capped where it is unbounded).
  const space = buildSpace(
    {
      params: Object.fromEntries(
        TUNABLE_KEY_NAMES.map((k) => [
          k,
          { min: TUNABLE_KEYS[k]!.lo, max: Math.min(TUNABLE_KEYS[k]!.hi, 1e6) },
        ]),
      ),
    },
    'expectedValue',
  );

  it('no tunable key is the simulator’s section', () => {
    expect(TUNABLE_KEY_NAMES).not.toContain('sim');
    expect(space.map((p) => p.name)).toEqual(TUNABLE_KEY_NAMES);
  });

  it('is the base config’s at every point of the space (seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: space.length,
          maxLength: space.length,
        }),
        (unit) => {
          const config = candidateConfig(base, decode(space, unit));
          expect(config.sim.forecaster).toEqual(base.sim.forecaster);
          expect(warmUpBars(config.sim.forecaster)).toBe(warmUp);
        },
      ),
      { seed: 34, numRuns: 200 },
    );
  });
});
