import type { RankingInForce, VictimRanking, WorkstealConfig } from '../config/schema.js';
import { ValidationError, type Issue } from '../errors.js';
import type { EntryRequest, TimeMs } from '../types.js';
import { ranksBeforeByValue, valueScore, type EligibleSummary } from './candidates.js';
import { carveColumns } from './columns.js';
import { REASON_CODE, type CandidateTable } from './decision.js';
import {
  MIN_VICTIM_VALUE_PER_NOTIONAL,
  VAL_P,
  VAL_P_NEXT_BAR,
  VAL_RETURN,
  VAL_SIGMA,
  VALUATION_SLOTS,
  type NextBarCompletion,
  type RequestValue,
  type StealTest,
  type Valuator,
  type ValueColumns,
} from './valuation.js';

/** The keys of the value rankings (README "Configuration"). */
export type ValueConfig = Pick<
  WorkstealConfig,
  | 'victimRanking'
  | 'stealHysteresis'
  | 'stealCostPerNotional'
  | 'stealerCostPct'
  | 'protectionFillProbability'
  | 'forceImmediateMinFillProbability'
>;

const ELIGIBLE = REASON_CODE.eligible;
const PROTECTED_FILL = REASON_CODE['protected-fill-probability'];
const NO_ESTIMATE = REASON_CODE['no-estimate'];

/** One valuation at a time: decide() is synchronous, and nothing keeps this buffer past a call. */
const scratch = new Float64Array(VALUATION_SLOTS);
/** The eligible rows of the decision being valued (same reason: one at a time, never kept). */
let rowScratch = new Int32Array(0);

/**
 * The ranking a decision uses. `auto` is `expectedValue` when the session gave a valuator (it values orders
 * from bars) and `distance` when it gave none; an unset ranking is `distance`.
 */
export function rankingInForce(
  ranking: VictimRanking | undefined,
  valuator: Valuator | null | undefined,
): RankingInForce {
  if (ranking === 'auto') return valuator ? 'expectedValue' : 'distance';
  return ranking ?? 'distance';
}

/**
 * A session under this ranking feeds the fill model and values orders: every ranking but `distance`
 * (`auto` included, which ranks by value wherever that valuator is given).
 */
export function valuesOrders(ranking: VictimRanking): boolean {
  return ranking !== 'distance';
}

/** The ranking names a value ranking outright, so a session without bars to value orders from cannot use it. */
export function requiresValuator(ranking: VictimRanking | undefined): boolean {
  return ranking === 'fillProbability' || ranking === 'expectedValue';
}

/**
 * The issue of a value ranking decided without a valuator (null when the ranking needs none or has one): it
 * could not rank at all. decide() refuses with it; the library's decide() lists it with the input's others.
 */
export function missingValuatorIssue(
  ranking: VictimRanking | undefined,
  valuator: Valuator | null | undefined,
): Issue | null {
  if (valuator || !requiresValuator(ranking)) return null;
  return {
    where: 'input.valuator',
    message:
      `victimRanking '${String(ranking)}' needs fill probabilities and values, but the decision was given no ` +
      `valuator (DecideInput.valuator, built from the session's fill model with fillValuator()); ` +
      `pass one, or set victimRanking to 'auto' or 'distance'`,
    value: valuator,
  };
}

/** The valuator a value ranking needs, or a ValidationError that says what to do. */
export function requireValuator(valuator: Valuator | null | undefined, ranking: VictimRanking): Valuator {
  if (valuator) return valuator;
  throw new ValidationError('Invalid decide() input', [missingValuatorIssue(ranking, valuator)!]);
}

export function valueRequest(valuator: Valuator, request: EntryRequest, now: TimeMs): RequestValue {
  valuator.valueRequest(request, now, scratch);
  const notional = Math.abs(request.qty * request.limitPrice);
  const probability = scratch[VAL_P]!;
  const expectedReturn = scratch[VAL_RETURN]!;
  return {
    probability,
    nextBarProbability: scratch[VAL_P_NEXT_BAR]!,
    expectedReturn,
    sigma: scratch[VAL_SIGMA]!,
    notional,
    expectedValue: probability * expectedReturn * notional,
  };
}

