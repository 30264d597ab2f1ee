import type { WorkstealConfig } from '../config/schema.js';
import { ValidationError } from '../errors.js';
import {
  cappedCapacity,
  entryAllowed,
  marginAccount,
  notional,
  requirementFor,
  type MarginContext,
} from '../margin/requirements.js';
import type { EntryRequest, OpenOrder, Position, TimeMs } from '../types.js';
import { selectVictims, type EligibleSummary } from './candidates.js';
import { candidateTable } from './candidate-table.js';
import type { Decision } from './decision.js';
import { distance, withinDistance } from './distance.js';
import { STEAL_BUDGET_WINDOW_MS, type StealHistory } from './steal-history.js';
import { OrderColumns } from './order-columns.js';
import { ORDER_ENTRY, ORDER_OFF_LIMITS, ORDER_PENDING_CANCEL } from './order-flags.js';
import { symbolEntryRow } from './symbol-entry.js';
import { toleranceFor } from './tolerance.js';
import { marginInputIssues } from './validate.js';
import type { RequestValue, Valuator } from './valuation.js';
import {
  rankingInForce,
  requireValuator,
  stealTest,
  valueCandidates,
  valueRequest,
  type ValueConfig,
} from './value-policy.js';

export interface DecideInput {
  now: TimeMs;
  /** The US equity regular session is open at `now` (from the calendar). */
  sessionOpen: boolean;
  /**
   * The pre-market or after-hours session is open at `now` (04:00–20:00 New York on trading days). Read only
   * when `extendedHours` is on; when absent, extended hours let a stock through at any hour.
   */
  extendedSessionOpen?: boolean;
  account: { equity: number; patternDayTrader: boolean; capacityCap?: number | undefined };
  positions: readonly Position[];
  orders: readonly OpenOrder[];
  /**
   * `orders` in column form, row for row, kept by the list's owner as the orders change (the coordinator's
   * ledger). Optional: without them decide() builds them from `orders`, with the same answers.
   */
  columns?: OrderColumns | null;
  history: StealHistory;
  request: EntryRequest;
  /** Fill probabilities and values; required by the value rankings, unused by `distance`. */
  valuator?: Valuator | null;
  /**
   * Margin claimed by steal sagas that wait for their broker (their stealers, beyond what their pending
   * cancels hold): counted as held. Absent when no saga is in flight (the simulator's case).
   */
  claimedMargin?: number;
}

export type DecideConfig = Pick<
  WorkstealConfig,
  | 'protectionPct'
  | 'stealEntryTolerance'
  | 'normalTolerance'
  | 'cryptoNormalTolerance'
  | 'cryptoOutOfHoursTolerance'
  | 'cryptoOutOfHoursForceCount'
  | 'minOrderAgeSec'
  | 'bufferPct'
  | 'stealingEnabled'
  | 'dryRun'
  | 'extendedHours'
  | 'margin'
  | 'stealBudgetPerDay'
> &
  ValueConfig;

/** Floating-point slack for "fits": a shortfall below a millionth of a dollar is no shortfall. */
const MARGIN_EPSILON = 1e-6;

/**
 * The whole stealing policy as one pure function (README "The rules in one table"): same input, same
 * decision. It never mutates its input; carrying the decision out (cancels, placement, ledger updates) is the
 * coordinator's job.
 */
