import type {
  Action,
  EntryRequest,
  OpenOrder,
  IneligibleReason,
  OrderRole,
  Side,
  TimeMs,
  ToleranceTier,
} from '../types.js';
import type { RankingInForce } from '../config/schema.js';
import type { RequestValue, StealTest, ValueColumns } from './valuation.js';

/**
 * Compact per-candidate reason codes; 0 means eligible. Index = code. Stored records keep the codes (the
 * service's `decision-columns-b64` format): a new reason is appended, never inserted, so old records read
 * back with the reasons they were written with.
 */
export const INELIGIBLE_REASONS: readonly (IneligibleReason | null)[] = [
  null,
  'external',
  'not-entry',
  'probe',
  'same-symbol',
  'no-price',
  'protected-distance',
  'too-young',
  'cooldown',
  'fight-pnl',
  'protected-fill-probability',
  'no-estimate',
  'pending-cancel',
];
export const REASON_CODE = Object.fromEntries(
  INELIGIBLE_REASONS.map((r, i) => [r ?? 'eligible', i]),
) as Record<IneligibleReason | 'eligible', number>;

/**
 * Every open order as the decision saw it, in column form: a decision over 1,000 orders fills three typed
 * arrays and builds readable records only when someone asks (see candidateRecords).
 *
 * `orders` is the order list as it was at decision time (references; the order columns' snapshot, which a
 * later change of the list copies first): only the fields that never change after placement are read from
 * it later (id, symbol, side, role, forecast PnL, placement time). What moves (price, quantity) was captured
 * at decision time in `distance`, `margin` and `notional`.
 */
export interface CandidateTable {
  orders: readonly OpenOrder[];
  distance: Float64Array;
  margin: Float64Array;
  /** `|qty × limit|` of each order (margin before the requirement). */
  notional: Float64Array;
  reason: Uint8Array;
  /** How eligible candidates are ranked; absent means `distance`. */
  ranking?: RankingInForce;
  /** Valuations under a value ranking (absent or null under `distance`). */
  value?: ValueColumns | null;
}

export interface Decision {
  time: TimeMs;
  request: EntryRequest;
  action: Action;
  /** Why: a block or wait reason, or `capacity-available` / `stole-capacity` for place / steal. */
  reason: string;
  tier: ToleranceTier;
  tolerance: number;
  distance: number;
  forceImmediate: boolean;
  /** Within `stealEntryTolerance` (or force-immediate). */
  readyToSteal: boolean;
  requesterCooling: boolean;
  sessionOpen: boolean;
  requirement: number;
  equity: number;
  capacity: number;
  /** Margin held before the decision. */
  usedBefore: number;
  /** Margin held if the action is carried out as decided. */
  usedAfter: number;
  /** Margin the new order holds. */
  marginNeeded: number;
  /** Capacity not held, counting a replaced order's margin as free. */
  marginFree: number;
  /** `used + new − capacity` (after a replacement); ≤ 0 when it fits. */
  shortfall: number;
  /** Id of this symbol's resting entry order on the same side, which the new order replaces. */
  replaces: string | null;
  /** Victim order ids, in cancel order. */
  victims: string[];
  freedMargin: number;
  /** Any chosen victim's pair with the requester was fighting: this steal is a fight steal. */
  fight: boolean;
  dryRun: boolean;
  candidates: CandidateTable | null;
  /** The victim ranking in force. */
  ranking: RankingInForce;
  /** The requester's valuation, when a value ranking needed it (null otherwise). */
  requestValue: RequestValue | null;
  /** The steal inequality and its numbers, when a value ranking tested a steal (null otherwise). */
  stealTest: StealTest | null;
}

export interface CandidateRecord {
  id: string;
  symbol: string;
  side: Side;
  role: OrderRole;
  distance: number | null;
  forecastPnl: number;
  margin: number;
  placedAt: string;
  eligible: boolean;
  reason: IneligibleReason | null;
  /** Position in the victim ranking (1 = first to go), for eligible candidates. */
  rank: number | null;
  victim: boolean;
  /** The saga whose cancel of this order was not answered yet at the decision (reason `pending-cancel`). */
  cancelledBy?: string;
  /** Under a value ranking, for candidates that were valued (null otherwise). */
  volatility?: number | null;
  fillProbability?: number | null;
  nextBarFillProbability?: number | null;
  expectedReturn?: number | null;
  expectedValue?: number | null;
  density?: number | null;
}

/**
 * A steal attempt: a request that was short of margin while stealing was enabled, whatever came of it.
 * The simulator and the live metrics both count with this, so their success rates compare. A wiped-out
 * account (`no-capacity`) attempts nothing: no steal could make room there.
 */
export function isStealAttempt(d: Decision): boolean {
  return (
    d.action === 'steal' ||
    (d.action === 'block' &&
      d.shortfall > 0 &&
      d.reason !== 'stealing-disabled' &&
      d.reason !== 'no-capacity')
  );
}
