import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { parseStructured } from '../../src/io/read-structured.js';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('config', () => {
  it('default preset is the seed optimum of DESIGN §2', () => {
    const { config } = resolveConfig();
    expect(config).toMatchObject({
      protectionPct: 0.0015,
      stealEntryTolerance: 0.0057,
      cooldownSec: 166,
      fightThreshold: 8,
      fightWindowSec: 1800,
      fightCooldownSec: 645,
      cryptoOutOfHoursForceCount: 3,
      cryptoOutOfHoursTolerance: 0.047,
      cryptoNormalTolerance: 0.013,
      normalTolerance: 0.0066,
      minOrderAgeSec: 0,
      bufferPct: 0,
      marginRatePerYear: 0.065,
    });
  });

  it('original preset sets both tolerances to 0.0066 and leaves unnamed keys at the defaults', () => {
    const { config } = resolveConfig({ preset: 'original' });
    expect(config).toMatchObject({
      protectionPct: 0.001,
      stealEntryTolerance: 0.0066,
      cooldownSec: 120,
      fightThreshold: 5,
      fightCooldownSec: 600,
      cryptoOutOfHoursForceCount: 2,
      cryptoOutOfHoursTolerance: 0.02,
      normalTolerance: 0.0066,
      cryptoNormalTolerance: 0.0066,
      fightWindowSec: DEFAULT_CONFIG.fightWindowSec,
      minOrderAgeSec: 0,
    });
  });

  it('the published set warns about its dead zone; nothing is fatal', () => {
    const { warnings } = resolveConfig();
    expect(
      warnings.some((w) => w.keys.includes('stealEntryTolerance') && w.message.includes('dead zone')),
    ).toBe(true);
  });

  it('protection ≥ a tolerance and fight cooldown ≤ cooldown are warnings', () => {
    const { warnings } = resolveConfig({
      layers: [{ source: 'f.json', values: { protectionPct: 0.01, fightCooldownSec: 100 } }],
    });
    expect(warnings.some((w) => w.keys.join() === 'protectionPct,normalTolerance')).toBe(true);
    expect(warnings.some((w) => w.keys.join() === 'fightCooldownSec,cooldownSec')).toBe(true);
  });

  it.each([
    [{ protectionPct: -0.1 }, 'protectionPct', -0.1],
    [{ normalTolerance: 1.5 }, 'normalTolerance', 1.5],
    [{ cooldownSec: Number.NaN }, 'cooldownSec', Number.NaN],
    [{ fightThreshold: 2.5 }, 'fightThreshold', 2.5],
    [{ sim: { feesBps: -1 } }, 'sim.feesBps', -1],
  ])('impossible value %j is an error naming the key and value', (values, key, value) => {
    const err = errorOf(() => resolveConfig({ layers: [{ source: 'my.yaml', values }] }));
    expect(err.issues[0]?.where).toBe(`my.yaml: ${key}`);
    expect(Object.is(err.issues[0]?.value, value)).toBe(true);
    expect(err.message).toContain(key);
  });

  it('unknown keys are errors, also nested ones', () => {
    const err = errorOf(() =>
      resolveConfig({ layers: [{ source: 'c.json', values: { protectionPc: 0.1, sim: { fee: 1 } } }] }),
    );
    expect(err.issues.map((i) => i.where).sort()).toEqual(['c.json: protectionPc', 'c.json: sim.fee']);
  });

  it('environment overrides apply last, parse types, and name the variable when bad', () => {
    const { config } = resolveConfig({
      layers: [{ source: 'f', values: { cooldownSec: 10 } }],
      env: {
        WORKSTEAL_COOLDOWN_SEC: '30',
        WORKSTEAL_STEALING_ENABLED: 'false',
        WORKSTEAL_SIM_FEES_BPS: '5',
        PATH: '/bin',
      },
    });
    expect(config.cooldownSec).toBe(30);
    expect(config.stealingEnabled).toBe(false);
    expect(config.sim.feesBps).toBe(5);
    const bad = errorOf(() => resolveConfig({ env: { WORKSTEAL_COOLDOWN_SEC: 'soon' } }));
    expect(bad.issues[0]?.where).toBe('environment WORKSTEAL_COOLDOWN_SEC');
    const unknown = errorOf(() => resolveConfig({ env: { WORKSTEAL_COOLDOWN: '3' } }));
    expect(unknown.issues[0]?.where).toBe('env WORKSTEAL_COOLDOWN');
  });

  it('an unknown preset is an error listing the presets', () => {
    expect(errorOf(() => resolveConfig({ preset: 'best' })).message).toContain('default, original');
  });

  it('YAML and JSON parse; syntax errors name the file', () => {
    expect(parseStructured('protectionPct: 0.002\n', 'a.yaml')).toEqual({ protectionPct: 0.002 });
    expect(errorOf(() => parseStructured('{"a":', 'b.json')).issues[0]?.where).toBe('b.json');
    expect(errorOf(() => parseStructured('a: [1,\n', 'c.yaml')).issues[0]?.where).toMatch(/^c\.yaml/);
  });
});
