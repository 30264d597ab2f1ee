import { z } from 'zod';
import { optimizeSchema } from './optimize-schema.js';
import { liveSchema } from './live-schema.js';

/**
 * The one configuration schema (DESIGN §2, §3, §7). It validates files and environment overrides and is the
 * source of the TypeScript types. Objects are strict: an unknown key is an error, never silently ignored.
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
});

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
