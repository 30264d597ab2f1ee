import type { ExchangeCalendar, LimitHours } from '../core/calendar/index.js';
import type { RankingInForce, WorkstealConfig } from '../core/config/schema.js';
import type { StealTest } from '../core/policy/valuation.js';
import type { AssetClass, EntryRequest } from '../core/types.js';
import type { BarSeries } from '../marketdata/types.js';
import type { ExitReason, TradeRecord } from './portfolio.js';
import type { ExternalSignal } from './signals/csv-signals.js';
import type { ForecastCache } from './signals/forecast-cache.js';
import type { SignalColumns } from './signals/forecaster.js';
import type { FillTapeCache } from './fill-tape-cache.js';
import type { TimelineCache } from './timeline-cache.js';

/** The simulator's input and output, and the per-symbol state of its watchers. */

export interface SimInput {
  series: readonly BarSeries[];
  config: WorkstealConfig;
  calendar: ExchangeCalendar;
  /** External signals; when absent, the built-in causal forecaster runs on each series. */
  signals?: readonly ExternalSignal[];
  /** Simulate bars closing after `from` and at or before `to` (earlier bars still warm the forecaster up). */
  from?: number;
  to?: number;
  /** Reuse forecaster signals across runs over the same bars (the optimizer); computed afresh without it. */
  forecasts?: ForecastCache;
  /** Reuse timelines across runs over the same series list and range (the optimizer). */
  timelines?: TimelineCache;
  /**
   * Reuse what the bars did to the fill model across runs over the same timeline (the optimizer, the
   * comparison): the first run records it, later runs replay it. Value rankings only; the same answers.
   */
  fillTapes?: FillTapeCache;
  /** Throw at the first step where a placement leaves margin over capacity, or a close leaves stocks over 2x. */
  assertInvariants?: boolean;
  /** Keep every `wait` decision too (large); by default waits are only counted. */
  keepWaits?: boolean;
  /**
   * Keep every decision and steal as a record (default). False keeps only what the metrics need (counters,
   * equity, trades): `decisions` and `steals` are then empty. The optimizer scores thousands of runs this way.
   */
  records?: boolean;
  onProgress?: (done: number, total: number) => void;
  /**
   * Research: told of each entry order as it is placed (its id, the watcher and the request that placed it),
   * for per-trade records joined to what was known at the request (scripts/fill-features.ts). No effect.
   */
  onEntryPlaced?: (orderId: string, watcher: Readonly<Watcher>, request: Readonly<EntryRequest>) => void;
  /**
   * Tests and research: told of each limit fill (an entry or a take-profit) with when its order was placed and
   * when the bar it fills in opened, so that the session rule of its fill can be checked apart. No effect on
   * the run: it gets a copy, made only when the hook is given (an exception from it ends the run).
   */
  onLimitFill?: (fill: LimitFill) => void;
}

/** One limit fill as SimInput.onLimitFill tells it (times in epoch milliseconds). */
export interface LimitFill {
  readonly symbol: string;
  /** An entry order, or a position's take-profit. */
  readonly role: 'entry' | 'take-profit';
  /** When the order was placed: the session it went out in sets the bars it works in (limitHours). */
  readonly placedAt: number;
  /** When the bar it filled in opened. */
  readonly barOpen: number;
  /** When that bar closed: the fill is booked then (the trade's entryTime or exitTime). */
  readonly time: number;
  /** The fill price (the limit, or a better open: the gap rule) and quantity (the whole order). */
  readonly price: number;
  readonly qty: number;
}

export interface DecisionRow {
  time: number;
  symbol: string;
  action: string;
  victims: string[];
  reason: string;
  shortfall: number;
  fight: boolean;
  orderId: string | null;
  /**
   * The entry request decided on: its limit as it would be placed, its quantity, and until when it would be
   * valid (ms since the epoch: its signal's validity). Null on end-of-day rows, which have no request.
   */
  limitPrice: number | null;
  qty: number | null;
  validUntil: number | null;
  /** Under a value ranking, what the decision valued (absent under `distance` and where nothing was valued). */
  value?: DecisionValue;
}

/**
 * The valuation a decision used (from its decision record), numbers as the policy saw them; null where the
 * model did not know (too few bars). Per victim only: the full candidate table stays with `explain`.
 */
export interface DecisionValue {
  ranking: RankingInForce;
  request: {
    fillProbability: number | null;
    nextBarFillProbability: number | null;
    expectedReturn: number | null;
    volatility: number | null;
    notional: number;
    expectedValue: number | null;
    validUntil: number;
  } | null;
  stealTest: Record<keyof StealTest, number | boolean | null> | null;
  victims: {
    orderId: string;
    symbol: string;
    fillProbability: number | null;
    expectedValue: number | null;
    density: number | null;
  }[];
}

