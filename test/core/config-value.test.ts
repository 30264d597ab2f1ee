import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const resolve = (values: Record<string, unknown>) =>
  resolveConfig({ layers: [{ source: 'test.yaml', values }] });

describe('value-aware stealing keys in the config', () => {
  it('defaults: the auto ranking, no budget, cooldowns in seconds; the original preset ranks by distance', () => {
    expect(DEFAULT_CONFIG).toMatchObject({
      victimRanking: 'auto',
      stealHysteresis: 0.5,
      stealCostPerNotional: 0.0005,
      stealerCostPct: 0,
      protectionFillProbability: 0.5,
      forceImmediateMinFillProbability: 0.1,
      cooldownBars: 0,
      fightWindowBars: 0,
      fightCooldownBars: 0,
      stealBudgetPerDay: 0,
    });
    expect(resolveConfig().warnings.filter((w) => w.keys.includes('victimRanking'))).toEqual([]);
    expect(resolveConfig({ preset: 'original' }).config.victimRanking).toBe('distance');
  });

  it('bad values are errors that name the key and the value', () => {
    const cases: [string, unknown][] = [
      ['victimRanking', 'furthest'],
      ['stealHysteresis', -1],
      ['stealCostPerNotional', 2],
      ['protectionFillProbability', 1.5],
      ['forceImmediateMinFillProbability', Number.NaN],
      ['cooldownBars', -2],
      ['stealBudgetPerDay', 1.5],
    ];
    for (const [key, value] of cases) {
      const e = errorOf(() => resolve({ [key]: value }));
      const text = JSON.stringify(e.issues);
      expect(text, `${key}=${String(value)}`).toContain(key);
    }
  });

  it('environment overrides reach the new keys', () => {
    const { config } = resolveConfig({
      env: {
        WORKSTEAL_VICTIM_RANKING: 'expectedValue',
        WORKSTEAL_STEAL_HYSTERESIS: '2',
        WORKSTEAL_COOLDOWN_BARS: '2',
      },
    });
    expect(config).toMatchObject({ victimRanking: 'expectedValue', stealHysteresis: 2, cooldownBars: 2 });
  });

  it('warns when value keys are set under the distance ranking, which ignores them', () => {
    const { warnings } = resolve({ victimRanking: 'distance', stealHysteresis: 3 });
    expect(warnings.some((w) => w.keys.includes('stealHysteresis') && /ignores it/.test(w.message))).toBe(
      true,
    );
    // Under auto they apply wherever there are bars: no warning.
    expect(
      resolve({ stealHysteresis: 3 }).warnings.filter((w) => w.keys.includes('stealHysteresis')),
    ).toEqual([]);
  });

  it('warns when the value settings make stealing impossible or a bars key shadows its seconds twin', () => {
    const has = (values: Record<string, unknown>, key: string): boolean =>
      resolve(values).warnings.some((w) => w.keys.includes(key));
    expect(has({ victimRanking: 'expectedValue', stealHysteresis: 1e9 }, 'stealHysteresis')).toBe(true);
    expect(
      has({ victimRanking: 'expectedValue', protectionFillProbability: 0 }, 'protectionFillProbability'),
    ).toBe(true);
    expect(has({ cooldownBars: 2, cooldownSec: 300 }, 'cooldownBars')).toBe(true);
    expect(has({ cooldownBars: 4, fightWindowBars: 2 }, 'fightWindowBars')).toBe(true);
    expect(has({ victimRanking: 'expectedValue' }, 'stealHysteresis')).toBe(false);
  });
});
