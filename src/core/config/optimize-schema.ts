import { z } from 'zod';

/**
 * The `optimize` section of the configuration: which coordinator keys the optimiser may tune and within
 * which bounds, how the data is cut into walk-forward folds, and which score it maximises.
 *
 * It lives beside schema.ts (and is imported by it), so it cannot import the config schema itself; the
 * table of tunable keys below therefore repeats their types and hard limits. A search range outside those
 * limits is rejected here, before any evaluation runs, naming the key.
 */

export type ParamKind = 'real' | 'int' | 'bool';

interface Tunable {
  /** What the key is in the config: a fraction, a ratio, seconds, bars, a count or a switch. */
  type: 'fraction' | 'ratio' | 'seconds' | 'bars' | 'count' | 'switch';
  /** The kinds a search range may use for this key (an integer count cannot be searched as a real). */
  kinds: readonly ParamKind[];
  /** The kind used when the range does not say. */
  defaultKind: ParamKind;
  lo: number;
  hi: number;
}

const fraction = (hi = 1): Tunable => ({ type: 'fraction', kinds: ['real'], defaultKind: 'real', lo: 0, hi });
// Seconds are whole numbers in practice; searching them as ints keeps best.json readable.
const seconds: Tunable = {
  type: 'seconds',
  kinds: ['int', 'real'],
  defaultKind: 'int',
  lo: 0,
  hi: Number.MAX_SAFE_INTEGER,
};
const ratio: Tunable = { type: 'ratio', kinds: ['real'], defaultKind: 'real', lo: 0, hi: 1e15 };
// Bars may be fractional (1.5 bars), but whole bars keep best.json readable.
const bars: Tunable = {
  type: 'bars',
  kinds: ['int', 'real'],
  defaultKind: 'int',
  lo: 0,
  hi: Number.MAX_SAFE_INTEGER,
};
const count = (lo: number): Tunable => ({
  type: 'count',
  kinds: ['int'],
  defaultKind: 'int',
  lo,
  hi: Number.MAX_SAFE_INTEGER,
});

/**
 * Top-level config keys that shape the coordinator's decisions. Account and broker facts (equity rules,
 * margin table, interest, pattern-day-trader status, extended hours) and the simulator's own settings are
 * not tunable: an optimiser that "tunes" them would only be fitting the account to the data.
 */
export const TUNABLE_KEYS: Readonly<Record<string, Tunable>> = Object.freeze({
  protectionPct: fraction(),
  stealEntryTolerance: fraction(),
  normalTolerance: fraction(),
  cryptoNormalTolerance: fraction(),
  cryptoOutOfHoursTolerance: fraction(),
  bufferPct: fraction(0.99),
  cryptoOutOfHoursForceCount: count(0),
  fightThreshold: count(1),
  cooldownSec: seconds,
  fightWindowSec: seconds,
  fightCooldownSec: seconds,
  minOrderAgeSec: seconds,
  stealingEnabled: { type: 'switch', kinds: ['bool'], defaultKind: 'bool', lo: 0, hi: 1 },
  // Value-aware stealing (src/core/fill/USAGE.md). victimRanking itself is a choice, not a number: set it in
  // the config.
  stealHysteresis: ratio,
  stealCostPerNotional: fraction(),
  stealerCostPct: fraction(),
  protectionFillProbability: fraction(),
  forceImmediateMinFillProbability: fraction(),
  cooldownBars: bars,
  fightWindowBars: bars,
  fightCooldownBars: bars,
  stealBudgetPerDay: count(0),
});

export const TUNABLE_KEY_NAMES: readonly string[] = Object.keys(TUNABLE_KEYS);

/**
 * Config keys that exist but are deliberately not tunable, for a more precise message. (A key missing here
 * still gets the "not a tunable key" error, only without the reason.)
 */
const NOT_TUNABLE: Readonly<Record<string, string>> = {
  dryRun: 'it switches side effects off, it does not change decisions',
  extendedHours: 'it is a property of the account',
  patternDayTrader: 'it is a property of the account',
  marginRatePerYear: "it is the broker's rate",
  deleverageLeadMinutes: 'it is a safety margin before the close, not a stealing parameter',
  margin: "it is the broker's margin table",
  symbols: 'it maps symbols to asset classes',
  sim: 'it configures the simulator, not the coordinator',
  optimize: 'it configures the optimiser itself',
  victimRanking:
    'it is a choice between policies, not a number; set it in the config and compare policies with the windowed comparison',
  live: 'it configures the live runtime',
};

export const SCORE_NAMES = ['sharpe', 'sortino', 'return-over-drawdown', 'seed-formula'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];

