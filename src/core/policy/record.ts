import { rankEligible } from './candidates.js';
import { INELIGIBLE_REASONS, type CandidateRecord, type Decision } from './decision.js';

const iso = (t: number): string => new Date(t).toISOString();
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Readable per-candidate records of a decision: every open order, why it was or was not eligible, its rank. */
export function candidateRecords(decision: Decision): CandidateRecord[] {
  const t = decision.candidates;
  if (!t) return [];
  const ranks = new Map<number, number>();
  rankEligible(t).forEach((idx, pos) => ranks.set(idx, pos + 1));
  const victims = new Set(decision.victims);
  const out: CandidateRecord[] = [];
  const v = t.value ?? null;
  for (let i = 0; i < t.orders.length; i++) {
    const o = t.orders[i]!;
    const record: CandidateRecord = {
      id: o.id,
      symbol: o.symbol,
      side: o.side,
      role: o.role,
      distance: finiteOrNull(t.distance[i]!),
      forecastPnl: o.forecastPnl,
      margin: t.margin[i]!,
      placedAt: iso(o.placedAt),
      eligible: t.reason[i] === 0,
      reason: INELIGIBLE_REASONS[t.reason[i]!] ?? null,
      rank: ranks.get(i) ?? null,
      victim: victims.has(o.id),
    };
    if (v) {
      record.volatility = finiteOrNull(v.sigma[i]!);
      record.fillProbability = finiteOrNull(v.probability[i]!);
      record.nextBarFillProbability = finiteOrNull(v.nextBarProbability[i]!);
      record.expectedReturn = finiteOrNull(v.expectedReturn[i]!);
      record.expectedValue = finiteOrNull(v.expectedValue[i]!);
      record.density = finiteOrNull(v.density[i]!);
    }
    out.push(record);
  }
  return out.sort(
    (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The decision record as plain JSON (DESIGN §2 "decision record"): what `explain --json` prints and logs keep. */
export function decisionRecord(decision: Decision): Record<string, unknown> {
  const { candidates: _table, ...rest } = decision;
  return {
    ...rest,
    time: iso(decision.time),
    tolerance: finiteOrNull(decision.tolerance),
    distance: finiteOrNull(decision.distance),
    requestValue: decision.requestValue && finiteFields(decision.requestValue),
    stealTest: decision.stealTest && finiteFields(decision.stealTest),
    candidates: candidateRecords(decision),
  };
}

/** Numbers that are not finite (an unknown valuation) become null, so the JSON says "unknown" plainly. */
function finiteFields<T extends object>(o: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = typeof x === 'number' ? finiteOrNull(x) : x;
  return out;
}