/** A fill chance the simulation acted on: first valuation of each requested or resting order. */
export interface ValuedPrediction {
  /** Series index of the order's symbol. */
  series: number;
  side: 'buy' | 'sell';
  limit: number;
  /** When it was valued (a bar close) and when the order's validity ends. */
  time: number;
  validUntil: number;
  predicted: number;
  /** The requester of a decision, or a resting order valued as a candidate victim. */
  source: 'request' | 'resting';
}

export interface EquityRow {
  time: number;
  equity: number;
  marginUsed: number;
  marginCapacity: number;
}

export interface StealRecord {
  time: number;
  thief: string;
  thiefOrderId: string | null;
  victims: {
    orderId: string;
    symbol: string;
    side: 'buy' | 'sell';
    limitPrice: number;
    qty: number;
    takeProfit: number;
    validUntil: number;
    /** When the victim's order was placed: the session it went out in sets its hours (limitHours). */
    placedAt: number;
  }[];
  fight: boolean;
}

export interface SimCounters {
  barSteps: number;
  steps: number;
  waits: number;
  places: number;
  steals: number;
  stealAttempts: number;
  blocks: Record<string, number>;
  fights: number;
  protectedSkips: number;
  deleverageCancels: number;
  deleverageTrims: number;
  expiredCancels: number;
  maxUtilization: number;
}

export interface SimOutput {
  equity: EquityRow[];
  trades: TradeRecord[];
  decisions: DecisionRow[];
  steals: StealRecord[];
  counters: SimCounters;
  initialEquity: number;
  finalEquity: number;
  feesPaid: number;
  interestPaid: number;
  tradedNotional: number;
  first: number | null;
  last: number | null;
  /** Per series, when each bar closed (for after-the-fact analysis such as steal regret). */
  closeTimes: Float64Array[];
  /** Every step of the run, ascending (bar closes and end-of-day events), for the same analysis. */
  steps: Float64Array;
  /** Whether bar i of series k can trade at all (a stock's sessions: tradesInBar), for the same analysis. */
  tradesInBar: (k: number, i: number) => boolean;
  /** How a limit of series k works in its bars (limitHours, limitWorksInBar), for the same analysis. */
  limits: (k: number) => SymbolLimits;
  /** Under a value ranking, the fill chances the run valued (for its calibration report); empty otherwise. */
  predictions: readonly ValuedPrediction[];
  /** Days per year for the daily ratios: 365 with any crypto series, 252 for stocks only (annualisationDays). */
  annualisationDays: number;
}

export interface ActiveSignal {
  side: 'buy' | 'sell';
  entry: number;
  takeProfit: number;
  /** Expected return as a fraction of notional (forecast PnL = edge × notional). */
  edge: number;
  expectedPnl: number | null;
  validUntil: number;
  /** When the watcher took the signal up (a bar close): research records an entry's age from it. */
  createdAt: number;
}

export interface Watcher {
  index: number;
  symbol: string;
  assetClass: AssetClass;
  s: BarSeries;
  closeTimes: Float64Array;
  /** The bar length known at each bar's open (never the file's median: that would read the future). */
  barLengths: Float64Array;
  forecast: SignalColumns | null;
  external: readonly ExternalSignal[];
  externalNext: number;
  bar: number;
  lastBar: number;
  lastPrice: number;
  signal: ActiveSignal | null;
  restingOrderId: string | null;
  /** What the resting entry order is (the signal it was placed for, its size): a steal's regret needs it. */
  restingQty: number;
  restingSignal: ActiveSignal | null;
  /** When the resting entry order was placed (its hours follow from it: core/calendar/order-hours.ts limitHours). */
  restingPlacedAt: number;
  /** This step's entry request, when the watcher has one. */
  request: EntryRequest | null;
  /** The signal `signalLimit` was rounded for: a held signal asks at every step, its limit is rounded once. */
  limitSignal: ActiveSignal | null;
  signalLimit: number;
  pendingExit: ExitReason | null;
  /** An end-of-day trim planned when this symbol had no bar at the close: made at its next tradable bar. */
  pendingTrim: number;
}

/** The limit-order rule of one symbol's bars (core/calendar/order-hours.ts limitHours and limitWorksInBar). */
export interface SymbolLimits {
  /** The hours of a limit placed at `placedAt`: the bars it works in, when it lapses, or refused. */
  hours(placedAt: number): LimitHours;
  /** Whether a limit of these hours works in bar i. */
  works(hours: LimitHours, i: number): boolean;
}