/**
 * Value every candidate still eligible after the distance-era rules, and apply the value rules: an order
 * with an unknown valuation is `no-estimate`, one likely to fill within the next bar is
 * `protected-fill-probability`. Only eligible candidates are valued (the rest keep NaN): the valuator's
 * work is the cost of this ranking. `stamps`: the order columns' row stamps (see Valuator.valueOrders).
 * The table's `ranking` must be set. Returns what selectVictims' first pass would gather (the eligible
 * margin, count and first-ranked row), gathered on the way: one pass over the rows fewer.
 */
export function valueCandidates(
  t: CandidateTable,
  valuator: Valuator,
  now: TimeMs,
  protectionProbability: number,
  stamps: Float64Array | null = null,
): EligibleSummary {
  const n = t.reason.length;
  // Columns from the slab (they stay with the decision); the list of eligible rows is scratch.
  const { buffer, offset } = carveColumns(n * 48);
  const column = (k: number) => new Float64Array(buffer, offset + k * n * 8, n);
  const nextBar = column(1);
  const v: ValueColumns = {
    probability: column(0),
    nextBarProbability: nextBar,
    expectedReturn: column(2),
    expectedValue: column(3),
    density: column(4),
    sigma: column(5),
  };
  if (rowScratch.length < n) rowScratch = new Int32Array(n * 2);
  const rows = rowScratch;
  const { probability, nextBarProbability, expectedReturn, expectedValue, density, sigma } = v;
  const why = t.reason;
  let count = 0;
  for (let i = 0; i < n; i++) if (why[i] === ELIGIBLE) rows[count++] = i;
  // The valuator may write any row (see Valuator.valueOrders): the pass below sets every row's six values.
  // A next-bar chance below the protection threshold cannot change the decision: the valuator may leave
  // it for whoever reads the column (a record, explain), which then gets the very number (CompletedOnRead).
  let completion: NextBarCompletion | void = undefined;
  if (valuator.valueOrders)
    completion = valuator.valueOrders(t.orders, rows, count, now, v, stamps, protectionProbability);
  else valueEach(t, rows, count, valuator, now, v);
  t.value = completion ? new CompletedOnRead(v, nextBar, completion, t.orders) : v;
  const margin = t.margin;
  const notional = t.notional;
  const score = valueScore(t);
  const unknown = Number.NaN;
  let eligibleMargin = 0;
  let eligible = 0;
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < n; i++) {
    if (why[i] !== ELIGIBLE) {
      // Not valued: unknown in every column.
      probability[i] = unknown;
      nextBarProbability[i] = unknown;
      expectedReturn[i] = unknown;
      expectedValue[i] = unknown;
      density[i] = unknown;
      sigma[i] = unknown;
      continue;
    }
    const p = probability[i]!;
    const pNext = nextBarProbability[i]!;
    const e = expectedReturn[i]!;
    if (p !== p || pNext !== pNext || e !== e) {
      why[i] = NO_ESTIMATE;
      expectedValue[i] = unknown;
      density[i] = unknown;
      continue;
    }
    const ev = p * e * notional[i]!;
    expectedValue[i] = ev;
    const m = margin[i]!;
    // Only a row with margin has a density (unknown otherwise). Two stores, not one of a choice: a choice
    // between the quotient and the unknown constant would put every row's quotient in a fresh heap number.
    if (m > 0) density[i] = ev / m;
    else density[i] = unknown;
    if (pNext >= protectionProbability) {
      why[i] = PROTECTED_FILL;
      continue;
    }
    // Still eligible: summed in row order, as selectVictims would.
    eligibleMargin += m;
    eligible++;
    const sc = score[i]!;
    if (ranksBeforeByValue(t, i, sc, best, bestScore)) {
      best = i;
      bestScore = sc;
    }
  }
  return { margin: eligibleMargin, count: eligible, best };
}

