import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/index.js';
import { DEFAULT_OPTIMIZE } from '../../src/core/config/optimize-schema.js';
import { ValidationError } from '../../src/core/errors.js';
import { candidateConfig } from '../../src/optimizer/objective/objective.js';
import { decode } from '../../src/optimizer/de/space.js';
import { buildSpace, STANDARD_SPACE, VALUE_SPACE } from '../../src/optimizer/space.js';

describe('the optimizer searches the value-aware keys', () => {
  it('a value ranking adds VALUE_SPACE to the standard space; distance keeps the standard space unchanged', () => {
    expect(buildSpace(DEFAULT_OPTIMIZE).map((s) => s.name)).toEqual(Object.keys(STANDARD_SPACE));
    const space = buildSpace(DEFAULT_OPTIMIZE, 'expectedValue');
    expect(space.map((s) => s.name)).toEqual([...Object.keys(STANDARD_SPACE), ...Object.keys(VALUE_SPACE)]);
    expect(space.find((s) => s.name === 'stealHysteresis')).toMatchObject({ kind: 'real', log: true });
    expect(space.find((s) => s.name === 'cooldownBars')).toMatchObject({ kind: 'int', min: 0, max: 12 });
    expect(space.find((s) => s.name === 'stealBudgetPerDay')).toMatchObject({ kind: 'int' });
  });

  it('every corner of the value space decodes to a valid configuration', () => {
    const space = buildSpace(DEFAULT_OPTIMIZE, 'fillProbability');
    const { optimize: _o, ...base } = resolveConfig({
      layers: [{ source: 't', values: { victimRanking: 'fillProbability' } }],
    }).config;
    for (const u of [0, 0.5, 1]) {
      const params = decode(
        space,
        space.map(() => u),
      );
      const config = candidateConfig(base, params);
      expect(config.victimRanking).toBe('fillProbability');
      expect(config.stealHysteresis).toBe(params.stealHysteresis);
    }
  });

  it('the value keys are tunable with ranges checked by key; victimRanking is not, and says why', () => {
    const values = (params: unknown) => ({ optimize: { ...DEFAULT_OPTIMIZE, params } });
    const ok = resolveConfig({
      layers: [{ source: 'opt.json', values: values({ stealHysteresis: { min: 0.1, max: 5, log: true } }) }],
    });
    expect(ok.config.optimize.params).toHaveProperty('stealHysteresis');
    const bad = (params: unknown): string => {
      try {
        resolveConfig({ layers: [{ source: 'opt.json', values: values(params) }] });
      } catch (e) {
        if (e instanceof ValidationError) return JSON.stringify(e.issues);
        throw e;
      }
      return '';
    };
    expect(bad({ protectionFillProbability: { min: 0, max: 2 } })).toMatch(
      /protectionFillProbability.*leaves what the key allows/,
    );
    expect(bad({ victimRanking: { min: 0, max: 1 } })).toMatch(
      /victimRanking.*not tunable.*choice between policies/,
    );
  });
});
