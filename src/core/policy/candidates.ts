import type { CandidateTable } from './decision.js';
import { distanceTieKey } from './distance.js';

/**
 * Victim ranking (README "The rules in one table"): distance descending; distances that round to the same
 * multiple of 1e-9 tie (distanceTieKey), then forecast PnL ascending, then older first, then order id.
 * Negative when `i` goes before `j`. A tie must be transitive: "within 1e-9 of each other" is not (0, 0.6e-9
 * and 1.2e-9 would rank in a cycle), and a cyclic ranking makes the victims depend on the order of the order
 * list and lets the record's rank 1 differ from the victim chosen.
 */
export function compareVictims(t: CandidateTable, i: number, j: number): number {
  const ki = distanceTieKey(t.distance[i]!);
  const kj = distanceTieKey(t.distance[j]!);
  if (ki !== kj) return kj - ki;
  const oi = t.orders[i]!;
  const oj = t.orders[j]!;
  const dp = oi.forecastPnl - oj.forecastPnl;
  if (dp !== 0) return dp;
  const da = oi.placedAt - oj.placedAt;
  if (da !== 0) return da;
  return oi.id < oj.id ? -1 : oi.id > oj.id ? 1 : 0;
}

/** Whether the table ranks by value (fill probability or density) rather than distance. */
export function ranksByValue(t: CandidateTable): boolean {
  return t.value != null && t.ranking !== undefined && t.ranking !== 'distance';
}

/**
 * Value rankings (README "Value-aware stealing: does it pay?"): lowest fill probability, or lowest EV per
 * unit of margin, goes first; equal scores fall back to the distance ranking, so the order stays
 * deterministic.
 */
export function compareByValue(t: CandidateTable, i: number, j: number): number {
  const v = t.value!;
  const score = t.ranking === 'fillProbability' ? v.probability : v.density;
  const si = score[i]!;
  const sj = score[j]!;
  if (si < sj) return -1;
  if (si > sj) return 1;
  return compareVictims(t, i, j);
}

/** The ranking the table was built for. Negative when `i` goes before `j`. */
export function compareCandidates(t: CandidateTable, i: number, j: number): number {
  return ranksByValue(t) ? compareByValue(t, i, j) : compareVictims(t, i, j);
}

/** Indices of eligible candidates in ranking order. */
export function rankEligible(t: CandidateTable): number[] {
  const idx: number[] = [];
  for (let i = 0; i < t.reason.length; i++) if (t.reason[i] === 0) idx.push(i);
  return idx.sort((i, j) => compareCandidates(t, i, j));
}

export interface VictimSelection {
  victims: number[];
  freed: number;
  eligibleMargin: number;
}

/**
 * The eligible candidates of a table at a glance: what the first pass of selectVictims gathers (or what the
 * pass that values the candidates gathered on its way, see valueCandidates).
 */
export interface EligibleSummary {
  /** Margin of all eligible candidates together. */
  margin: number;
  count: number;
  /** The first in the distance ranking, or -1 when none is eligible. */
  best: number;
}

/**
 * Take victims in rank order until their margin covers `need`. Usually one or two victims suffice, so this
 * scans for the next best instead of sorting every candidate: O(k·n) with k victims.
 * When all eligible margin together is short, nothing is chosen (the caller blocks).
 */
export function selectVictims(
  t: CandidateTable,
  need: number,
  summary: EligibleSummary | null = null,
): VictimSelection {
  if (ranksByValue(t)) return selectByValue(t, need, summary ?? summarizeByValue(t));
  const n = t.reason.length;
  const s = summarizeEligible(t);
  const eligibleMargin = s.margin;
  const eligible = s.count;
  const best = s.best;
  if (eligibleMargin + 1e-9 < need || best < 0) return { victims: [], freed: 0, eligibleMargin };
  const victims = [best];
  let freed = t.margin[best]!;
  if (freed + 1e-9 >= need) return { victims, freed, eligibleMargin };
  // More victims needed: the rest, compacted as they are taken so each scan visits only what is left.
  const pool = new Int32Array(eligible - 1);
  let left = 0;
  for (let i = 0; i < n; i++) if (t.reason[i] === 0 && i !== best) pool[left++] = i;
  while (freed + 1e-9 < need && left > 0) {
    let bestAt = 0;
    for (let k = 1; k < left; k++) if (compareVictims(t, pool[k]!, pool[bestAt]!) < 0) bestAt = k;
    const next = pool[bestAt]!;
    pool[bestAt] = pool[--left]!;
    victims.push(next);
    freed += t.margin[next]!;
  }
  return { victims, freed, eligibleMargin };
}

