import type { WorkstealConfig } from '../config/schema.js';
import { cappedCapacity, notional, requirementFor, type MarginContext } from '../margin/requirements.js';
import type { EntryRequest, OpenOrder, Position, TimeMs } from '../types.js';
import { addEligible, selectVictims, type EligibleSummary } from './candidates.js';
import { carveColumns } from './columns.js';
import { REASON_CODE, type CandidateTable, type Decision } from './decision.js';
import { DISTANCE_EPSILON, distance, withinDistance } from './distance.js';
import { STEAL_BUDGET_WINDOW_MS, type StealHistory } from './steal-history.js';
import { toleranceFor } from './tolerance.js';
import type { RequestValue, Valuator } from './valuation.js';
import {
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
  history: StealHistory;
  request: EntryRequest;
  /** Fill probabilities and values; required by the value rankings, unused by `distance`. */
  valuator?: Valuator | null;
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

// Reason codes as plain constants for the candidate loop (the table of names is REASON_CODE).
const ELIGIBLE = REASON_CODE.eligible;
const EXTERNAL = REASON_CODE.external;
const NOT_ENTRY = REASON_CODE['not-entry'];
const SAME_SYMBOL = REASON_CODE['same-symbol'];
const PROBE = REASON_CODE.probe;
const NO_PRICE = REASON_CODE['no-price'];
const PROTECTED = REASON_CODE['protected-distance'];
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
  const ranking = config.victimRanking ?? 'distance';
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
  let replaces: OpenOrder | null = null;
  const orders = input.orders;
  const symbol = request.symbol;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i]!;
    if (o.role !== 'entry') continue; // exits reserve nothing
    if (o.assetClass === 'crypto') cryptoNotional += Math.abs(o.qty * o.limitPrice);
    else stockNotional += Math.abs(o.qty * o.limitPrice);
    if (o.symbol === symbol && o.side === request.side && !o.external) replaces = o;
  }
  const used = cryptoNotional * reqCrypto + stockNotional * reqStock;
  const replacedMargin = replaces ? notional(replaces.qty, replaces.limitPrice) * requirement : 0;
  const capacity = cappedCapacity(ctx.equity, config.bufferPct, input.account.capacityCap);
  const marginNeeded = notional(request.qty, request.limitPrice) * requirement;
  const marginFree = capacity - used + replacedMargin;
  const shortfall = marginNeeded - marginFree;

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

  const { table, ours, eligible } = candidateTable(input, config, reqCrypto, reqStock);
  d.candidates = table;
  if (valuator) {
    table.ranking = ranking;
    valueCandidates(table, valuator, now, config.protectionFillProbability);
  }
  if (ours === 0) return blocked(d, 'margin');

  // The summary holds for the distance ranking only: a value ranking changes reasons after the table.
  const selection = selectVictims(table, shortfall, valuator ? undefined : eligible);
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

const NO_SYMBOLS: readonly string[] = [];

/**
 * Every open order with its distance, margin and, when it may not be a victim, the first rule that says so;
 * how many of the orders are ours to steal from at all (neither external, nor an exit, nor the requester's
 * own symbol); and the eligible ones at a glance for selectVictims.
 */
function candidateTable(
  input: DecideInput,
  config: DecideConfig,
  reqCrypto: number,
  reqStock: number,
): { table: CandidateTable; ours: number; eligible: EligibleSummary } {
  const orders = input.orders.slice();
  const n = orders.length;
  const { buffer, offset } = carveColumns(n * 25);
  const t: CandidateTable = {
    orders,
    distance: new Float64Array(buffer, offset, n),
    margin: new Float64Array(buffer, offset + n * 8, n),
    notional: new Float64Array(buffer, offset + n * 16, n),
    reason: new Uint8Array(buffer, offset + n * 24, n),
  };
  const { request, now, history } = input;
  const minAgeMs = config.minOrderAgeSec * 1000;
  const protection = config.protectionPct + DISTANCE_EPSILON;
  // Cooling and fighting are facts about a few symbols: ask the history once, not once per order, and scan
  // the handful of names (cheaper per order than a set's hash lookup).
  const coolingSet = history.coolingSymbols(now);
  const fightingSet = history.fightingPartners(request.symbol, now);
  const cooling = coolingSet.size === 0 ? NO_SYMBOLS : [...coolingSet];
  const fighting = fightingSet.size === 0 ? NO_SYMBOLS : [...fightingSet];
  const requester = request.symbol;
  const requesterPnl = request.forecastPnl;
  const dist = t.distance;
  const margin = t.margin;
  const notional = t.notional;
  const why = t.reason;
  let ours = 0;
  const eligible: EligibleSummary = { margin: 0, count: 0, best: -1 };
  for (let i = 0; i < n; i++) {
    const o = orders[i]!;
    // distance() inlined: this loop runs once per open order on every steal decision.
    const price = o.price;
    const lp = o.limitPrice;
    const d =
      price === null || !(lp > 0) ? Number.NaN : o.side === 'buy' ? (price - lp) / lp : (lp - price) / lp;
    dist[i] = d;
    const entry = o.role === 'entry';
    const size = Math.abs(o.qty * lp);
    notional[i] = size;
    margin[i] = entry ? size * (o.assetClass === 'crypto' ? reqCrypto : reqStock) : 0;
    let reason = ELIGIBLE;
    if (o.external) reason = EXTERNAL;
    else if (!entry) reason = NOT_ENTRY;
    else if (o.symbol === requester) reason = SAME_SYMBOL;
    else {
      ours++;
      if (o.probe) reason = PROBE;
      else if (d !== d)
        reason = NO_PRICE; // NaN: no price, no distance
      else if (d <= protection) reason = PROTECTED;
      else if (now - o.placedAt < minAgeMs) reason = TOO_YOUNG;
      else if (cooling.length !== 0 && includes(cooling, o.symbol)) reason = COOLDOWN;
      else if (fighting.length !== 0 && includes(fighting, o.symbol) && !(requesterPnl > o.forecastPnl))
        reason = FIGHT_PNL;
      else addEligible(t, eligible, i);
    }
    why[i] = reason;
  }
  return { table: t, ours, eligible };
}

function includes(symbols: readonly string[], symbol: string): boolean {
  for (let k = 0; k < symbols.length; k++) if (symbols[k] === symbol) return true;
  return false;
}
