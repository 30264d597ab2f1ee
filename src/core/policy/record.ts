import type { OrderRole, Side } from '../types.js';
import { rankEligible } from './candidates.js';
import { INELIGIBLE_REASONS, type CandidateRecord, type Decision } from './decision.js';
import type { ValueColumns } from './valuation.js';

/**
 * A decision record exists in two forms with the same content:
 * - the readable record (README "`worksteal explain`: why did it steal X?"): one object per candidate, times
 *   as ISO strings; what `explain --json` prints, what `run` stores and what the service's decisions endpoint
 *   answers;
 * - the column record: the decision's own fields, `time` in epoch ms, and the candidates in columns (typed
 *   arrays, no per-candidate objects, no date formatting). The service stores this one on every request's
 *   path (src/service/stored-record.ts) and builds the readable one only when someone reads it.
 */

const iso = (t: number): string => new Date(t).toISOString();
/** Stored JSON holds null where the decision had NaN or ±Infinity; both read as "unknown". */
const finiteOrNull = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);

/** The valuation columns a value ranking adds, by the name a readable candidate record gives them. */
export const VALUE_FIELDS = {
  volatility: 'sigma',
  fillProbability: 'probability',
  nextBarFillProbability: 'nextBarProbability',
  expectedReturn: 'expectedReturn',
  expectedValue: 'expectedValue',
  density: 'density',
} as const satisfies Record<string, keyof ValueColumns>;
export type ValueField = keyof typeof VALUE_FIELDS;

/** Every candidate of a decision, one column per field (index = candidate, the decision table's order). */
export interface CandidateColumns {
  id: readonly string[];
  symbol: readonly string[];
  side: readonly Side[];
  role: readonly OrderRole[];
  /** Non-finite (or null, read back from JSON) where unknown. */
  distance: ArrayLike<number | null>;
  forecastPnl: ArrayLike<number>;
  margin: ArrayLike<number>;
  /** Epoch ms. */
  placedAt: ArrayLike<number>;
  /** INELIGIBLE_REASONS codes; 0 means eligible. */
  reason: ArrayLike<number>;
  /** Indices of the eligible candidates in ranking order (the first is the first victim). */
  ranked: readonly number[];
  /** Under a value ranking, the valuations (non-finite where not evaluated); null under `distance`. */
  value: Record<ValueField, ArrayLike<number | null>> | null;
  /**
   * The candidates another saga is cancelling (reason `pending-cancel`), as [candidate index, saga id]
   * pairs; absent (records stored before it) or empty when there are none.
   */
  cancelledBy?: readonly (readonly [number, string])[];
}

/** A decision with its candidates in columns and its time in epoch ms. */
export interface ColumnRecord extends Omit<Decision, 'candidates'> {
  candidates: CandidateColumns | null;
}

/** The candidates of a decision in column form; the typed columns are the decision's own (not copied). */
export function candidateColumns(decision: Decision): CandidateColumns | null {
  const t = decision.candidates;
  if (!t) return null;
  const n = t.orders.length;
  const id = new Array<string>(n);
  const symbol = new Array<string>(n);
  const side = new Array<Side>(n);
  const role = new Array<OrderRole>(n);
  const forecastPnl = new Float64Array(n);
  const placedAt = new Float64Array(n);
  const cancelledBy: [number, string][] = [];
  for (let i = 0; i < n; i++) {
    const o = t.orders[i]!;
    if (o.pendingCancelBy !== undefined) cancelledBy.push([i, o.pendingCancelBy]);
    id[i] = o.id;
    symbol[i] = o.symbol;
    side[i] = o.side;
    role[i] = o.role;
    forecastPnl[i] = o.forecastPnl;
    placedAt[i] = o.placedAt;
  }
  const v = t.value;
  let value: CandidateColumns['value'] = null;
  if (v) {
    value = {} as Record<ValueField, Float64Array>;
    for (const [field, column] of Object.entries(VALUE_FIELDS) as [ValueField, keyof ValueColumns][])
      value[field] = v[column];
  }
  const { distance, margin, reason } = t;
  return {
    id,
    symbol,
    side,
    role,
    distance,
    forecastPnl,
    margin,
    placedAt,
    reason,
    ranked: rankEligible(t),
    value,
    cancelledBy,
  };
}

/** Readable per-candidate records from columns: ranked candidates first (rank 1 = first victim), then by id. */
export function expandCandidates(c: CandidateColumns, victims: readonly string[]): CandidateRecord[] {
  const ranks = new Map<number, number>();
  c.ranked.forEach((idx, pos) => ranks.set(idx, pos + 1));
  const chosen = new Set(victims);
  const sagaOf = new Map(c.cancelledBy ?? []);
  // Orders placed in the same instant share one formatted time.
  const times = new Map<number, string>();
  const out: CandidateRecord[] = [];
  for (let i = 0; i < c.id.length; i++) {
    const placedAt = c.placedAt[i]!;
    let placed = times.get(placedAt);
    if (placed === undefined) times.set(placedAt, (placed = iso(placedAt)));
    const record: CandidateRecord = {
      id: c.id[i]!,
      symbol: c.symbol[i]!,
      side: c.side[i]!,
      role: c.role[i]!,
      distance: finiteOrNull(c.distance[i]!),
      forecastPnl: c.forecastPnl[i]!,
      margin: c.margin[i]!,
      placedAt: placed,
      eligible: c.reason[i] === 0,
      reason: INELIGIBLE_REASONS[c.reason[i]!] ?? null,
      rank: ranks.get(i) ?? null,
      victim: chosen.has(c.id[i]!),
    };
    if (c.value)
      for (const field of Object.keys(VALUE_FIELDS) as ValueField[])
        record[field] = finiteOrNull(c.value[field][i]!);
    const saga = sagaOf.get(i);
    if (saga !== undefined) record.cancelledBy = saga;
    out.push(record);
  }
  return out.sort(
    (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Readable per-candidate records of a decision: every open order, why it was or was not eligible, its rank. */
export function candidateRecords(decision: Decision): CandidateRecord[] {
  const columns = candidateColumns(decision);
  return columns ? expandCandidates(columns, decision.victims) : [];
}

/** The decision with its candidates in columns (see ColumnRecord). */
export function columnRecord(decision: Decision): ColumnRecord {
  const { candidates: _table, ...rest } = decision;
  // Added to the fresh rest object, not to a spread copy of it: such a copy with a field added kept the
  // decision it was copied from alive through young-generation collections (docs/service.md).
  return Object.assign(rest, { candidates: candidateColumns(decision) });
}

/** The decision record as plain JSON: what `explain --json` prints and logs keep. */
export function decisionRecord(decision: Decision): Record<string, unknown> {
  return readableRecord(columnRecord(decision));
}

/** The readable record of a column record (the one rule for both forms). */
export function readableRecord(r: ColumnRecord): Record<string, unknown> {
  const { candidates, ...rest } = r;
  return Object.assign(rest, {
    time: iso(r.time),
    tolerance: finiteOrNull(r.tolerance),
    distance: finiteOrNull(r.distance),
    requestValue: r.requestValue && finiteFields(r.requestValue),
    stealTest: r.stealTest && finiteFields(r.stealTest),
    candidates: candidates ? expandCandidates(candidates, r.victims) : [],
  });
}

/** Numbers that are not finite (an unknown valuation) become null, so the JSON says "unknown" plainly. */
function finiteFields<T extends object>(o: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = typeof x === 'number' ? finiteOrNull(x) : x;
  return out;
}