/**
 * One pass: total eligible margin and the first-ranked candidate (most steals need only one victim). The
 * running figures live in locals, not in the summary object: at 1,000 orders that is most of the pass.
 */
function summarizeEligible(t: CandidateTable): EligibleSummary {
  const why = t.reason;
  const distance = t.distance;
  const margin = t.margin;
  let total = 0;
  let count = 0;
  let best = -1;
  let bestKey = 0;
  for (let i = 0; i < why.length; i++) {
    if (why[i] !== 0) continue;
    total += margin[i]!;
    count++;
    const key = distanceTieKey(distance[i]!);
    if (best < 0 || key > bestKey || (key === bestKey && compareVictims(t, i, best) < 0)) {
      best = i;
      bestKey = key;
    }
  }
  return { margin: total, count, best };
}

/** The score a value ranking orders by (lower goes first): fill probability or density. */
export function valueScore(t: CandidateTable): Float64Array {
  return t.ranking === 'fillProbability' ? t.value!.probability : t.value!.density;
}

/**
 * Whether eligible row `i` (score `s`) ranks before the best so far (`best`, score `bestScore`; −1: none yet)
 * under a value ranking: compareByValue inlined on the scores, so only equal (or unordered) scores need
 * the distance ranking.
 */
export function ranksBeforeByValue(
  t: CandidateTable,
  i: number,
  s: number,
  best: number,
  bestScore: number,
): boolean {
  return best < 0 || s < bestScore || (!(s > bestScore) && compareVictims(t, i, best) < 0);
}

/** The eligible summary of a value-ranked table, in one pass. */
function summarizeByValue(t: CandidateTable): EligibleSummary {
  const why = t.reason;
  const score = valueScore(t);
  const margin = t.margin;
  let total = 0;
  let count = 0;
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < why.length; i++) {
    if (why[i] !== 0) continue;
    total += margin[i]!;
    count++;
    const s = score[i]!;
    if (ranksBeforeByValue(t, i, s, best, bestScore)) {
      best = i;
      bestScore = s;
    }
  }
  return { margin: total, count, best };
}

/**
 * Greedy by value (the fractional-knapsack rule): lowest score first until the freed margin covers `need`;
 * nothing when all eligible margin together is short. The first victim comes from the summary (most steals
 * need one); only a second one needs the pool of the rest.
 */
function selectByValue(t: CandidateTable, need: number, summary: EligibleSummary): VictimSelection {
  const n = t.reason.length;
  const why = t.reason;
  const score = valueScore(t);
  const eligibleMargin = summary.margin;
  const eligible = summary.count;
  const best = summary.best;
  if (eligible === 0 || eligibleMargin + 1e-9 < need) return { victims: [], freed: 0, eligibleMargin };
  const victims = [best];
  let freed = t.margin[best]!;
  if (freed + 1e-9 >= need) return { victims, freed, eligibleMargin };
  // The pool as the scan left it: eligible rows in order, the first victim swapped out for the last row.
  const pool = new Int32Array(eligible);
  let left = 0;
  let taken = -1;
  for (let i = 0; i < n; i++) {
    if (why[i] !== 0) continue;
    if (i === best) taken = left;
    pool[left++] = i;
  }
  pool[taken] = pool[--left]!;
  while (left > 0 && freed + 1e-9 < need) {
    let bestAt = 0;
    let next = pool[0]!;
    let nextScore = score[next]!;
    for (let k = 1; k < left; k++) {
      const i = pool[k]!;
      const s = score[i]!;
      if (ranksBeforeByValue(t, i, s, next, nextScore)) {
        bestAt = k;
        next = i;
        nextScore = s;
      }
    }
    pool[bestAt] = pool[--left]!;
    victims.push(next);
    freed += t.margin[next]!;
  }
  return { victims, freed, eligibleMargin };
}
