import { z } from 'zod';
import { optimizeSchema } from './optimize-schema.js';
import { liveSchema } from './live-schema.js';

/**
 * The one configuration schema (README "Configuration"). It validates files and environment overrides and is
 * the source of the TypeScript types. Objects are strict: an unknown key is an error, never silently ignored.
 */

const fraction = z.number().finite().min(0).max(1);
const nonNegative = z.number().finite().min(0);
const nonNegativeInt = z.number().int().min(0);

export const marginTableSchema = z.strictObject({
  /** Crypto is unlevered: 100% of notional at all hours. */
  crypto: z.strictObject({ requirement: z.number().finite().gt(0).max(1) }),
  stock: z.strictObject({
    /** Pattern-day-trader accounts while the regular session is open (4x). */
    intradayPdt: z.number().finite().gt(0).max(1),
    /** Reg-T overnight and non-PDT accounts (2x). */
    overnight: z.number().finite().gt(0).max(1),
    /** Accounts below `marginMinEquity` may not borrow (1x). */
    smallAccount: z.number().finite().gt(0).max(1),
    pdtMinEquity: nonNegative,
    marginMinEquity: nonNegative,
  }),
});

export const symbolInfoSchema = z.strictObject({
  assetClass: z.enum(['crypto', 'stock']),
});

export const forecasterSchema = z.strictObject({
  /** Hours of history whose excursions form the quantiles. */
  lookbackBars: nonNegativeInt.min(10),
  /** Bars ahead over which a low/high excursion is measured. */
  horizonBars: nonNegativeInt.min(1),
  /** Quantile of past low excursions used for the buy limit (0.5 = median). */
  entryQuantile: fraction,
  /** Quantile of past high excursions used for the take-profit. */
  exitQuantile: fraction,
  /** Minimum expected return (take-profit over entry) for a signal to be issued. */
  minEdgePct: fraction,
  /** How many bars a signal stays valid. */
  validBars: nonNegativeInt.min(1),
});

/** A venue's fee for one asset class, in basis points of notional, by liquidity role. */
export const feeScheduleSchema = z.strictObject({
  /** Resting limit orders the market comes to (entries, take-profits). */
  makerBps: nonNegative,
  /** Orders that take the book: market exits (stop, time stop, trim) and limits the bar opens through. */
  takerBps: nonNegative,
});

/**
 * Research only: settings that read the future on purpose (src/sim/signals/skill.ts). Their runs are labelled
 * as such in every output; they never describe a strategy anyone could trade.
 */
export const researchSchema = z.strictObject({
  /** Share of signals whose entry is set where the price really went within their validity (0 = none). */
  signalSkill: z
    .number()
    .finite()
    .min(0, "must be from 0 (the forecaster's own signals) to 1 (every signal given a look-ahead entry)")
    .max(1, "must be from 0 (the forecaster's own signals) to 1 (every signal given a look-ahead entry)"),
  /** Which signals are skilled is a hash of symbol, signal time and this seed. */
  signalSkillSeed: nonNegativeInt,
});

export const simSchema = z.strictObject({
  initialEquity: z.number().finite().gt(0),
  /** Notional of one entry order, as a fraction of equity at the decision time. */
  orderFraction: z.number().finite().gt(0).max(1),
  /** Fees by asset class and liquidity role (defaults: Alpaca's published schedules, see the README). */
  fees: z.strictObject({ crypto: feeScheduleSchema, stock: feeScheduleSchema }),
  /**
   * Deprecated: one fee in bps for every fill of every asset class (the earlier model). Null (the default)
   * uses `fees`; a number overrides it. Environment values arrive as text, hence the number conversion.
   */
  feesBps: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
    nonNegative.nullable(),
  ),
  slippageBps: nonNegative,
  /**
   * When a resting limit order fills: `touch`, when the bar reaches the limit; `through`, only when the bar
   * trades through it by `fillThroughBps` (a touch does not mean the order was reached in the queue).
   */
  fillRule: z.enum(['touch', 'through']),
  /** How far beyond the limit a bar must trade for a `through` fill, in bps of the limit. */
  fillThroughBps: nonNegative.max(10_000),
  /** Optional stop below the entry, as a fraction; 0 disables it. */
  stopLossPct: fraction,
  /** Exit at the next bar's open after this many hours in a position; 0 disables it. */
  timeStopHours: nonNegative,
  forecaster: forecasterSchema,
  research: researchSchema,
});

