import { DEFAULT_LIVE } from './live-schema.js';
import { DEFAULT_OPTIMIZE } from './optimize-schema.js';
import type { WorkstealConfig } from './schema.js';

/**
 * The seed system's published optimum (README "Configuration"), ranking victims by expected value wherever
 * the session has bars to value them from (`victimRanking: auto`; README "The default, and why").
 */
export const DEFAULT_CONFIG: WorkstealConfig = Object.freeze({
  protectionPct: 0.0015,
  stealEntryTolerance: 0.0057,
  normalTolerance: 0.0066,
  cryptoNormalTolerance: 0.013,
  cryptoOutOfHoursTolerance: 0.047,
  cryptoOutOfHoursForceCount: 3,
  cooldownSec: 166,
  fightThreshold: 8,
  fightWindowSec: 1800,
  fightCooldownSec: 645,
  minOrderAgeSec: 0,
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
  bufferPct: 0,
  stealingEnabled: true,
  dryRun: false,
  extendedHours: false,
  patternDayTrader: true,
  marginRatePerYear: 0.065,
  deleverageLeadMinutes: 15,
  margin: {
    crypto: { requirement: 1 },
    stock: {
      intradayPdt: 0.25,
      overnight: 0.5,
      smallAccount: 1,
      pdtMinEquity: 25_000,
      marginMinEquity: 2_000,
    },
  },
  symbols: {},
  sim: {
    initialEquity: 100_000,
    orderFraction: 0.25,
    // Alpaca: US stocks commission-free; crypto tier 1 (30-day volume under $100k) 15 bps maker, 25 taker.
    fees: { crypto: { makerBps: 15, takerBps: 25 }, stock: { makerBps: 0, takerBps: 0 } },
    feesBps: null,
    slippageBps: 0,
    fillRule: 'touch',
    fillThroughBps: 5,
    stopLossPct: 0,
    timeStopHours: 72,
    forecaster: {
      lookbackBars: 720,
      horizonBars: 24,
      entryQuantile: 0.5,
      exitQuantile: 0.5,
      minEdgePct: 0.004,
      validBars: 24,
    },
    research: { signalSkill: 0, signalSkillSeed: 1 },
  },
  live: DEFAULT_LIVE,
  optimize: DEFAULT_OPTIMIZE,
}) as WorkstealConfig;

/** Keys the `original` preset changes; every key it does not name takes the default. */
export const ORIGINAL_OVERRIDES: Partial<WorkstealConfig> = {
  protectionPct: 0.001,
  stealEntryTolerance: 0.0066,
  cooldownSec: 120,
  fightThreshold: 5,
  fightCooldownSec: 600,
  cryptoOutOfHoursForceCount: 2,
  cryptoOutOfHoursTolerance: 0.02,
  normalTolerance: 0.0066,
  cryptoNormalTolerance: 0.0066,
  // The seed ranked victims by distance alone.
  victimRanking: 'distance',
};

export const PRESETS = {
  default: {} as Partial<WorkstealConfig>,
  original: ORIGINAL_OVERRIDES,
} as const;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
