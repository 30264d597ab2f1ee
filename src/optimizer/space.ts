/**
 * The search space: the `optimize.params` ranges of the config as DE parameters, or the standard space when
 * the config names none.
 */
import { TUNABLE_KEYS, type OptimizeConfig, type ParamRange } from '../core/config/optimize-schema.js';
import type { VictimRanking } from '../core/config/schema.js';
import { valuesOrders } from '../core/policy/value-policy.js';
import type { ParamSpec } from './de/index.js';

/**
 * Every tunable coordinator key within practical bounds. Tolerances are searched on a log scale (0.1% and
 * 1% are as different as 1% and 10% for an order's chance to fill); protection includes 0, so it is linear.
 * bufferPct is tunable but not searched by default: a larger reserve trades return for safety, and
 * optimising it on returns would only learn to use all the leverage.
 */
export const STANDARD_SPACE: Readonly<Record<string, ParamRange>> = Object.freeze({
  protectionPct: { min: 0, max: 0.01 },
  stealEntryTolerance: { min: 0.001, max: 0.05, log: true },
  normalTolerance: { min: 0.001, max: 0.03, log: true },
  cryptoNormalTolerance: { min: 0.001, max: 0.05, log: true },
  cryptoOutOfHoursTolerance: { min: 0.002, max: 0.1, log: true },
  cryptoOutOfHoursForceCount: { min: 0, max: 6 },
  fightThreshold: { min: 1, max: 20 },
  cooldownSec: { min: 0, max: 1800 },
  fightWindowSec: { min: 60, max: 7200 },
  fightCooldownSec: { min: 0, max: 3600 },
  minOrderAgeSec: { min: 0, max: 3600 },
  stealingEnabled: { min: 0, max: 1 },
});

/**
 * The value-aware keys (docs/optimizer.md), searched on top of the standard space when the config ranks
 * victims by value (under `distance` they change nothing, so searching them would only add noise). Hysteresis
 * on a log scale from 5% to 20× (0 and ∞ are the ends the comparison covers: stealing without a margin, and
 * stealing off); λ from 0 to 50 bp; thresholds across their useful range; cooldowns and fight windows in bars
 * of an hourly grid; a budget of 0 (none) to 10 steals a day.
 */
export const VALUE_SPACE: Readonly<Record<string, ParamRange>> = Object.freeze({
  stealHysteresis: { min: 0.05, max: 20, log: true },
  stealCostPerNotional: { min: 0, max: 0.005 },
  protectionFillProbability: { min: 0.2, max: 0.95 },
  forceImmediateMinFillProbability: { min: 0, max: 0.5 },
  cooldownBars: { min: 0, max: 12 },
  fightWindowBars: { min: 1, max: 48 },
  fightCooldownBars: { min: 0, max: 24 },
  stealBudgetPerDay: { min: 0, max: 10 },
});

/**
 * DE parameters in the order the config lists them (the order is part of the study's identity). With no
 * params named: the standard space, plus VALUE_SPACE when `victimRanking` is a value ranking or `auto` (the
 * optimiser simulates on bars, where `auto` is `expectedValue`).
 */
export function buildSpace(
  optimize: Pick<OptimizeConfig, 'params'>,
  victimRanking: VictimRanking = 'distance',
): ParamSpec[] {
  const standard = valuesOrders(victimRanking) ? { ...STANDARD_SPACE, ...VALUE_SPACE } : STANDARD_SPACE;
  const ranges = Object.keys(optimize.params).length > 0 ? optimize.params : standard;
  return Object.entries(ranges).map(([name, r]) => {
    const tunable = TUNABLE_KEYS[name];
    if (!tunable)
      throw new Error(`buildSpace: '${name}' is not tunable (config validation should have said so)`);
    const kind = r.kind ?? tunable.defaultKind;
    return {
      name,
      kind,
      min: kind === 'bool' ? 0 : r.min,
      max: kind === 'bool' ? 1 : r.max,
      log: r.log ?? false,
    };
  });
}

/** Default population: 5 per parameter (the DE benchmarks found 5·d about 3× cheaper than 15·d), at least 10. */
export function defaultPopulation(dimensions: number): number {
  return Math.max(10, 5 * dimensions);
}