/** How victims are ranked and whether a steal must pay (README "Value-aware stealing: does it pay?"). */
export const VICTIM_RANKINGS = ['auto', 'distance', 'fillProbability', 'expectedValue'] as const;
export type VictimRanking = (typeof VICTIM_RANKINGS)[number];
/** The ranking a decision actually uses: `auto` resolved (see rankingInForce). */
export type RankingInForce = Exclude<VictimRanking, 'auto'>;

export const configSchema = z.strictObject({
  protectionPct: fraction,
  stealEntryTolerance: fraction,
  normalTolerance: fraction,
  cryptoNormalTolerance: fraction,
  cryptoOutOfHoursTolerance: fraction,
  cryptoOutOfHoursForceCount: nonNegativeInt,
  cooldownSec: nonNegative,
  fightThreshold: nonNegativeInt.min(1),
  fightWindowSec: nonNegative,
  fightCooldownSec: nonNegative,
  minOrderAgeSec: nonNegative,
  /**
   * `distance`: the seed's rule (furthest first, no value test). `fillProbability`: lowest fill chance first.
   * `expectedValue`: lowest EV per unit of margin first. Both value rankings steal only when
   * `EV(stealer) − cost ≥ (1 + stealHysteresis)·ΣEV(victims) + stealCostPerNotional·Σnotional(victims)`.
   * `auto` (the default): `expectedValue` where the session values orders from bars (simulate, compare,
   * optimize, run, explain --data), `distance` where it has none (serve, a Coordinator without a valuator).
   */
  victimRanking: z.enum(VICTIM_RANKINGS),
  /** h: how much more the stealer must be worth than its victims (0.5 = 50% more). Value rankings only. */
  stealHysteresis: nonNegative.max(1e15),
  /** λ: cost charged per unit of cancelled victim notional (lost queue place, model error). Value rankings only. */
  stealCostPerNotional: fraction,
  /** The stealer's own extra cost as a fraction of its notional (e.g. fees a fill does not already net). */
  stealerCostPct: fraction,
  /** Value rankings: an order whose chance to fill within the next bar is at least this is protected. */
  protectionFillProbability: fraction,
  /** Value rankings: a force-immediate order rests only if its chance to fill within its validity is at least this. */
  forceImmediateMinFillProbability: fraction,
  /** Cooldown in bars of the session's bar length; 0 = use cooldownSec. */
  cooldownBars: nonNegative,
  /** Fight window in bars; 0 = use fightWindowSec. */
  fightWindowBars: nonNegative,
  /** Fight cooldown in bars; 0 = use fightCooldownSec. */
  fightCooldownBars: nonNegative,
  /** Most steals one symbol may make in any 24 hours; 0 = no limit. */
  stealBudgetPerDay: nonNegativeInt,
  bufferPct: fraction.max(0.99),
  stealingEnabled: z.boolean(),
  dryRun: z.boolean(),
  /** Stocks may rest entries outside the regular session. */
  extendedHours: z.boolean(),
  patternDayTrader: z.boolean(),
  marginRatePerYear: fraction,
  deleverageLeadMinutes: nonNegative.max(390),
  margin: marginTableSchema,
  /** Symbol → asset class; when absent, inferred from the symbol's shape. */
  symbols: z.record(z.string().min(1), symbolInfoSchema),
  sim: simSchema,
  live: liveSchema,
  optimize: optimizeSchema,
});

export type WorkstealConfig = z.infer<typeof configSchema>;
export type MarginTable = z.infer<typeof marginTableSchema>;
export type SimConfig = z.infer<typeof simSchema>;
export type ForecasterConfig = z.infer<typeof forecasterSchema>;

/** What a user may write: every key optional, nested sections too. */
export type PartialConfig = {
  [K in keyof WorkstealConfig]?: WorkstealConfig[K] extends Record<string, unknown>
    ? { [J in keyof WorkstealConfig[K]]?: unknown }
    : WorkstealConfig[K];
};