export const paramRangeSchema = z.strictObject({
  /** Lower bound of the search (a bool key: 0, and max 1; both values are searched). */
  min: z.number().finite(),
  /** Upper bound of the search (a bool key: 1). */
  max: z.number().finite(),
  /** Defaults by key: fractions 'real', seconds and counts 'int', stealingEnabled 'bool'. */
  kind: z.enum(['real', 'int', 'bool']).optional(),
  /** Search on a log scale (every decade gets the same share); requires min > 0. */
  log: z.boolean().optional(),
});

export type ParamRange = z.infer<typeof paramRangeSchema>;

function rangeIssues(key: string, r: ParamRange): string[] {
  const t = TUNABLE_KEYS[key];
  if (!t) {
    const why = NOT_TUNABLE[key];
    const what = why ? `is a configuration key but not tunable (${why})` : 'is not a tunable key';
    return [`${what}; tunable keys are ${TUNABLE_KEY_NAMES.join(', ')}`];
  }
  const kind = r.kind ?? t.defaultKind;
  if (!t.kinds.includes(kind)) {
    return [
      `kind '${kind}' does not fit this ${t.type} key; use ${t.kinds.map((k) => `'${k}'`).join(' or ')}`,
    ];
  }
  // One rule for every kind, bools included: a range is checked against what the key allows.
  const out: string[] = [];
  if (r.min > r.max) out.push(`min must be <= max (min ${r.min}, max ${r.max}); swap them`);
  if (kind === 'int' && (!Number.isSafeInteger(r.min) || !Number.isSafeInteger(r.max))) {
    out.push(`min and max must be whole numbers for an int range (min ${r.min}, max ${r.max})`);
  }
  if (r.min < t.lo || r.max > t.hi) {
    out.push(
      `range ${r.min}..${r.max} leaves what the key allows (${t.lo}..${t.hi === Number.MAX_SAFE_INTEGER ? '∞' : t.hi})`,
    );
  } else if (kind === 'bool' && r.min <= r.max && (r.min !== 0 || r.max !== 1)) {
    // A bool is searched over both values whatever the range says: a narrower one would be ignored.
    out.push(
      `range ${r.min}..${r.max}: a bool is searched over both values (false and true); write { "min": 0, "max": 1 }, or leave the key out to keep its configured value`,
    );
  }
  if (kind === 'bool' && r.log) out.push('log scale makes no sense for a bool');
  else if (r.log && r.min <= 0) out.push(`a log-scale range needs min > 0 (got ${r.min})`);
  return out;
}

export const paramsSchema = z.record(z.string(), paramRangeSchema).superRefine((params, ctx) => {
  for (const [key, range] of Object.entries(params)) {
    for (const message of rangeIssues(key, range)) ctx.addIssue({ code: 'custom', path: [key], message });
  }
});

export const foldsSchema = z
  .strictObject({
    /** Number of walk-forward folds (train window, then the test window right after it). */
    count: z.number().int().min(1).max(100),
    /** rolling: every train window has the same length; anchored: every train window starts at the beginning. */
    scheme: z.enum(['rolling', 'anchored']),
    /** Share of each rolling fold (of the first anchored fold) spent training; default 0.5. */
    trainFraction: z.number().gt(0).lt(1).optional(),
    /** Fixed window lengths in days instead of a fraction; both or neither. */
    trainDays: z.number().finite().gt(0).optional(),
    testDays: z.number().finite().gt(0).optional(),
  })
  .superRefine((f, ctx) => {
    if ((f.trainDays === undefined) !== (f.testDays === undefined)) {
      const missing = f.trainDays === undefined ? 'trainDays' : 'testDays';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'trainDays and testDays go together; add it',
      });
    }
    if (f.trainFraction !== undefined && (f.trainDays !== undefined || f.testDays !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['trainFraction'],
        message: 'give either trainFraction or trainDays/testDays, not both',
      });
    }
  });

export const optimizeSchema = z.strictObject({
  /**
   * Search space: tunable key → range. Empty means the standard space (every tunable coordinator key within
   * practical bounds; see src/optimizer/space.ts). A key not listed keeps its configured value.
   */
  params: paramsSchema,
  folds: foldsSchema,
  /** What a fold's test window is scored by; the optimiser maximises the median over folds. */
  score: z.enum(SCORE_NAMES),
  /** Differential evolution variant: JADE (adaptive, the default) or classic DE/rand/1/bin. */
  strategy: z.enum(['jade', 'rand1bin']),
  /** Population size; default 5 per searched parameter, at least 10. */
  population: z.number().int().min(4).max(10_000).optional(),
});

export type OptimizeConfig = z.infer<typeof optimizeSchema>;

export const DEFAULT_OPTIMIZE: OptimizeConfig = Object.freeze({
  params: {},
  folds: { count: 4, scheme: 'rolling' },
  score: 'sharpe',
  strategy: 'jade',
}) as OptimizeConfig;