export function decide(input: DecideInput, config: DecideConfig): Decision {
  const { now, sessionOpen, request } = input;
  const ranking = rankingInForce(config.victimRanking, input.valuator);
  const valuator = ranking === 'distance' ? null : requireValuator(input.valuator, ranking);
  const ctx: MarginContext = {
    equity: input.account.equity,
    patternDayTrader: input.account.patternDayTrader,
    sessionOpen,
  };
  const reqCrypto = requirementFor('crypto', ctx, config.margin);
  const reqStock = requirementFor('stock', ctx, config.margin);
  const requirement = request.assetClass === 'crypto' ? reqCrypto : reqStock;

  const columns = orderColumns(input);
  const requestSymbol = columns.symbolId(request.symbol);
  // The symbol's entry on the request's side (symbol-entry.ts: the watcher looks at the same one).
  const replacesRow = symbolEntryRow(columns, requestSymbol, request.side);
  const replaces = replacesRow < 0 ? null : columns.order(replacesRow)!;
  let used = heldMargin(input, columns, reqCrypto, reqStock);
  // Sagas in flight hold margin the orders do not show yet (their stealers): it is not free.
  const claimed = input.claimedMargin;
  if (claimed !== undefined) used += claimed;
  const replacedMargin = replaces ? columns.notional[replacesRow]! * requirement : 0;
  const capacity = cappedCapacity(ctx.equity, config.bufferPct, input.account.capacityCap);
  const marginNeeded = notional(request.qty, request.limitPrice) * requirement;
  const marginFree = capacity - used + replacedMargin;
  const shortfall = marginNeeded - marginFree;
  if (!Number.isFinite(used) || !Number.isFinite(capacity) || !Number.isFinite(ctx.equity)) {
    const issues = marginInputIssues(input.account, input.positions, input.orders);
    throw new ValidationError(`Cannot decide ${request.symbol}: margin held is unknown`, issues);
  }

  const tol = toleranceFor(request.assetClass, request.cryptoRank, sessionOpen, config);
  const dist = distance(request.side, request.price, request.limitPrice);
  const readyToSteal = tol.forceImmediate || withinDistance(dist, config.stealEntryTolerance);
  const requesterCooling = input.history.isCooling(request.symbol, now);

  // One record, filled in as the decision takes shape (no copies: this runs in the simulator's inner loop).
  const d: Decision = {
    time: now,
    request,
    action: 'wait',
    reason: '',
    tier: tol.tier,
    tolerance: tol.tolerance,
    distance: dist,
    forceImmediate: tol.forceImmediate,
    readyToSteal,
    requesterCooling,
    sessionOpen,
    requirement,
    equity: ctx.equity,
    capacity,
    usedBefore: used,
    usedAfter: used,
    marginNeeded,
    marginFree,
    shortfall,
    replaces: null,
    victims: [],
    freedMargin: 0,
    fight: false,
    dryRun: config.dryRun,
    candidates: null,
    ranking,
    requestValue: null,
    stealTest: null,
  };

  // A short the venue would refuse is no order at all: block it before anything is cancelled for it.
  if (!entryAllowed(request.assetClass, request.side, marginAccount(ctx.equity, config.margin))) {
    return blocked(d, 'no-shorting');
  }
  // Outside the regular session a stock waits, unless extended hours are on and that session is open: an
  // order sent overnight could not fill, and victims cancelled for it would be lost for nothing.
  const extendedOpen = config.extendedHours && input.extendedSessionOpen !== false;
  if (request.assetClass === 'stock' && !sessionOpen && !extendedOpen) {
    d.reason = 'market-closed';
    return d;
  }
  if (!tol.forceImmediate && !withinDistance(dist, tol.tolerance)) {
    d.reason = 'outside-tolerance';
    return d;
  }
  let requestValue: RequestValue | null = null;
  if (valuator && tol.forceImmediate) {
    // A force-immediate order rests at any distance; under a value ranking only if it can plausibly fill.
    d.requestValue = requestValue = valueRequest(valuator, request, now);
    if (requestValue.probability < config.forceImmediateMinFillProbability) {
      d.reason = 'fill-unlikely';
      return d;
    }
  }
  d.replaces = replaces?.id ?? null;
  if (shortfall <= MARGIN_EPSILON) {
    d.action = 'place';
    d.reason = 'capacity-available';
    d.usedAfter = used - replacedMargin + marginNeeded;
    return d;
  }
  d.action = 'block';
  // A wiped-out account has no capacity: even every order of ours cancelled would leave the request short
  // (the shortfall is at least what the others hold plus the request's own need), so the cause is the equity,
  // not the victims, the readiness or the switch.
  if (!(ctx.equity > 0)) return blocked(d, 'no-capacity');
  if (!config.stealingEnabled) return blocked(d, 'stealing-disabled');
  if (!readyToSteal) return blocked(d, 'not-ready-to-steal');
  if (requesterCooling) return blocked(d, 'on-cooldown');
  const budget = config.stealBudgetPerDay ?? 0;
  if (budget > 0 && input.history.stealsBy(request.symbol, now, STEAL_BUDGET_WINDOW_MS) >= budget) {
    return blocked(d, 'steal-budget');
  }

  const { table, ours } = candidateTable(input, columns, config, reqCrypto, reqStock);
  d.candidates = table;
  let eligible: EligibleSummary | null = null;
  if (valuator) {
    table.ranking = ranking;
    eligible = valueCandidates(table, valuator, now, config.protectionFillProbability, columns.stamp);
  }
  // `margin`: nothing of ours to steal from at all. Our orders that other sagas are cancelling are ours, just
  // not eligible now (README: block reasons).
  if (ours === 0)
    return blocked(d, cancellingOthers(columns, requestSymbol) ? 'no-eligible-victims' : 'margin');

  const selection = selectVictims(table, shortfall, eligible);
  if (selection.victims.length === 0) {
    return blocked(d, selection.eligibleMargin > 0 ? 'victims-insufficient' : 'no-eligible-victims');
  }
  let fight = false;
  for (const v of selection.victims) {
    if (input.history.isFighting(request.symbol, table.orders[v]!.symbol, now)) fight = true;
  }
  if (valuator) {
    d.requestValue = requestValue ??= valueRequest(valuator, request, now);
    d.stealTest = stealTest(requestValue, table, selection.victims, fight, config);
    if (!d.stealTest.passed) return blocked(d, 'steal-not-worth');
  }
  d.action = 'steal';
  d.reason = 'stole-capacity';
  d.usedAfter = used - replacedMargin - selection.freed + marginNeeded;
  d.victims = selection.victims.map((v) => table.orders[v]!.id);
  d.freedMargin = selection.freed;
  d.fight = fight;
  return d;
}