/**
 * A decision's valuation columns whose next-bar column is completed on first read (see
 * Valuator.valueOrders' `deferBelow`): the decision reads the column as the valuator wrote it (a deferred
 * chance is negative, so below the protection threshold as the chance is); everyone after it, through
 * `nextBarProbability`, reads the chances. That is an own, enumerable accessor and the rest is private, so a
 * copy of the columns (spread, JSON, structuredClone) reads the chances too and carries nothing else.
 */
class CompletedOnRead implements ValueColumns {
  readonly probability: Float64Array;
  readonly expectedReturn: Float64Array;
  readonly expectedValue: Float64Array;
  readonly density: Float64Array;
  readonly sigma: Float64Array;
  declare readonly nextBarProbability: Float64Array;
  #nextBar: Float64Array;
  #completion: NextBarCompletion | null;
  #orders: CandidateTable['orders'];

  constructor(
    v: ValueColumns,
    nextBar: Float64Array,
    completion: NextBarCompletion,
    orders: CandidateTable['orders'],
  ) {
    this.probability = v.probability;
    this.expectedReturn = v.expectedReturn;
    this.expectedValue = v.expectedValue;
    this.density = v.density;
    this.sigma = v.sigma;
    this.#nextBar = nextBar;
    this.#completion = completion;
    this.#orders = orders;
    // One descriptor for every instance (one getter function): instances then share their shape.
    Object.defineProperty(this, 'nextBarProbability', CompletedOnRead.#accessor);
  }

  static readonly #accessor: PropertyDescriptor = {
    enumerable: true,
    get(this: CompletedOnRead): Float64Array {
      return this.#completed();
    },
  };

  #completed(): Float64Array {
    const completion = this.#completion;
    if (completion) {
      this.#completion = null;
      completion(this.#nextBar, this.#orders);
    }
    return this.#nextBar;
  }
}

/** A valuator without the batch form: one `valueOrder` per row. */
function valueEach(
  t: CandidateTable,
  rows: Int32Array,
  count: number,
  valuator: Valuator,
  now: TimeMs,
  v: ValueColumns,
): void {
  for (let k = 0; k < count; k++) {
    const i = rows[k]!;
    valuator.valueOrder(t.orders[i]!, now, scratch);
    v.probability[i] = scratch[VAL_P]!;
    v.nextBarProbability[i] = scratch[VAL_P_NEXT_BAR]!;
    v.expectedReturn[i] = scratch[VAL_RETURN]!;
    v.sigma[i] = scratch[VAL_SIGMA]!;
  }
}

/**
 * The steal inequality (src/core/fill/USAGE.md):
 * `EV(stealer) − cost ≥ (1 + h)·ΣEV(victims) + λ·Σnotional(victims)`, with `(1 + h)²` for a fight steal, and
 * the stealer's EV positive. Unknown values fail it.
 */
export function stealTest(
  request: RequestValue,
  t: CandidateTable,
  victims: readonly number[],
  fight: boolean,
  config: ValueConfig,
): StealTest {
  let victimsValue = 0;
  let victimsNotional = 0;
  for (const i of victims) {
    const notional = t.notional[i]!;
    const ev = t.value!.expectedValue[i]!;
    victimsValue += Math.max(ev, MIN_VICTIM_VALUE_PER_NOTIONAL * notional);
    victimsNotional += notional;
  }
  const h = config.stealHysteresis;
  const factor = fight ? (1 + h) * (1 + h) : 1 + h;
  const stealerCost = config.stealerCostPct * request.notional;
  const lhs = request.expectedValue - stealerCost;
  const rhs = factor * victimsValue + config.stealCostPerNotional * victimsNotional;
  return {
    stealerValue: request.expectedValue,
    stealerCost,
    victimsValue,
    victimsNotional,
    hysteresis: h,
    factor,
    costPerNotional: config.stealCostPerNotional,
    lhs,
    rhs,
    passed: request.expectedValue > 0 && lhs >= rhs,
  };
}
