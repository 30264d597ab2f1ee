/**
 * A small, real optimisation problem for the optimizer tests: three crypto symbols over four months of 2023,
 * three rolling folds, a five-parameter space, population 6. Orders are 45% of equity (instead of 25%) so
 * three symbols already compete for capacity and stealing matters.
 */
import { join } from 'node:path';
import { resolveConfig } from '../../src/core/config/index.js';
import type { WorkstealConfig } from '../../src/core/config/schema.js';
import type { StudyData } from '../../src/optimizer/data.js';
import type { ObjectiveSpec } from '../../src/optimizer/objective/objective.js';
import { prepareObjective } from '../../src/optimizer/optimize.js';
import type { BarSeries } from '../../src/marketdata/index.js';
import { MARKETDATA, loadReal } from '../support/marketdata.js';

export const FIXTURE_FILES = [
  'binance-spot-yanniedog/SOLUSDT_1h.csv',
  'binance-spot-yanniedog/LINKUSDT_1h.csv',
  'binance-spot-yanniedog/AVAXUSDT_1h.csv',
];
export const FIXTURE_PATHS = FIXTURE_FILES.map((f) => join(MARKETDATA, f));
/**
 * Three-symbol sets of real bars, one crypto only and one mixed (a crypto pair and two stocks), for the tests
 * that run whole windows under both asset classes' rules (end of day, sessions) and must stay quick.
 */
export const FIXTURE_SETS = {
  crypto: FIXTURE_FILES,
  mixed: [
    'binance-spot-yanniedog/SOLUSDT_1h.csv',
    'databento-nasdaq-tejasraj15/AAPL_1h.csv',
    'databento-nasdaq-tejasraj15/MSFT_1h.csv',
  ],
} as const;
export const FIXTURE_FROM = '2023-01-01';
export const FIXTURE_TO = '2023-05-01';

/** The CLI's data, range and config flags of the fixture: `cfg` is a file holding FIXTURE_CONFIG (or another). */
export function fixtureCliArgs(cfg: string): string[] {
  return ['--data', ...FIXTURE_PATHS, '--from', FIXTURE_FROM, '--to', FIXTURE_TO, '--config', cfg];
}

export const FIXTURE_CONFIG = {
  sim: { orderFraction: 0.45 },
  optimize: {
    population: 6,
    folds: { count: 3, scheme: 'rolling' },
    params: {
      protectionPct: { min: 0, max: 0.01 },
      stealEntryTolerance: { min: 0.002, max: 0.05, log: true },
      cooldownSec: { min: 0, max: 1800 },
      cryptoOutOfHoursForceCount: { min: 0, max: 4 },
      stealingEnabled: { min: 0, max: 1 },
    },
  },
} as const;

export interface Fixture {
  config: WorkstealConfig;
  data: StudyData;
  spec: ObjectiveSpec;
  series: BarSeries[];
  range: { from: number; to: number };
}

export async function fixture(extra: Record<string, unknown> = {}): Promise<Fixture> {
  const { config } = resolveConfig({
    layers: [
      { source: 'fixture', values: FIXTURE_CONFIG },
      { source: 'test', values: extra },
    ],
  });
  const loaded = await loadReal(FIXTURE_FILES);
  const data: StudyData = {
    loaded,
    refs: loaded.map((l) => ({
      path: l.series.source.path,
      symbol: l.series.symbol,
      assetClass: l.series.assetClass,
      sha256: l.series.source.sha256,
    })),
  };
  const { spec, series, range } = prepareObjective({
    config,
    data,
    range: { from: Date.parse(FIXTURE_FROM), to: Date.parse(FIXTURE_TO) },
  });
  return { config, data, spec, series, range };
}
