import type { WorkstealConfig } from '../config/schema.js';
import { ValidationError } from '../errors.js';
import { cappedCapacity, notional, requirementFor, type MarginContext } from '../margin/requirements.js';
import type { EntryRequest, OpenOrder, Position, TimeMs } from '../types.js';
import { selectVictims, type EligibleSummary } from './candidates.js';
import { COPY_BY_VIEW, carveColumns } from './columns.js';
import { REASON_CODE, type CandidateTable, type Decision } from './decision.js';
import { DISTANCE_EPSILON, distance, withinDistance } from './distance.js';
import { STEAL_BUDGET_WINDOW_MS, type StealHistory } from './steal-history.js';
import { OrderColumns } from './order-columns.js';
import { ORDER_ENTRY, ORDER_EXTERNAL, ORDER_SELL } from './order-flags.js';
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

// Reason codes as plain constants for the candidate loop (the table of names is REASON_CODE; the reasons
// from an order's own facts are the columns', see OrderColumns.reason).
const ELIGIBLE = REASON_CODE.eligible;
const SAME_SYMBOL = REASON_CODE['same-symbol'];
const TOO_YOUNG = REASON_CODE['too-young'];
const COOLDOWN = REASON_CODE.cooldown;
const FIGHT_PNL = REASON_CODE['fight-pnl'];

/** Floating-point slack for "fits": a shortfall below a millionth of a dollar is no shortfall. */
const MARGIN_EPSILON = 1e-6;

/**
 * The whole stealing policy as one pure function (DESIGN §2): same input, same decision. It never mutates
 * its input; carrying the decision out (cancels, placement, ledger updates) is the coordinator's job.
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

  // Margin held, summed per asset class first (one multiplication each at the end).
  let cryptoNotional = 0;
  let stockNotional = 0;
  for (const p of input.positions) {
    if (p.assetClass === 'crypto') cryptoNotional += Math.abs(p.qty * p.price);
    else stockNotional += Math.abs(p.qty * p.price);
  }
  const columns = orderColumns(input);
  const held = HELD_SCRATCH;
  columns.heldNotional(cryptoNotional, stockNotional, held);
  cryptoNotional = held[0]!;
  stockNotional = held[1]!;
  // This symbol's resting entry order on the request's side, placed by us: the one it replaces (the last).
  const n = columns.length;
  const flags = columns.flags;
  const orderSymbol = columns.symbol;
  const requestSymbol = columns.symbolId(request.symbol);
  const replacesKey = ORDER_ENTRY | (request.side === 'buy' ? 0 : ORDER_SELL);
  const replacesMask = ORDER_ENTRY | ORDER_SELL | ORDER_EXTERNAL;
  let replacesRow = -1;
  // A symbol that never had an order has no index (−1) and no row.
  for (let i = 0; requestSymbol >= 0 && i < n; i++) {
    if (orderSymbol[i] === requestSymbol && (flags[i]! & replacesMask) === replacesKey) replacesRow = i;
  }
  const replaces = replacesRow < 0 ? null : columns.order(replacesRow)!;
  let used = cryptoNotional * reqCrypto + stockNotional * reqStock;
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
  if (ours === 0) return blocked(d, 'margin');

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

function blocked(d: Decision, reason: string): Decision {
  d.action = 'block';
  d.reason = reason;
  return d;
}

/** Per-symbol marks of one candidate table (decide() is synchronous: one table at a time). */
const COOLING = 1;
const FIGHTING = 2;
const REQUESTER = 4;
let symbolMarks = new Uint8Array(64);
const HELD_SCRATCH = new Float64Array(2);

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

/**
 * Every open order with its distance, margin and, when it may not be a victim, the first rule that says so;
 * and how many of the orders are ours to steal from at all (neither external, nor an exit, nor the
 * requester's own symbol). Reads the order columns only.
 */