/** Is any entry of ours, of another symbol than the requester's, being cancelled by a saga in flight? */
function cancellingOthers(columns: OrderColumns, requestSymbol: number): boolean {
  const { flags, symbol } = columns;
  const mask = ORDER_ENTRY | ORDER_OFF_LIMITS;
  const key = ORDER_ENTRY | ORDER_PENDING_CANCEL;
  for (let i = 0; i < columns.length; i++)
    if ((flags[i]! & mask) === key && symbol[i] !== requestSymbol) return true;
  return false;
}

function blocked(d: Decision, reason: string): Decision {
  d.action = 'block';
  d.reason = reason;
  return d;
}

/** The held sums of the decision being taken (decide() is synchronous: one at a time). */
const HELD_SCRATCH = new Float64Array(2);

/** Margin held by the positions and the resting entries, summed per asset class first (one multiplication each). */
function heldMargin(input: DecideInput, columns: OrderColumns, reqCrypto: number, reqStock: number): number {
  let cryptoNotional = 0;
  let stockNotional = 0;
  for (const p of input.positions) {
    if (p.assetClass === 'crypto') cryptoNotional += Math.abs(p.qty * p.price);
    else stockNotional += Math.abs(p.qty * p.price);
  }
  const held = HELD_SCRATCH;
  columns.heldNotional(cryptoNotional, stockNotional, held);
  return held[0]! * reqCrypto + held[1]! * reqStock;
}

/** The caller's columns of the order list, or columns built from it now. */
function orderColumns(input: DecideInput): OrderColumns {
  const columns = input.columns;
  if (!columns) return OrderColumns.of(input.orders);
  if (columns.length !== input.orders.length) {
    throw new Error(
      `DecideInput.columns has ${columns.length} rows but orders has ${input.orders.length}: ` +
        `the columns must describe the order list row for row (keep them with the list, or leave them out)`,
    );
  }
  return columns;
}
