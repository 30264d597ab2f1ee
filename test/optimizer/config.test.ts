import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIMIZE } from '../../src/core/config/optimize-schema.js';
import { resolveConfig } from '../../src/core/config/index.js';
import { ValidationError } from '../../src/core/errors.js';
import { buildSpace, defaultPopulation, STANDARD_SPACE } from '../../src/optimizer/space.js';

const resolve = (optimize: unknown) =>
  resolveConfig({ layers: [{ source: 'opt.json', values: { optimize } }] }).config.optimize;

function issues(optimize: unknown): string[] {
  try {
    resolve(optimize);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => `${i.where}: ${i.message}`);
  }
  throw new Error('expected a validation error');
}

describe('the optimize section of the config', () => {
  it('has defaults: standard space, 4 rolling folds, Sharpe, JADE', () => {
    expect(resolveConfig({}).config.optimize).toEqual(DEFAULT_OPTIMIZE);
    const space = buildSpace(DEFAULT_OPTIMIZE);
    expect(space.map((s) => s.name)).toEqual(Object.keys(STANDARD_SPACE));
    expect(space.find((s) => s.name === 'fightThreshold')).toMatchObject({ kind: 'int', min: 1, max: 20 });
    expect(space.find((s) => s.name === 'stealingEnabled')).toMatchObject({ kind: 'bool', min: 0, max: 1 });
    expect(space.find((s) => s.name === 'stealEntryTolerance')).toMatchObject({ kind: 'real', log: true });
    expect(defaultPopulation(space.length)).toBe(60);
    expect(defaultPopulation(1)).toBe(10);
  });

  it('a config that names params searches only those, in its order, with kinds inferred from the key', () => {
    const o = resolve({
      params: { cooldownSec: { min: 0, max: 600 }, protectionPct: { min: 0.0005, max: 0.005, log: true } },
      folds: { count: 3, scheme: 'anchored', trainDays: 60, testDays: 30 },
      score: 'sortino',
      population: 12,
    });
    expect(buildSpace(o)).toEqual([
      { name: 'cooldownSec', kind: 'int', min: 0, max: 600, log: false },
      { name: 'protectionPct', kind: 'real', min: 0.0005, max: 0.005, log: true },
    ]);
    expect(o.folds).toEqual({ count: 3, scheme: 'anchored', trainDays: 60, testDays: 30 });
  });

  it('unknown and non-tunable keys are errors naming the key', () => {
    expect(issues({ params: { protectionPcnt: { min: 0, max: 0.01 } } })).toEqual([
      expect.stringMatching(
        /^opt\.json: optimize\.params\.protectionPcnt: is not a tunable key; tunable keys are protectionPct, /,
      ),
    ]);
    expect(issues({ params: { marginRatePerYear: { min: 0, max: 0.1 } } })[0]).toMatch(
      /optimize\.params\.marginRatePerYear: is a configuration key but not tunable \(it is the broker's rate\)/,
    );
  });

  it('min > max, wrong kinds, out-of-range bounds and bad log ranges name the key', () => {
    expect(issues({ params: { cooldownSec: { min: 900, max: 60 } } })).toEqual([
      'opt.json: optimize.params.cooldownSec: min must be <= max (min 900, max 60); swap them',
    ]);
    expect(issues({ params: { fightThreshold: { min: 1, max: 9, kind: 'real' } } })[0]).toMatch(
      /fightThreshold: kind 'real' does not fit this count key; use 'int'/,
    );
    expect(issues({ params: { protectionPct: { min: 0, max: 2 } } })[0]).toMatch(
      /protectionPct: range 0\.\.2 leaves what the key allows \(0\.\.1\)/,
    );
    // A bool key is held to the same rule (its range was taken silently).
    expect(issues({ params: { stealingEnabled: { min: 0, max: 2 } } })).toEqual([
      'opt.json: optimize.params.stealingEnabled: range 0..2 leaves what the key allows (0..1)',
    ]);
    expect(issues({ params: { stealingEnabled: { min: -1, max: 1 } } })[0]).toMatch(
      /stealingEnabled: range -1\.\.1 leaves what the key allows \(0\.\.1\)/,
    );
    expect(issues({ params: { stealingEnabled: { min: 1, max: 0 } } })[0]).toMatch(
      /stealingEnabled: min must be <= max \(min 1, max 0\); swap them/,
    );
    expect(issues({ params: { stealingEnabled: { min: 0, max: 0 } } })[0]).toMatch(
      /stealingEnabled: range 0\.\.0: a bool is searched over both values/,
    );
    expect(resolve({ params: { stealingEnabled: { min: 0, max: 1 } } }).params).toEqual({
      stealingEnabled: { min: 0, max: 1 },
    });
    expect(issues({ params: { fightThreshold: { min: 0, max: 5 } } })[0]).toMatch(
      /fightThreshold: range 0\.\.5/,
    );
    expect(issues({ params: { protectionPct: { min: 0, max: 0.01, log: true } } })[0]).toMatch(
      /protectionPct: a log-scale range needs min > 0/,
    );
    expect(issues({ params: { cooldownSec: { min: 0, max: 60, step: 5 } } })[0]).toMatch(
      /optimize\.params\.cooldownSec\.step: unknown key "step"/,
    );
  });

  it('folds and score are checked too', () => {
    expect(issues({ folds: { count: 3, scheme: 'rolling', trainDays: 30 } })[0]).toMatch(
      /optimize\.folds\.testDays: trainDays and testDays go together/,
    );
    expect(
      issues({ folds: { count: 3, scheme: 'rolling', trainFraction: 0.5, trainDays: 30, testDays: 10 } })[0],
    ).toMatch(/optimize\.folds\.trainFraction: give either trainFraction or trainDays\/testDays/);
    expect(issues({ folds: { count: 3, scheme: 'expanding' } })[0]).toMatch(/optimize\.folds\.scheme/);
    expect(issues({ score: 'profit' })[0]).toMatch(/optimize\.score/);
  });

  it('the environment can set scalar optimize keys', () => {
    const { config } = resolveConfig({
      env: { WORKSTEAL_OPTIMIZE_SCORE: 'sortino', WORKSTEAL_OPTIMIZE_FOLDS_COUNT: '6' },
    });
    expect(config.optimize.score).toBe('sortino');
    expect(config.optimize.folds.count).toBe(6);
  });
});