function candidateTable(
  input: DecideInput,
  columns: OrderColumns,
  config: DecideConfig,
  reqCrypto: number,
  reqStock: number,
): { table: CandidateTable; ours: number } {
  const n = columns.length;
  const { request, now, history } = input;
  const minAgeMs = config.minOrderAgeSec * 1000;
  // What depends on the orders alone (distance, margin, the reasons from each order's own facts) the columns
  // keep as the orders change. A large table reads distance, margin and notional in place (lent, copied by
  // the columns only if they change while the table holds them); a small one copies them (cheaper than
  // three views). The reasons are copied: the rules of this request, time and history change them per row.
  columns.prepare(config.protectionPct + DISTANCE_EPSILON, reqStock, reqCrypto);
  let t: CandidateTable;
  if (n >= COPY_BY_VIEW) {
    const lent = columns.lend(n);
    const { buffer, offset } = carveColumns(n);
    t = {
      orders: columns.snapshot(),
      distance: lent.distance,
      margin: lent.margin,
      notional: lent.notional,
      reason: new Uint8Array(buffer, offset, n),
    };
  } else {
    const { buffer, offset } = carveColumns(n * 25);
    t = {
      orders: columns.snapshot(),
      distance: new Float64Array(buffer, offset, n),
      margin: new Float64Array(buffer, offset + n * 8, n),
      notional: new Float64Array(buffer, offset + n * 16, n),
      reason: new Uint8Array(buffer, offset + n * 24, n),
    };
    copyFloats(t.distance, columns.distance, n);
    copyFloats(t.margin, columns.margin, n);
    copyFloats(t.notional, columns.notional, n);
  }
  const why = t.reason;
  copyBytes(why, columns.reason, n);
  let ours = columns.ours;
  // The requester's symbol, and the cooling and fighting ones: a few symbols, marked by symbol index.
  const symbols = columns.symbolCount;
  if (symbolMarks.length < symbols) symbolMarks = new Uint8Array(symbols * 2);
  const marks = symbolMarks;
  for (let k = 0; k < symbols; k++) marks[k] = 0;
  for (const s of history.coolingSymbols(now)) {
    const k = columns.symbolId(s);
    if (k >= 0) marks[k]! |= COOLING;
  }
  for (const s of history.fightingPartners(request.symbol, now)) {
    const k = columns.symbolId(s);
    if (k >= 0) marks[k]! |= FIGHTING;
  }
  const requester = columns.symbolId(request.symbol);
  if (requester >= 0) marks[requester] = REQUESTER;
  // Rows of unmarked symbols keep the columns' reason unless some order may be too young.
  const ageMatters = now - columns.latestPlacedAt < minAgeMs;
  const requesterPnl = request.forecastPnl;
  const { flags, placedAt, forecastPnl, symbol } = columns;
  for (let i = 0; i < n; i++) {
    const mark = marks[symbol[i]!]!;
    if (mark === 0 && !ageMatters) continue;
    // External orders and exits keep their reason; the requester's own symbol comes next (DESIGN §2).
    if ((flags[i]! & (ORDER_ENTRY | ORDER_EXTERNAL)) !== ORDER_ENTRY) continue;
    if (mark === REQUESTER) {
      why[i] = SAME_SYMBOL;
      ours--;
      continue;
    }
    if (why[i] !== ELIGIBLE) continue; // probe, no price, protected by distance
    if (now - placedAt[i]! < minAgeMs) why[i] = TOO_YOUNG;
    else if ((mark & COOLING) !== 0) why[i] = COOLDOWN;
    else if ((mark & FIGHTING) !== 0 && !(requesterPnl > forecastPnl[i]!)) why[i] = FIGHT_PNL;
  }
  return { table: t, ours };
}

/** The first `n` values of `from` into `to`. */
function copyFloats(to: Float64Array, from: Float64Array, n: number): void {
  if (n < COPY_BY_VIEW) for (let i = 0; i < n; i++) to[i] = from[i]!;
  else to.set(from.subarray(0, n));
}

/** The first `n` values of `from` into `to`. */
function copyBytes(to: Uint8Array, from: Uint8Array, n: number): void {
  if (n < COPY_BY_VIEW) for (let i = 0; i < n; i++) to[i] = from[i]!;
  else to.set(from.subarray(0, n));
}
