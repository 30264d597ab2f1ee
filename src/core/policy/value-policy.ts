import type { WorkstealConfig } from '../config/schema.js';
import type { EntryRequest, TimeMs } from '../types.js';
import { REASON_CODE, type CandidateTable } from './decision.js';
import {
  MIN_VICTIM_VALUE_PER_NOTIONAL,
  VAL_P,
  VAL_P_NEXT_BAR,
  VAL_RETURN,
  VAL_SIGMA,
  VALUATION_SLOTS,
  type RequestValue,
  type StealTest,
  type Valuator,
  type ValueColumns,
} from './valuation.js';

/** The keys of the value rankings (DESIGN §2 "Value-aware stealing"). */
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

/** The valuator a value ranking needs, or an error that says what to do. */
export function requireValuator(valuator: Valuator | null | undefined, ranking: string): Valuator {
  if (valuator) return valuator;
  throw new Error(
    `victimRanking '${ranking}' needs fill probabilities and values, but the decision was given no valuator ` +
      `(DecideInput.valuator, built from the session's fill model with fillValuator()); ` +
      `pass one, or set victimRanking to 'distance'`,
  );
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
 * work is the cost of this ranking.
 */
export function valueCandidates(
  t: CandidateTable,
  valuator: Valuator,
  now: TimeMs,
  protectionProbability: number,
): void {
  const n = t.reason.length;
  const buffer = new Float64Array(n * 6).fill(Number.NaN);
  const v: ValueColumns = {
    probability: buffer.subarray(0, n),
    nextBarProbability: buffer.subarray(n, 2 * n),
    expectedReturn: buffer.subarray(2 * n, 3 * n),
    expectedValue: buffer.subarray(3 * n, 4 * n),
    density: buffer.subarray(4 * n, 5 * n),
    sigma: buffer.subarray(5 * n, 6 * n),
  };
  t.value = v;
  const why = t.reason;
  for (let i = 0; i < n; i++) {
    if (why[i] !== ELIGIBLE) continue;
    const o = t.orders[i]!;
    valuator.valueOrder(o, now, scratch);
    const p = scratch[VAL_P]!;
    const pNext = scratch[VAL_P_NEXT_BAR]!;
    const e = scratch[VAL_RETURN]!;
    v.probability[i] = p;
    v.nextBarProbability[i] = pNext;
    v.expectedReturn[i] = e;
    v.sigma[i] = scratch[VAL_SIGMA]!;
    if (p !== p || pNext !== pNext || e !== e) {
      why[i] = NO_ESTIMATE;
      continue;
    }
    const ev = p * e * Math.abs(o.qty * o.limitPrice);
    v.expectedValue[i] = ev;
    v.density[i] = t.margin[i]! > 0 ? ev / t.margin[i]! : Number.NaN;
    if (pNext >= protectionProbability) why[i] = PROTECTED_FILL;
  }
}

/**
 * The steal inequality (DESIGN §2): `EV(stealer) − cost ≥ (1 + h)·ΣEV(victims) + λ·Σnotional(victims)`,
 * with `(1 + h)²` for a fight steal, and the stealer's EV positive. Unknown values fail it.
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
    const o = t.orders[i]!;
    const notional = Math.abs(o.qty * o.limitPrice);
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
